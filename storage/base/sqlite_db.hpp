#pragma once
// Thin RAII wrapper over a SQLCipher connection and its prepared statements.
// One Db is used by one thread at a time. Statements are cached by SQL text.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "storage/base/error.hpp"
#include "storage/base/secret.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace chasqui::storage {

// The on-disk format of a keyed store. Sqlcipher3 is only for moving a store
// made before Chasqui used SQLCipher 4 (storage/base/cipher_migration.hpp).
enum class CipherFormat { Sqlcipher4, Sqlcipher3 };

struct OpenOptions {
    const SecretBytes* rawKey = nullptr;  // 32-byte data key; nullptr opens a plain SQLite file
    CipherFormat format = CipherFormat::Sqlcipher4;
    int cachePages = 4000;  // page cache, in 4 KiB pages (~16 MiB)
    bool durable = true;    // synchronous=FULL: survives power loss, not only crashes
    bool readOnly = false;
};

class Stmt {
public:
    Stmt(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
    Stmt& bind(int index, std::string_view text);
    Stmt& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Stmt& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Stmt& bind(int index, std::int64_t value);
    Stmt& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Stmt& bind(int index, double value);
    Stmt& bindNull(int index);
    Stmt& bindOptional(int index, const std::optional<std::string>& text);
    Stmt& bindBlob(int index, std::string_view bytes);  // copied, stored as a BLOB
    // Steps once: true while a row is available. Errors become Result failures.
    Result<bool> step();
    Result<void> run();  // steps to completion (for writes)
    std::string text(int column) const;
    std::optional<std::string> optionalText(int column) const;
    std::string blob(int column) const;  // a BLOB's bytes (empty for NULL)
    std::int64_t integer(int column) const;
    double real(int column) const;
    bool isNull(int column) const;
    int columnType(int column) const;  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_NULL...
    int columnCount() const;
    void reset();

    // Binds `values` to ?1, ?2, ... in order (text, integers, doubles).
    template <typename... Values>
    Stmt& bindAll(const Values&... values) {
        int index = 0;
        (bind(++index, values), ...);
        return *this;
    }
    // As bindAll, without copying text: each string must stay alive and
    // unchanged until the statement has run (run() resets it and clears its
    // bindings). For bulk writes, where copying every value was a tenth of a
    // server push's CPU.
    template <typename... Values>
    Stmt& bindAllBorrowed(const Values&... values) {
        int index = 0;
        (bindBorrowed(++index, values), ...);
        return *this;
    }
    Stmt& bindBorrowed(int index, const std::string& text);
    Stmt& bindBorrowed(int index, std::int64_t value) { return bind(index, value); }
    // The read-one-row steps: steps once and returns `read(*this)` for the
    // row, or std::nullopt when there is none. The statement is reset either
    // way, so it holds no read lock and can be bound again.
    template <typename Read>
    Result<std::optional<std::invoke_result_t<Read&, const Stmt&>>> readOne(Read&& read) {
        auto row = step();
        if (!row) return std::unexpected(row.error());
        std::optional<std::invoke_result_t<Read&, const Stmt&>> out;
        if (*row) out.emplace(read(std::as_const(*this)));
        reset();
        return out;
    }

private:
    sqlite3* m_db;
    sqlite3_stmt* m_stmt;
};

class Db {
public:
    // A keyed store made by SQLCipher 3 is moved to SQLCipher 4 here, once
    // (storage/base/cipher_migration.hpp), then opened; not by a read-only open.
    static Result<Db> open(const std::string& path, const OpenOptions& options);
    Db(Db&& other) noexcept;
    Db& operator=(Db&& other) noexcept;
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;
    ~Db();

    Result<void> exec(std::string_view sql);
    // Returns a cached, reset statement; valid until the next prepare of the same SQL.
    Result<Stmt> prepare(const std::string& sql);
    Result<std::int64_t> scalarInt(const std::string& sql);
    // Prepares `sql`, binds `values` to ?1, ?2, ..., and returns `read(stmt)`
    // for its first row, or std::nullopt when it has none (Stmt::readOne).
    // `read` runs before the statement is reset: it copies what it needs.
    template <typename Read, typename... Values>
    Result<std::optional<std::invoke_result_t<Read&, const Stmt&>>> readOne(const std::string& sql, Read&& read,
                                                                            const Values&... values) {
        auto stmt = prepare(sql);
        if (!stmt) return std::unexpected(stmt.error());
        return stmt->bindAll(values...).readOne(read);
    }
    // Whether `sql` with `values` bound yields at least one row.
    template <typename... Values>
    Result<bool> hasRow(const std::string& sql, const Values&... values) {
        auto row = readOne(
            sql, [](const Stmt&) { return true; }, values...);
        if (!row) return std::unexpected(row.error());
        return row->has_value();
    }
    std::int64_t lastInsertRowid() const;
    int changes() const;
    Result<void> begin();  // BEGIN IMMEDIATE: take the write lock up front
    Result<void> commit();
    void rollback() noexcept;
    bool inTransaction() const;
    void close();
    sqlite3* handle() { return m_db; }

private:
    Db() = default;
    static Result<Db> openOnce(const std::string& path, const OpenOptions& options);
    sqlite3* m_db = nullptr;
    std::map<std::string, sqlite3_stmt*, std::less<>> m_cache;
};

// SQLCipher's raw-key form of a 32-byte key, x'<64 hex digits>' (67 bytes,
// no NUL): the key is used as it is, no passphrase KDF runs. Kept in guarded
// memory and wiped like the key itself.
inline constexpr std::size_t kRawKeySpecSize = 67;
SecretBytes rawKeySpec(const SecretBytes& key);

// Converts a SQLite error into an Error with an actionable message.
Error sqliteError(sqlite3* db, int rc, std::string_view what);

// RAII transaction: rolls back unless commit() succeeded.
class Transaction {
public:
    explicit Transaction(Db& db) : m_db(db) {}
    Result<void> begin();
    Result<void> commit();
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

private:
    Db& m_db;
    bool m_open = false;
};

}  // namespace chasqui::storage
