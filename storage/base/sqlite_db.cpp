#include "storage/base/sqlite_db.hpp"

#include "storage/base/cipher_migration.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include <cstdlib>

#include <fmt/format.h>

namespace chasqui::storage {

SecretBytes rawKeySpec(const SecretBytes& key) {
    SecretBytes spec(kRawKeySpecSize + 1);  // sodium_bin2hex writes a NUL after the digits
    char* text = reinterpret_cast<char*>(spec.data());
    text[0] = 'x';
    text[1] = '\'';
    sodium_bin2hex(text + 2, 65, key.data(), 32);
    text[66] = '\'';
    return spec;
}

Error sqliteError(sqlite3* db, int rc, std::string_view what) {
    const int primary = rc & 0xff;
    const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    // SQLCipher reports a page that fails its HMAC (a flipped byte, a torn or
    // edited page) as a bare SQLITE_ERROR whose message is only the generic text
    // for that code; every SQL mistake (syntax, a bad MATCH, malformed JSON)
    // carries its own message instead.
    if (primary == SQLITE_ERROR && std::string_view(detail) == sqlite3_errstr(SQLITE_ERROR)) {
        return Error{ErrorCode::Damaged,
                     fmt::format("{}: a page of the database cannot be read back (it fails its authentication check: "
                                 "it was changed outside Chasqui or the disk is failing). Keep a copy for "
                                 "investigation and restore the data directory from a backup or re-sync the device.",
                                 what),
                     {}};
    }
    if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) {
        return Error{ErrorCode::Damaged,
                     fmt::format("{}: the database file is damaged or the key does not match ({}). "
                                 "Restore it from a backup or re-sync the device.",
                                 what, detail),
                     {}};
    }
    if (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY ||
        primary == SQLITE_PERM) {
        return Error{ErrorCode::Io,
                     fmt::format("{}: the file system refused ({}). Check free disk space and "
                                 "permissions of the data directory.",
                                 what, detail),
                     {}};
    }
    if (primary == SQLITE_CONSTRAINT) {
        return Error{ErrorCode::AlreadyExists, fmt::format("{}: {}", what, detail), {}};
    }
    return Error{ErrorCode::Internal, fmt::format("{}: {}", what, detail), {}};
}

Stmt& Stmt::bind(int index, std::string_view text) {
    sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
}
Stmt& Stmt::bindBlob(int index, std::string_view bytes) {
    sqlite3_bind_blob(m_stmt, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    return *this;
}
Stmt& Stmt::bindBorrowed(int index, const std::string& text) {
    sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    return *this;
}
Stmt& Stmt::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}
Stmt& Stmt::bind(int index, double value) {
    sqlite3_bind_double(m_stmt, index, value);
    return *this;
}
Stmt& Stmt::bindNull(int index) {
    sqlite3_bind_null(m_stmt, index);
    return *this;
}
Stmt& Stmt::bindOptional(int index, const std::optional<std::string>& text) {
    return text ? bind(index, *text) : bindNull(index);
}

Result<bool> Stmt::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Error error = sqliteError(m_db, rc, "database statement failed");
    sqlite3_reset(m_stmt);
    return std::unexpected(std::move(error));
}

Result<void> Stmt::run() {
    for (;;) {
        auto row = step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
    }
    reset();
    return {};
}

std::string Stmt::text(int column) const {
    const auto* data = sqlite3_column_text(m_stmt, column);
    if (data == nullptr) return {};
    return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))};
}
std::string Stmt::blob(int column) const {
    const auto* data = sqlite3_column_blob(m_stmt, column);
    if (data == nullptr) return {};
    return {static_cast<const char*>(data), static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))};
}
std::optional<std::string> Stmt::optionalText(int column) const {
    if (isNull(column)) return std::nullopt;
    return text(column);
}
std::int64_t Stmt::integer(int column) const {
    return sqlite3_column_int64(m_stmt, column);
}
double Stmt::real(int column) const {
    return sqlite3_column_double(m_stmt, column);
}
bool Stmt::isNull(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}
int Stmt::columnType(int column) const {
    return sqlite3_column_type(m_stmt, column);
}
int Stmt::columnCount() const {
    return sqlite3_column_count(m_stmt);
}
void Stmt::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

namespace {
// Process-wide settings, made after a key was set: SQLCipher initializes
// itself at the first key and would reset them. Its own log stays off: it
// writes to stderr ("hmac check failed for pgno=1" for a wrong key) where the
// caller already reports a clear error of its own.
// cipher_memory_security (lock every SQLite allocation in RAM, wipe it when
// freed) is opt-in, CHASQUI_SQLCIPHER_MEMORY_SECURITY=1: measured here it made
// bulk writes 16x and duplicate checks 8x slower, for plain stores too (it
// replaces the process's SQLite allocator), which breaks the spec's targets;
// storage/SECURITY.md weighs it.
Result<void> configureSqlcipher(Db& db) {
    static const bool memorySecurity = [] {
        const char* value = std::getenv("CHASQUI_SQLCIPHER_MEMORY_SECURITY");
        return value != nullptr && std::string_view(value) == "1";
    }();
    return db.exec(memorySecurity ? "PRAGMA cipher_memory_security = ON; PRAGMA cipher_log_level = NONE"
                                  : "PRAGMA cipher_log_level = NONE");
}
}  // namespace

Result<Db> Db::open(const std::string& path, const OpenOptions& options) {
    auto db = openOnce(path, options);
    // A read-only open never moves a store (it may not write).
    if (db || options.rawKey == nullptr || options.readOnly || options.format != CipherFormat::Sqlcipher4 ||
        db.error().code != ErrorCode::Damaged) {
        return db;
    }
    // Not readable as SQLCipher 4: a store made before the move (moved once,
    // here, then opened again), or a wrong key or damage (the first error stands).
    auto migrated = migrateFromSqlcipher3(path, *options.rawKey);
    if (!migrated) return std::unexpected(migrated.error());
    if (!*migrated) return db;
    return openOnce(path, options);
}

Result<Db> Db::openOnce(const std::string& path, const OpenOptions& options) {
    Db db;
    const int flags =
        (options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &db.m_db, flags, nullptr);
    if (rc != SQLITE_OK) return std::unexpected(sqliteError(db.m_db, rc, fmt::format("cannot open {}", path)));
    sqlite3_extended_result_codes(db.m_db, 1);
    sqlite3_busy_timeout(db.m_db, 5000);

    if (options.rawKey != nullptr) {
        // The raw-key form: the data key is already random, no KDF on open.
        const SecretBytes keySpec = rawKeySpec(*options.rawKey);
        rc = sqlite3_key(db.m_db, keySpec.data(), static_cast<int>(kRawKeySpecSize));
        if (rc != SQLITE_OK) return std::unexpected(sqliteError(db.m_db, rc, "cannot set database key"));
        if (auto r = configureSqlcipher(db); !r) return std::unexpected(r.error());
        // Pinned rather than left to the library's defaults, which a later
        // SQLCipher may change: see storage/SECURITY.md. Before the first read.
        const char* settings = options.format == CipherFormat::Sqlcipher4
                                   ? "PRAGMA cipher_compatibility = 4"
                                   // What Chasqui wrote with SQLCipher 3.4.1: its
                                   // defaults but 4 KiB pages.
                                   : "PRAGMA cipher_compatibility = 3; PRAGMA cipher_page_size = 4096";
        if (auto r = db.exec(settings); !r) return std::unexpected(r.error());
    } else {
        if (auto r = db.exec("PRAGMA page_size = 4096"); !r) return std::unexpected(r.error());
    }
    // The first read verifies the key: a wrong key reads as "not a database".
    if (auto check = db.scalarInt("SELECT count(*) FROM sqlite_master"); !check) {
        Error error = check.error();
        if (error.code == ErrorCode::Damaged && options.rawKey != nullptr) {
            error.message =
                "the personal-data store cannot be opened with this key: it is damaged, "
                "or it does not belong to this keyring. Restore the data directory from a backup.";
        }
        return std::unexpected(error);
    }
    const std::string pragmas = fmt::format(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {}; PRAGMA temp_store = MEMORY; "
        "PRAGMA secure_delete = ON; PRAGMA foreign_keys = ON; PRAGMA cache_size = {};",
        options.durable ? "FULL" : "NORMAL", options.cachePages);
    if (!options.readOnly) {
        if (auto r = db.exec(pragmas); !r) return std::unexpected(r.error());
    }
    return db;
}

Db::Db(Db&& other) noexcept : m_db(other.m_db), m_cache(std::move(other.m_cache)) {
    other.m_db = nullptr;
    other.m_cache.clear();
}

Db& Db::operator=(Db&& other) noexcept {
    if (this != &other) {
        close();
        m_db = other.m_db;
        m_cache = std::move(other.m_cache);
        other.m_db = nullptr;
        other.m_cache.clear();
    }
    return *this;
}

Db::~Db() {
    close();
}

void Db::close() {
    for (auto& [sql, stmt] : m_cache) sqlite3_finalize(stmt);
    m_cache.clear();
    if (m_db != nullptr) sqlite3_close_v2(m_db);
    m_db = nullptr;
}

Result<void> Db::exec(std::string_view sql) {
    std::string copy(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(m_db, copy.c_str(), nullptr, nullptr, &message);
    if (message != nullptr) sqlite3_free(message);
    if (rc != SQLITE_OK) return std::unexpected(sqliteError(m_db, rc, "database command failed"));
    return {};
}

Result<Stmt> Db::prepare(const std::string& sql) {
    if (auto it = m_cache.find(sql); it != m_cache.end()) {
        sqlite3_reset(it->second);
        sqlite3_clear_bindings(it->second);
        return Stmt(m_db, it->second);
    }
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v2(m_db, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return std::unexpected(sqliteError(m_db, rc, "cannot prepare statement"));
    m_cache.emplace(sql, stmt);
    return Stmt(m_db, stmt);
}

Result<std::int64_t> Db::scalarInt(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(m_db, sql.c_str(), -1, &stmt, nullptr);
    if (rc != SQLITE_OK) return std::unexpected(sqliteError(m_db, rc, "cannot read database"));
    rc = sqlite3_step(stmt);
    std::int64_t value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return std::unexpected(sqliteError(m_db, rc, "cannot read database"));
    return value;
}

std::int64_t Db::lastInsertRowid() const {
    return sqlite3_last_insert_rowid(m_db);
}
int Db::changes() const {
    return sqlite3_changes(m_db);
}
Result<void> Db::begin() {
    return exec("BEGIN IMMEDIATE");
}
Result<void> Db::commit() {
    return exec("COMMIT");
}
void Db::rollback() noexcept {
    if (inTransaction()) sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}
bool Db::inTransaction() const {
    return m_db != nullptr && sqlite3_get_autocommit(m_db) == 0;
}

Result<void> Transaction::begin() {
    if (auto r = m_db.begin(); !r) return r;
    m_open = true;
    return {};
}
Result<void> Transaction::commit() {
    if (auto r = m_db.commit(); !r) return r;
    m_open = false;
    return {};
}
Transaction::~Transaction() {
    if (m_open) m_db.rollback();
}

}  // namespace chasqui::storage
