#include "sync/server/repository/sqlcipher_repository.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <fmt/format.h>

#include "storage/base/data_dir.hpp"
#include "sync/server/repository/sqlcipher_transactions.hpp"
#include "sync/server/repository/wal_checkpointer.hpp"

namespace chasqui::sync {

namespace fs = std::filesystem;
using embedded::deviceRow;
using embedded::failed;
using embedded::kDeviceColumns;
using embedded::run;
using storage::Db;
using storage::Stmt;

namespace {

constexpr std::size_t kMaxIdleReaders = 16;

SyncResult<void> fsyncPath(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return syncFail(SyncErrorCode::Internal, fmt::format("cannot open {} to sync it", path.string()));
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return syncFail(SyncErrorCode::Internal, fmt::format("cannot sync {} to disk", path.string()));
    return {};
}

class SqlcipherRepository final : public ServerRepository {
public:
    SqlcipherRepository(fs::path path, const storage::SecretBytes& key, Db db)
        : m_path(std::move(path)), m_key(key), m_db(std::move(db)), m_checkpointer(m_db, m_path, m_key) {}

    std::string_view backend() const override { return "sqlcipher"; }

    SyncResult<SchemaVersion> schema() override {
        std::lock_guard lock(m_writeMutex);
        auto current = m_db.scalarInt("PRAGMA user_version");
        if (!current) return failed<SchemaVersion>(current.error());
        return SchemaVersion{static_cast<int>(*current), latestEmbeddedSchema()};
    }

    SyncResult<void> migrate() override {
        std::lock_guard lock(m_writeMutex);
        if (auto r = migrateEmbeddedSchema(m_db); !r) return syncFail(SyncErrorCode::Internal, r.error().message);
        return {};
    }

    SyncResult<std::string> setting(const std::string& key, const std::string& fallback) override {
        std::lock_guard lock(m_writeMutex);
        if (auto r = run(m_db, "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", key, fallback); !r)
            return std::unexpected(r.error());
        auto read = m_db.readOne(
            "SELECT value FROM meta WHERE key = ?", [](const Stmt& s) { return s.text(0); }, key);
        if (!read) return failed<std::string>(read.error());
        return read->value_or(fallback);
    }

    SyncResult<void> replaceSetting(const std::string& key, const std::string& value) override {
        std::lock_guard lock(m_writeMutex);
        return run(m_db,
                   "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = "
                   "excluded.value",
                   key, value);
    }

    SyncResult<void> addEnrollCode(const std::string& codeHash, const std::string& office,
                                   std::int64_t expiresAt) override {
        std::lock_guard lock(m_writeMutex);
        return run(m_db, "INSERT INTO enroll_codes (code_hash, office, expires_at) VALUES (?, ?, ?)", codeHash, office,
                   expiresAt);
    }

    SyncResult<std::unique_ptr<EnrollTransaction>> beginEnrollment() override {
        return embedded::beginEnrollment(m_writeMutex, m_db);
    }

    SyncResult<std::optional<DeviceInfo>> deviceByToken(const std::string& tokenHash) override {
        auto reading = reader();
        if (!reading) return std::unexpected(reading.error());
        auto row = (*reading)->readOne(fmt::format("SELECT {} FROM devices WHERE token_hash = ?", kDeviceColumns),
                                       deviceRow, tokenHash);
        if (!row) return failed<std::optional<DeviceInfo>>(row.error());
        return *row;
    }

    SyncResult<void> markSeen(const std::string& deviceId, std::int64_t at) override {
        std::lock_guard lock(m_writeMutex);
        return run(m_db, "UPDATE devices SET last_seen_at = ? WHERE id = ?", at, deviceId);
    }

    SyncResult<std::vector<DeviceInfo>> devices() override {
        auto reading = reader();
        if (!reading) return std::unexpected(reading.error());
        auto stmt = (*reading)->prepare(fmt::format("SELECT {} FROM devices ORDER BY office, number", kDeviceColumns));
        if (!stmt) return failed<std::vector<DeviceInfo>>(stmt.error());
        std::vector<DeviceInfo> out;
        for (;;) {
            auto row = stmt->step();
            if (!row) return failed<std::vector<DeviceInfo>>(row.error());
            if (!*row) break;
            out.push_back(deviceRow(*stmt));
        }
        return out;
    }

    SyncResult<bool> revoke(const std::string& deviceId) override {
        std::lock_guard lock(m_writeMutex);
        if (auto r = run(m_db, "UPDATE devices SET revoked = 1 WHERE id = ?", deviceId); !r)
            return std::unexpected(r.error());
        return m_db.changes() > 0;
    }

    SyncResult<std::unique_ptr<PushTransaction>> beginPush() override {
        return embedded::beginPush(m_writeMutex, m_db);
    }

    SyncResult<LogPage> changesFor(const std::string& office, const std::string& excludeDevice, std::int64_t after,
                                   std::size_t limit, std::size_t maxBytes) override {
        auto reading = reader();
        if (!reading) return std::unexpected(reading.error());
        Db& db = **reading;
        // One read transaction: the page and the newest position come from one snapshot.
        if (auto r = db.exec("BEGIN"); !r) return failed<LogPage>(r.error());
        auto page = readPage(db, office, excludeDevice, after, limit, maxBytes);
        db.rollback();
        return page;
    }

    SyncResult<void> publishCatalog(const std::string& version, const std::string& body, std::int64_t at) override {
        std::lock_guard lock(m_writeMutex);
        return run(m_db,
                   "INSERT INTO catalog (id, version, body, published_at) VALUES (1, ?1, ?2, ?3) ON CONFLICT (id) DO "
                   "UPDATE SET version = excluded.version, body = excluded.body, published_at = excluded.published_at",
                   version, body, at);
    }

    SyncResult<std::optional<std::pair<std::string, std::string>>> catalog() override {
        auto reading = reader();
        if (!reading) return std::unexpected(reading.error());
        auto row = (*reading)->readOne("SELECT version, body FROM catalog WHERE id = 1",
                                       [](const Stmt& s) { return std::make_pair(s.text(0), s.text(1)); });
        if (!row) return failed<std::optional<std::pair<std::string, std::string>>>(row.error());
        return *row;
    }

    SyncResult<StoreCounts> counts() override {
        auto reading = reader();
        if (!reading) return std::unexpected(reading.error());
        Db& db = **reading;
        if (auto r = db.exec("BEGIN"); !r) return failed<StoreCounts>(r.error());
        auto counted = readCounts(db);
        db.rollback();
        if (!counted) return counted;
        std::error_code ec;
        for (const char* suffix : {"", "-wal"}) {
            const auto size = fs::file_size(m_path.string() + suffix, ec);
            if (!ec) counted->databaseBytes += static_cast<std::int64_t>(size);
        }
        return counted;
    }

    SyncResult<void> backup(const fs::path& to) override;

private:
    // A read connection lent by the pool; it goes back when the pointer dies.
    struct ReturnToPool {
        SqlcipherRepository* repo = nullptr;
        void operator()(Db* db) const;
    };
    using Reader = std::unique_ptr<Db, ReturnToPool>;

    SyncResult<Reader> reader() {
        {
            std::lock_guard lock(m_readersMutex);
            if (!m_idleReaders.empty()) {
                Reader lent(m_idleReaders.back().release(), ReturnToPool{this});
                m_idleReaders.pop_back();
                return lent;
            }
        }
        storage::OpenOptions options;
        options.rawKey = &m_key;
        options.cachePages = 1000;  // 4 MiB at most each; the write connection keeps the big cache
        auto db = Db::open(m_path.string(), options);
        if (!db) return failed<Reader>(db.error());
        // A reader that tried to write would be a bug here, not a second writer.
        if (auto r = db->exec("PRAGMA query_only = 1"); !r) return failed<Reader>(r.error());
        return Reader(new Db(std::move(*db)), ReturnToPool{this});
    }

    static SyncResult<LogPage> readPage(Db& db, const std::string& office, const std::string& excludeDevice,
                                        std::int64_t after, std::size_t limit, std::size_t maxBytes) {
        auto rows = db.prepare(
            "SELECT seq, payload FROM change_log WHERE office = ? AND seq > ? AND origin_device <> ? ORDER BY seq "
            "LIMIT ?");
        if (!rows) return failed<LogPage>(rows.error());
        rows->bind(1, office).bind(2, after).bind(3, excludeDevice).bind(4, static_cast<std::int64_t>(limit));
        LogPage page;
        page.last = after;
        std::size_t bytes = 0;
        for (;;) {
            auto row = rows->step();
            if (!row) return failed<LogPage>(row.error());
            if (!*row) break;
            page.last = rows->integer(0);
            page.payloads.push_back(rows->text(1));
            bytes += page.payloads.back().size();
            if (bytes > maxBytes) break;
        }
        rows->reset();
        auto newest = db.scalarInt("SELECT coalesce(max(seq), 0) FROM change_log");
        if (!newest) return failed<LogPage>(newest.error());
        page.newest = *newest;
        return page;
    }

    static SyncResult<StoreCounts> readCounts(Db& db) {
        StoreCounts s;
        const std::pair<const char*, std::int64_t*> totals[] = {
            {"SELECT count(*) FROM devices", &s.devices},
            {"SELECT count(*) FROM devices WHERE revoked = 1", &s.revokedDevices},
            {"SELECT count(*) FROM change_log", &s.changes},
            {"SELECT count(*) FROM quarantine", &s.quarantined},
            {"SELECT count(*) FROM change_log WHERE entity = 'conflict'", &s.conflicts}};
        for (const auto& [sql, out] : totals) {
            auto n = db.scalarInt(sql);
            if (!n) return failed<StoreCounts>(n.error());
            *out = *n;
        }
        auto version =
            db.readOne("SELECT version FROM catalog WHERE id = 1", [](const Stmt& row) { return row.text(0); });
        if (!version) return failed<StoreCounts>(version.error());
        if (*version) s.catalogVersion = std::move(**version);
        // Per office, from one statement: devices, log entries, persons,
        // cases and quarantined changes (by the office of the device that sent them).
        auto offices = db.prepare(
            "WITH o(office) AS (SELECT office FROM devices UNION SELECT office FROM record_state WHERE office <> '') "
            "SELECT o.office, "
            " (SELECT count(*) FROM devices d WHERE d.office = o.office), "
            " (SELECT count(*) FROM change_log c WHERE c.office = o.office), "
            " (SELECT count(*) FROM record_state r WHERE r.office = o.office AND r.entity = 'person'), "
            " (SELECT count(*) FROM record_state r WHERE r.office = o.office AND r.entity = 'case'), "
            " (SELECT count(*) FROM quarantine q JOIN devices d ON d.id = q.device_id WHERE d.office = o.office) "
            "FROM o ORDER BY o.office");
        if (!offices) return failed<StoreCounts>(offices.error());
        for (;;) {
            auto row = offices->step();
            if (!row) return failed<StoreCounts>(row.error());
            if (!*row) break;
            s.offices.push_back({offices->text(0), offices->integer(1), offices->integer(2), offices->integer(3),
                                 offices->integer(4), offices->integer(5)});
        }
        return s;
    }

    fs::path m_path;
    const storage::SecretBytes& m_key;
    std::mutex m_writeMutex;  // held for every use of m_db
    Db m_db;
    WalCheckpointer m_checkpointer;  // after m_db: stopped before it closes
    std::mutex m_readersMutex;
    std::vector<std::unique_ptr<Db>> m_idleReaders;  // opened on demand, a few kept
};

void SqlcipherRepository::ReturnToPool::operator()(Db* db) const {
    std::unique_ptr<Db> owned(db);
    // A statement left stepping would pin its snapshot, and later reads on this
    // connection would miss newer writes (a revocation among them): reset them all.
    if (owned->inTransaction()) owned->rollback();
    for (sqlite3_stmt* stmt = sqlite3_next_stmt(owned->handle(), nullptr); stmt != nullptr;
         stmt = sqlite3_next_stmt(owned->handle(), stmt)) {
        if (sqlite3_stmt_busy(stmt)) sqlite3_reset(stmt);
    }
    std::lock_guard lock(repo->m_readersMutex);
    // After a burst of reads, the connections beyond a few are closed again.
    if (repo->m_idleReaders.size() < kMaxIdleReaders) repo->m_idleReaders.push_back(std::move(owned));
}

// SQLite's online backup from a read snapshot into a new file keyed like the
// store (the key file is not in it: keep DATA/server.db.key apart), then
// fsync and rename: `to` is either absent or whole.
SyncResult<void> SqlcipherRepository::backup(const fs::path& to) {
    std::error_code ec;
    if (fs::exists(to, ec))
        return syncFail(SyncErrorCode::BadRequest,
                        fmt::format("{} already exists; choose a new file name", to.string()));
    const fs::path partial = to.string() + ".partial";
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(partial.string() + suffix, ec);
    auto reading = reader();
    if (!reading) return std::unexpected(reading.error());
    storage::OpenOptions options;
    options.rawKey = &m_key;
    auto target = Db::open(partial.string(), options);
    if (!target)
        return syncFail(SyncErrorCode::Internal,
                        fmt::format("cannot create {}: {}", partial.string(), target.error().message));
    sqlite3_backup* copy = sqlite3_backup_init(target->handle(), "main", (*reading)->handle(), "main");
    if (copy == nullptr) {
        std::string why = sqlite3_errmsg(target->handle());
        target->close();
        fs::remove(partial, ec);
        return syncFail(SyncErrorCode::Internal, fmt::format("cannot start the backup: {}", why));
    }
    const int stepped = sqlite3_backup_step(copy, -1);  // one step: one read snapshot, consistent
    const int finished = sqlite3_backup_finish(copy);
    const std::string why = sqlite3_errmsg(target->handle());
    if (stepped == SQLITE_DONE && finished == SQLITE_OK) (void)target->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    target->close();
    if (stepped != SQLITE_DONE || finished != SQLITE_OK) {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(partial.string() + suffix, ec);
        return syncFail(SyncErrorCode::Internal, fmt::format("the backup did not complete: {}", why));
    }
    if (auto r = fsyncPath(partial); !r) return r;
    fs::rename(partial, to, ec);
    if (ec)
        return syncFail(SyncErrorCode::Internal,
                        fmt::format("cannot name the backup {}: {}", to.string(), ec.message()));
    fs::permissions(to, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
    return fsyncPath(to.parent_path().empty() ? fs::path(".") : to.parent_path());
}

}  // namespace

SyncResult<std::unique_ptr<ServerRepository>> openSqlcipherRepository(const RepositoryConfig& config) {
    if (config.storeKey == nullptr) return syncFail(SyncErrorCode::Internal, "the embedded store needs its key");
    storage::OpenOptions options;
    options.rawKey = config.storeKey;
    options.cachePages = 8000;
    const fs::path path = config.dataDir / "server.db";
    auto db = Db::open(path.string(), options);
    if (!db) return std::unexpected(fromStorage(db.error()));
    return std::unique_ptr<ServerRepository>(new SqlcipherRepository(path, *config.storeKey, std::move(*db)));
}

}  // namespace chasqui::sync
