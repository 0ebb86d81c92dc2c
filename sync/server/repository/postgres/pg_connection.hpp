#pragma once
// A small RAII layer over libpq for the PostgreSQL store: connections from a
// URL, parameterized statements in text format, results, and a pool shared by
// the threads of one server process.
//
// Errors (SyncResult): Busy when PostgreSQL cannot be reached or the
// connection was lost, or for a serialization failure or deadlock (the
// request may be retried); Internal for everything else, with PostgreSQL's
// own message and SQLSTATE. No message ever holds the URL's password, and
// none holds a parameter's value (personal values are encrypted before they
// get here anyway).
//
// Threading: a PgConnection belongs to one thread at a time (the pool lends
// it); PgPool may be used from any thread.
#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sync/protocol/sync_error.hpp"

namespace chasqui::sync::pg {

// How long a statement waits for a lock before it fails as Busy (55P03):
// set on every connection, lifted while migrating.
inline constexpr std::string_view kSessionLockTimeout = "SET lock_timeout = '60s'";

// Statement parameters in text format; nullopt is SQL NULL.
using Params = std::vector<std::optional<std::string>>;

class PgResult {
public:
    explicit PgResult(PGresult* result) : m_result(result, &PQclear) {}
    int rows() const { return PQntuples(m_result.get()); }
    int columns() const { return PQnfields(m_result.get()); }
    bool isNull(int row, int column) const { return PQgetisnull(m_result.get(), row, column) != 0; }
    std::string_view text(int row, int column) const;
    // A bigint/integer column; nullopt when NULL or not a number.
    std::optional<std::int64_t> integer(int row, int column) const;
    // A bytea column in PostgreSQL's hex output (\x...); nullopt when NULL or malformed.
    std::optional<std::string> bytes(int row, int column) const;
    const PGresult* raw() const { return m_result.get(); }

private:
    std::unique_ptr<PGresult, decltype(&PQclear)> m_result;
};

class PgConnection {
public:
    // Connects (postgresql:// or postgres:// URL, or a libpq conninfo string).
    // Busy when the server cannot be reached, with libpq's reason, the
    // password masked.
    static SyncResult<std::unique_ptr<PgConnection>> connect(const std::string& url);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    // One statement with parameters $1..$n. `what` names the operation in
    // error messages ("reading records").
    SyncResult<PgResult> exec(std::string_view sql, Params params, std::string_view what);
    // Statements sent at once and run in order by the server (libpq's
    // pipeline mode): one round trip instead of one each. The first failure
    // is returned; the server skips the statements after it, and an open
    // transaction is left failed (the pool rolls it back). Only for
    // statements whose results are small (no rows are returned).
    struct Statement {
        std::string sql;
        Params params;
        std::string_view what;
        // Every parameter in binary format (binaryArray), else all in text.
        bool binary = false;
    };
    SyncResult<void> pipeline(std::vector<Statement> statements);
    // Several statements without parameters (migrations).
    SyncResult<void> execScript(std::string_view sql, std::string_view what);

    bool lost() const { return PQstatus(m_conn) == CONNECTION_BAD; }
    bool inTransaction() const { return PQtransactionStatus(m_conn) != PQTRANS_IDLE; }
    // Still in pipeline mode: a pipeline that could not be finished.
    bool inPipeline() const { return PQpipelineStatus(m_conn) != PQ_PIPELINE_OFF; }
    // Re-establishes a lost connection; false when it cannot.
    bool reconnect();

private:
    PgConnection(PGconn* conn, std::string password) : m_conn(conn), m_password(std::move(password)) {}
    SyncError failure(const PGresult* result, std::string_view what) const;

    PGconn* m_conn;
    std::string m_password;  // only to mask it in libpq's messages
};

// Builds a PostgreSQL array literal ({"a","b",NULL}) of text elements for
// `unnest($1::text[])`: every element quoted, quotes and backslashes escaped.
std::string arrayLiteral(const std::vector<std::optional<std::string>>& elements);
std::string arrayLiteral(const std::vector<std::string>& elements);
// The same elements as a one-dimensional array in PostgreSQL's binary format,
// for a parameter sent in binary (Statement::binary) and cast in the query as
// $n::text[] (kTextOid) or $n::bytea[] (kByteaOid): no array literal for the
// server to parse and no hex for bytes, which were most of a push's database
// CPU. Text elements must hold no NUL byte and be UTF-8, as in a literal.
inline constexpr std::uint32_t kTextOid = 25;
inline constexpr std::uint32_t kByteaOid = 17;
std::string binaryArray(const std::vector<std::string>& elements, std::uint32_t elementOid = kTextOid);
std::string binaryArray(const std::vector<std::optional<std::string>>& elements, std::uint32_t elementOid = kTextOid);
// `text` as PostgreSQL accepts it: NUL bytes and bytes that are not UTF-8
// become '?'. For what is stored as received (a quarantined change's id,
// cut at 64 bytes, perhaps inside a character), which must not fail the push.
std::string acceptableText(std::string_view text);
// Hex of bytes for decode(..., 'hex').
std::string toHex(std::string_view bytes);

// A fixed number of connections lent to threads. A lent connection goes back
// when its Lease ends; one left inside a transaction is rolled back first, one
// that was lost is closed. Every Lease must end before its pool.
class PgPool {
public:
    class Lease {
    public:
        Lease(PgPool* pool, std::unique_ptr<PgConnection> conn) : m_pool(pool), m_conn(std::move(conn)) {}
        Lease(Lease&&) noexcept = default;
        Lease& operator=(Lease&&) noexcept = delete;
        ~Lease();
        PgConnection& operator*() const { return *m_conn; }
        PgConnection* operator->() const { return m_conn.get(); }

    private:
        PgPool* m_pool;
        std::unique_ptr<PgConnection> m_conn;
    };

    // Connects once to check the URL and credentials: Internal, saying what
    // to check (never the password), when that fails.
    static SyncResult<std::unique_ptr<PgPool>> open(const std::string& url, std::size_t maxConnections);

    // A connection; waits up to `wait` when all are lent; Busy when none
    // came free or PostgreSQL cannot be reached.
    SyncResult<Lease> acquire(std::chrono::milliseconds wait = std::chrono::seconds(30));
    // A connection with a transaction begun by `beginSql` ("BEGIN", "BEGIN
    // ISOLATION LEVEL ..."). A pooled connection whose server went away is
    // only found out by its first statement: then it reconnects and begins
    // once more (nothing had happened yet).
    SyncResult<Lease> begin(std::string_view beginSql, std::string_view what);
    // One statement outside a transaction. When the connection turns out to
    // have been lost and `idempotent`, it reconnects and tries once more.
    SyncResult<PgResult> exec(std::string_view sql, Params params, std::string_view what, bool idempotent = true);

private:
    PgPool(std::string url, std::size_t maxConnections) : m_url(std::move(url)), m_max(maxConnections) {}
    void giveBack(std::unique_ptr<PgConnection> conn);

    const std::string m_url;
    const std::size_t m_max;
    std::mutex m_mutex;
    std::condition_variable m_freed;
    std::vector<std::unique_ptr<PgConnection>> m_idle;
    std::size_t m_open = 0;  // idle and lent
};

}  // namespace chasqui::sync::pg
