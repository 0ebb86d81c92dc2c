#include "sync/server/repository/postgres/pg_connection.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "storage/base/text.hpp"

namespace chasqui::sync::pg {

namespace {

// The password a URL or conninfo string carries, if any, to mask it in messages.
std::string passwordOf(const std::string& url) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
    if (error != nullptr) PQfreemem(error);
    std::string password;
    if (options == nullptr) return password;
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
        if (std::string_view(o->keyword) == "password" && o->val != nullptr) password = o->val;
    }
    PQconninfoFree(options);
    return password;
}

std::string masked(std::string text, const std::string& password) {
    if (!password.empty()) {
        for (std::size_t at = text.find(password); at != std::string::npos; at = text.find(password, at))
            text.replace(at, password.size(), "***");
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

// SQLSTATEs after which the same request may succeed later.
bool transient(std::string_view state) {
    return state.starts_with("08") ||   // connection exception
           state.starts_with("53") ||   // insufficient resources (too many connections, disk full)
           state.starts_with("57P") ||  // operator intervention (shutdown, cannot connect now)
           state == "40001" ||          // serialization failure
           state == "40P01" ||          // deadlock detected
           state == "55P03";            // lock not available
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void appendElement(std::string& out, const std::string& element) {
    out.push_back('"');
    for (char c : element) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
}

}  // namespace

std::string_view PgResult::text(int row, int column) const {
    const char* value = PQgetvalue(m_result.get(), row, column);
    return {value, static_cast<std::size_t>(PQgetlength(m_result.get(), row, column))};
}

std::optional<std::int64_t> PgResult::integer(int row, int column) const {
    if (isNull(row, column)) return std::nullopt;
    const std::string_view t = text(row, column);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (ec != std::errc() || end != t.data() + t.size()) return std::nullopt;
    return value;
}

std::optional<std::string> PgResult::bytes(int row, int column) const {
    if (isNull(row, column)) return std::nullopt;
    const std::string_view t = text(row, column);
    if (t.size() < 2 || t[0] != '\\' || t[1] != 'x' || t.size() % 2 != 0) return std::nullopt;
    std::string out((t.size() - 2) / 2, '\0');
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = hexDigit(t[2 + 2 * i]);
        const int lo = hexDigit(t[3 + 2 * i]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<char>(hi * 16 + lo);
    }
    return out;
}

SyncResult<std::unique_ptr<PgConnection>> PgConnection::connect(const std::string& url) {
    std::string password = passwordOf(url);
    // Defaults first: the URL's own settings (expanded from dbname) override
    // them. Without a connect timeout libpq would wait for as long as TCP
    // does for a host that does not answer, and without keepalives a
    // statement could wait for hours on a peer that vanished.
    static constexpr const char* kKeywords[] = {"connect_timeout",
                                                "application_name",
                                                "keepalives_idle",
                                                "keepalives_interval",
                                                "keepalives_count",
                                                "dbname",
                                                nullptr};
    const char* values[] = {"10", "chasqui-server", "30", "10", "3", url.c_str(), nullptr};
    PGconn* conn = PQconnectdbParams(kKeywords, values, 1);
    if (conn == nullptr) return syncFail(SyncErrorCode::Busy, "cannot connect to PostgreSQL: out of memory");
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string reason = masked(PQerrorMessage(conn), password);
        PQfinish(conn);
        return syncFail(SyncErrorCode::Busy, fmt::format("cannot connect to PostgreSQL: {}", reason));
    }
    // A session that waits on a lock for a minute answers Busy (55P03: the
    // kiosk retries later) instead of holding its request and connection;
    // one left idle inside a transaction is ended by the server. Migrations
    // wait without a limit (pg_schema.cpp).
    const std::string setupSql = fmt::format(
        "SET client_encoding = 'UTF8'; {}; SET "
        "idle_in_transaction_session_timeout = '5min'",
        kSessionLockTimeout);
    PGresult* setup = PQexec(conn, setupSql.c_str());
    const bool ok = PQresultStatus(setup) == PGRES_COMMAND_OK;
    PQclear(setup);
    if (!ok) {
        std::string reason = masked(PQerrorMessage(conn), password);
        PQfinish(conn);
        return syncFail(SyncErrorCode::Busy, fmt::format("cannot set up the PostgreSQL session: {}", reason));
    }
    return std::unique_ptr<PgConnection>(new PgConnection(conn, std::move(password)));
}

PgConnection::~PgConnection() {
    PQfinish(m_conn);
}

bool PgConnection::reconnect() {
    PQreset(m_conn);
    return PQstatus(m_conn) == CONNECTION_OK;
}

SyncError PgConnection::failure(const PGresult* result, std::string_view what) const {
    const char* stateField = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const std::string state = stateField != nullptr ? stateField : "";
    if (lost() || result == nullptr)
        return syncError(SyncErrorCode::Busy,
                         fmt::format("the connection to PostgreSQL was lost while {}; try again", what));
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    std::string message = masked(primary != nullptr ? primary : PQerrorMessage(m_conn), m_password);
    if (message.size() > 300) message.resize(300);
    return syncError(transient(state) ? SyncErrorCode::Busy : SyncErrorCode::Internal,
                     fmt::format("PostgreSQL failed while {}: {} (SQLSTATE {})", what, message, state));
}

SyncResult<PgResult> PgConnection::exec(std::string_view sql, Params params, std::string_view what) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) {
        // libpq reads text parameters up to their first NUL: refuse rather than cut.
        if (p && p->find('\0') != std::string::npos)
            return syncFail(SyncErrorCode::Internal,
                            fmt::format("a value for PostgreSQL holds a NUL byte while {}", what));
        values.push_back(p ? p->c_str() : nullptr);
    }
    const std::string statement(sql);
    PgResult result(PQexecParams(m_conn, statement.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                 nullptr, nullptr, 0));
    // Parameters may hold large arrays: give the memory back before waiting on anything else.
    Params().swap(params);
    const ExecStatusType status = PQresultStatus(result.raw());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return std::unexpected(failure(result.raw(), what));
    return result;
}

SyncResult<void> PgConnection::pipeline(std::vector<Statement> statements) {
    for (const auto& st : statements) {
        for (const auto& p : st.params) {
            if (p && !st.binary && p->find('\0') != std::string::npos)
                return syncFail(SyncErrorCode::Internal,
                                fmt::format("a value for PostgreSQL holds a NUL byte while {}", st.what));
            if (p && p->size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
                return syncFail(SyncErrorCode::TooLarge,
                                fmt::format("a value for PostgreSQL is too large while {}", st.what));
        }
    }
    if (PQenterPipelineMode(m_conn) != 1) return std::unexpected(failure(nullptr, statements.front().what));
    std::optional<SyncError> first;
    std::size_t sent = 0;
    for (const auto& st : statements) {
        std::vector<const char*> values;
        std::vector<int> lengths;
        const std::vector<int> formats(st.params.size(), st.binary ? 1 : 0);
        values.reserve(st.params.size());
        for (const auto& p : st.params) {
            values.push_back(p ? p->c_str() : nullptr);
            lengths.push_back(p ? static_cast<int>(p->size()) : 0);  // read for binary parameters only
        }
        if (PQsendQueryParams(m_conn, st.sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                              lengths.data(), formats.data(), 0) != 1) {
            first = failure(nullptr, st.what);
            break;
        }
        ++sent;
    }
    const bool synced = PQpipelineSync(m_conn) == 1;
    // Each statement's results end with a null result; the sync point comes last.
    for (std::size_t i = 0; i < sent && !lost(); ++i) {
        while (PGresult* raw = PQgetResult(m_conn)) {
            PgResult result(raw);
            const ExecStatusType status = PQresultStatus(raw);
            if (status == PGRES_FATAL_ERROR && !first) first = failure(raw, statements[i].what);
        }
    }
    if (synced && !lost()) {
        while (PGresult* raw = PQgetResult(m_conn)) {
            const bool sync = PQresultStatus(raw) == PGRES_PIPELINE_SYNC;
            PQclear(raw);
            if (sync) break;
        }
    }
    if (PQexitPipelineMode(m_conn) != 1 && !first) first = failure(nullptr, statements.back().what);
    if (first) return std::unexpected(*first);
    if (!synced || lost()) return std::unexpected(failure(nullptr, statements.back().what));
    return {};
}

SyncResult<void> PgConnection::execScript(std::string_view sql, std::string_view what) {
    const std::string script(sql);
    PgResult result(PQexec(m_conn, script.c_str()));
    const ExecStatusType status = PQresultStatus(result.raw());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return std::unexpected(failure(result.raw(), what));
    return {};
}

std::string arrayLiteral(const std::vector<std::optional<std::string>>& elements) {
    std::string out = "{";
    for (std::size_t i = 0; i < elements.size(); ++i) {
        if (i > 0) out.push_back(',');
        if (elements[i]) {
            appendElement(out, *elements[i]);
        } else {
            out += "NULL";
        }
    }
    out.push_back('}');
    return out;
}

std::string arrayLiteral(const std::vector<std::string>& elements) {
    std::size_t size = 2;
    for (const auto& e : elements) size += e.size() + 3;
    std::string out;
    out.reserve(size);
    out.push_back('{');
    for (std::size_t i = 0; i < elements.size(); ++i) {
        if (i > 0) out.push_back(',');
        appendElement(out, elements[i]);
    }
    out.push_back('}');
    return out;
}

namespace {

void appendInt32(std::string& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xFF));
}

// array_recv's layout: dimensions, a has-nulls flag, the element type, each
// dimension's size and lower bound, then each element as length and bytes
// (length -1 for NULL), every integer 4 bytes big-endian.
template <typename Elements, typename Get>
std::string binaryArrayOf(const Elements& elements, std::uint32_t elementOid, bool hasNulls, const Get& get) {
    std::size_t size = 20;
    for (const auto& e : elements) size += 4 + (get(e) != nullptr ? get(e)->size() : 0);
    std::string out;
    out.reserve(size);
    appendInt32(out, elements.empty() ? 0 : 1);
    appendInt32(out, hasNulls ? 1 : 0);
    appendInt32(out, elementOid);
    if (elements.empty()) return out;
    appendInt32(out, static_cast<std::uint32_t>(elements.size()));
    appendInt32(out, 1);
    for (const auto& e : elements) {
        const std::string* value = get(e);
        if (value == nullptr) {
            appendInt32(out, 0xFFFFFFFFU);
            continue;
        }
        appendInt32(out, static_cast<std::uint32_t>(value->size()));
        out += *value;
    }
    return out;
}

}  // namespace

std::string binaryArray(const std::vector<std::string>& elements, std::uint32_t elementOid) {
    return binaryArrayOf(elements, elementOid, false, [](const std::string& e) { return &e; });
}

std::string binaryArray(const std::vector<std::optional<std::string>>& elements, std::uint32_t elementOid) {
    const bool hasNulls = std::any_of(elements.begin(), elements.end(), [](const auto& e) { return !e; });
    return binaryArrayOf(elements, elementOid, hasNulls,
                         [](const std::optional<std::string>& e) { return e ? &*e : nullptr; });
}

std::string acceptableText(std::string_view text) {
    if (text.find('\0') == std::string_view::npos && storage::isValidUtf8(text)) return std::string(text);
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        std::size_t taken = 0;
        for (std::size_t length = 1; length <= 4 && at + length <= text.size(); ++length) {
            if (text[at] != '\0' && storage::isValidUtf8(text.substr(at, length))) {
                taken = length;
                break;
            }
        }
        if (taken == 0) {
            out.push_back('?');
            ++at;
        } else {
            out.append(text.substr(at, taken));
            at += taken;
        }
    }
    return out;
}

std::string toHex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out(bytes.size() * 2, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const auto b = static_cast<unsigned char>(bytes[i]);
        out[2 * i] = kDigits[b >> 4];
        out[2 * i + 1] = kDigits[b & 0x0F];
    }
    return out;
}

PgPool::Lease::~Lease() {
    if (m_conn) m_pool->giveBack(std::move(m_conn));
}

SyncResult<std::unique_ptr<PgPool>> PgPool::open(const std::string& url, std::size_t maxConnections) {
    std::unique_ptr<PgPool> pool(new PgPool(url, std::max<std::size_t>(maxConnections, 1)));
    auto first = PgConnection::connect(url);
    if (!first)
        return syncFail(
            SyncErrorCode::Internal,
            fmt::format("{} (check --database: host, port, database name, user and password)", first.error().message));
    pool->m_idle.push_back(std::move(*first));
    pool->m_open = 1;
    return pool;
}

SyncResult<PgPool::Lease> PgPool::acquire(std::chrono::milliseconds wait) {
    std::unique_lock lock(m_mutex);
    if (!m_freed.wait_for(lock, wait, [&] { return !m_idle.empty() || m_open < m_max; }))
        return syncFail(SyncErrorCode::Busy,
                        fmt::format("all {} PostgreSQL connections of this process are busy; try again", m_max));
    if (!m_idle.empty()) {
        std::unique_ptr<PgConnection> conn = std::move(m_idle.back());
        m_idle.pop_back();
        lock.unlock();
        if (conn->lost() && !conn->reconnect()) {
            conn.reset();
            lock.lock();
            --m_open;
            m_freed.notify_one();
            return syncFail(SyncErrorCode::Busy, "the connection to PostgreSQL was lost and cannot be re-established");
        }
        return Lease(this, std::move(conn));
    }
    ++m_open;
    lock.unlock();
    auto conn = PgConnection::connect(m_url);
    if (!conn) {
        lock.lock();
        --m_open;
        m_freed.notify_one();
        return std::unexpected(conn.error());
    }
    return Lease(this, std::move(*conn));
}

void PgPool::giveBack(std::unique_ptr<PgConnection> conn) {
    // A transaction left open (an error, or a PushTransaction destroyed
    // without commit) must not leak into the next borrower.
    if (!conn->lost() && !conn->inPipeline() && conn->inTransaction())
        (void)conn->execScript("ROLLBACK", "rolling back");
    if (conn->lost() || conn->inPipeline() || conn->inTransaction()) conn.reset();
    std::lock_guard lock(m_mutex);
    if (conn) {
        m_idle.push_back(std::move(conn));
    } else {
        --m_open;
    }
    m_freed.notify_one();
}

SyncResult<PgPool::Lease> PgPool::begin(std::string_view beginSql, std::string_view what) {
    auto lease = acquire();
    if (!lease) return std::unexpected(lease.error());
    auto begun = (*lease)->execScript(beginSql, what);
    if (!begun && (*lease)->lost() && (*lease)->reconnect()) begun = (*lease)->execScript(beginSql, what);
    if (!begun) return std::unexpected(begun.error());
    return std::move(*lease);
}

SyncResult<PgResult> PgPool::exec(std::string_view sql, Params params, std::string_view what, bool idempotent) {
    auto lease = acquire();
    if (!lease) return std::unexpected(lease.error());
    if (!idempotent) return (*lease)->exec(sql, std::move(params), what);
    auto result = (*lease)->exec(sql, params, what);
    if (result || !(*lease)->lost() || !(*lease)->reconnect()) return result;
    return (*lease)->exec(sql, std::move(params), what);
}

}  // namespace chasqui::sync::pg
