#include "sync/server/core/server_core.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstring>

#include <fmt/format.h>

#include "storage/base/data_dir.hpp"

namespace chasqui::sync {

namespace fs = std::filesystem;
using storage::Db;

namespace {

constexpr std::size_t kMaxIdleReaders = 16;

// Migration 1: the tables as the first servers made them, without numbering
// (IF NOT EXISTS: such a store is at user_version 0 and already has them).
constexpr std::string_view kMigration1 =
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, office TEXT NOT NULL, number INTEGER NOT NULL, "
    "  token_hash TEXT NOT NULL UNIQUE, public_key BLOB NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, "
    "  enrolled_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS enroll_codes (code_hash TEXT PRIMARY KEY, office TEXT NOT NULL, "
    "  expires_at INTEGER NOT NULL, used_at INTEGER, device_id TEXT);"
    "CREATE TABLE IF NOT EXISTS change_log (seq INTEGER PRIMARY KEY, change_id TEXT NOT NULL UNIQUE, "
    "  payload_hash TEXT NOT NULL, office TEXT NOT NULL, origin_device TEXT NOT NULL, entity TEXT NOT NULL, "
    "  record_id TEXT NOT NULL, payload TEXT NOT NULL, received_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS change_log_office ON change_log(office, seq);"
    "CREATE TABLE IF NOT EXISTS field_state (entity TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL, "
    "  value TEXT NOT NULL, clock TEXT NOT NULL, base TEXT NOT NULL, author TEXT NOT NULL, "
    "  PRIMARY KEY (entity, record_id, field)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS record_office (entity TEXT NOT NULL, record_id TEXT NOT NULL, office TEXT NOT NULL, "
    "  PRIMARY KEY (entity, record_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS quarantine (id INTEGER PRIMARY KEY, change_id TEXT NOT NULL, device_id TEXT NOT NULL, "
    "  code TEXT NOT NULL, message TEXT NOT NULL, payload TEXT NOT NULL, received_at INTEGER NOT NULL, "
    "  UNIQUE (change_id, device_id, code));"
    "CREATE TABLE IF NOT EXISTS catalog (id INTEGER PRIMARY KEY CHECK (id = 1), version TEXT NOT NULL, "
    "  body TEXT NOT NULL, published_at INTEGER NOT NULL);";

// Migration 2: the key each device signs its pushes with; empty for devices
// enrolled before, whose pushes are refused until they enroll again.
constexpr std::string_view kMigration2 = "ALTER TABLE devices ADD COLUMN signing_key BLOB NOT NULL DEFAULT x'';";

// Migration 3: element clocks of set fields (sync/PROTOCOL.md 3.2), as JSON
// {code: [added, removed]}; empty for other fields and for set fields that
// have not been edited since (their elements count as added at the field's clock).
constexpr std::string_view kMigration3 = "ALTER TABLE field_state ADD COLUMN elements TEXT NOT NULL DEFAULT '';";

constexpr std::array<std::string_view, 3> kMigrations{kMigration1, kMigration2, kMigration3};

// Reads a 32-byte secret file, creating it with random bytes on first use.
SyncResult<storage::SecretBytes> secretFile(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        storage::SecretBytes fresh = storage::SecretBytes::random(32);
        if (auto r = storage::writeFileAtomically(
                path, std::string_view(reinterpret_cast<const char*>(fresh.data()), fresh.size()));
            !r)
            return std::unexpected(fromStorage(r.error()));
    }
    auto content = storage::readSmallFile(path, 64);
    if (!content || content->size() != 32)
        return syncFail(SyncErrorCode::Internal,
                        fmt::format("{} is missing or damaged; restore it from a backup", path.string()));
    storage::SecretBytes secret(32);
    std::memcpy(secret.data(), content->data(), 32);
    storage::wipeString(*content);
    return secret;
}

SyncResult<std::string> metaValue(Db& db, const std::string& key, const std::string& fallback) {
    auto read = db.readOne(
        "SELECT value FROM meta WHERE key = ?", [](const storage::Stmt& s) { return s.text(0); }, key);
    if (!read) return std::unexpected(fromStorage(read.error()));
    if (*read) return std::move(**read);
    auto write = db.prepare("INSERT INTO meta(key, value) VALUES (?, ?)");
    if (!write) return std::unexpected(fromStorage(write.error()));
    write->bind(1, key).bind(2, fallback);
    if (auto r = write->run(); !r) return std::unexpected(fromStorage(r.error()));
    return fallback;
}

}  // namespace

int latestServerSchema() {
    return static_cast<int>(kMigrations.size());
}

storage::Result<void> migrateServerStore(Db& db, int target) {
    if (target < 0) target = latestServerSchema();
    auto current = db.scalarInt("PRAGMA user_version");
    if (!current) return std::unexpected(current.error());
    if (*current > latestServerSchema())
        return storage::fail(storage::ErrorCode::Damaged,
                             fmt::format("server.db was written by a newer chasqui-server (schema {} > {}); update "
                                         "this program",
                                         *current, latestServerSchema()));
    for (std::int64_t version = *current + 1; version <= target; ++version) {
        storage::Transaction tx(db);
        if (auto r = tx.begin(); !r) return r;
        if (auto r = db.exec(kMigrations[static_cast<std::size_t>(version - 1)]); !r)
            return storage::fail(storage::ErrorCode::Internal,
                                 fmt::format("server schema migration {} failed: {}", version, r.error().message));
        if (auto r = db.exec(fmt::format("PRAGMA user_version = {}", version)); !r) return r;
        if (auto r = tx.commit(); !r) return r;
    }
    return {};
}

SyncResult<std::unique_ptr<ServerStore>> ServerStore::open(const fs::path& dir, const storage::Clock& clock) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return syncFail(SyncErrorCode::Internal, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    std::unique_ptr<ServerStore> store(new ServerStore(clock));
    auto key = secretFile(dir / "server.db.key");
    if (!key) return std::unexpected(key.error());
    store->m_dbKey = std::move(*key);
    auto box = secretFile(dir / "server.box");
    if (!box) return std::unexpected(box.error());
    store->m_boxSecret = std::move(*box);
    store->m_boxPublic.resize(crypto_box_PUBLICKEYBYTES);
    crypto_scalarmult_base(reinterpret_cast<unsigned char*>(store->m_boxPublic.data()), store->m_boxSecret.data());

    storage::OpenOptions options;
    options.rawKey = &store->m_dbKey;
    options.cachePages = 8000;
    store->m_path = dir / "server.db";
    auto db = Db::open(store->m_path.string(), options);
    if (!db) return std::unexpected(fromStorage(db.error()));
    store->m_db = std::make_unique<Db>(std::move(*db));
    if (auto r = migrateServerStore(*store->m_db); !r) return std::unexpected(fromStorage(r.error()));
    // Random, so that a recreated database never accepts an old cursor. Restoring
    // a backup must also set a new epoch (see sync/PROTOCOL.md).
    std::array<unsigned char, 8> epochBytes{};
    randombytes_buf(epochBytes.data(), epochBytes.size());
    std::array<char, 17> epochHex{};
    sodium_bin2hex(epochHex.data(), epochHex.size(), epochBytes.data(), epochBytes.size());
    auto epoch = metaValue(*store->m_db, "epoch", std::string(epochHex.data(), 16));
    if (!epoch) return std::unexpected(epoch.error());
    store->m_epoch = *epoch;
    auto serverId = metaValue(*store->m_db, "server_device_id", store->m_ids.next());
    if (!serverId) return std::unexpected(serverId.error());
    store->m_serverId = *serverId;
    // Never reuse a clock stamp after a restart (the push processor keeps it current).
    auto hlc = metaValue(*store->m_db, "last_hlc", "000000000000-0000");
    if (!hlc) return std::unexpected(hlc.error());
    storage::HlcStamp stamp;
    if (storage::HlcStamp::decode(*hlc, stamp)) store->m_hlc.restore(stamp);
    return store;
}

SyncResult<ServerStore::Reader> ServerStore::reader() {
    {
        std::lock_guard lock(m_readersMutex);
        if (!m_idleReaders.empty()) {
            Reader lent(m_idleReaders.back().release(), ReturnToPool{this});
            m_idleReaders.pop_back();
            return lent;
        }
    }
    storage::OpenOptions options;
    options.rawKey = &m_dbKey;
    options.cachePages = 1000;  // 4 MiB at most each; the write connection keeps the big cache
    auto db = Db::open(m_path.string(), options);
    if (!db) return std::unexpected(fromStorage(db.error()));
    // A reader that tried to write would be a bug here, not a second writer.
    if (auto r = db->exec("PRAGMA query_only = 1"); !r) return std::unexpected(fromStorage(r.error()));
    return Reader(new Db(std::move(*db)), ReturnToPool{this});
}

void ServerStore::ReturnToPool::operator()(Db* db) const {
    std::unique_ptr<Db> owned(db);
    // A statement left stepping would pin its snapshot, and later reads on this
    // connection would miss newer writes (a revocation among them): reset them all.
    if (owned->inTransaction()) owned->rollback();
    for (sqlite3_stmt* stmt = sqlite3_next_stmt(owned->handle(), nullptr); stmt != nullptr;
         stmt = sqlite3_next_stmt(owned->handle(), stmt)) {
        if (sqlite3_stmt_busy(stmt)) sqlite3_reset(stmt);
    }
    std::lock_guard lock(store->m_readersMutex);
    // After a burst of reads, the connections beyond a few are closed again.
    if (store->m_idleReaders.size() < kMaxIdleReaders) store->m_idleReaders.push_back(std::move(owned));
}

SyncResult<PullPage> ServerStore::pull(const DeviceInfo& device, const std::string& cursor, std::size_t limit) {
    std::int64_t after = 0;
    if (!cursor.empty()) {
        const auto dot = cursor.find('.');
        if (dot == std::string::npos || cursor.substr(0, dot) != m_epoch)
            return syncFail(SyncErrorCode::CursorExpired,
                            "the sync cursor is from another server database; resync from the start");
        const std::string digits = cursor.substr(dot + 1);
        if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos)
            return syncFail(SyncErrorCode::BadRequest, "the cursor is malformed");
        after = std::stoll(digits);
    }
    limit = std::clamp<std::size_t>(limit, 1, 500);
    auto reading = reader();
    if (!reading) return std::unexpected(reading.error());
    Db& db = **reading;
    // One read transaction: the page and the newest seq come from one snapshot.
    if (auto r = db.exec("BEGIN"); !r) return std::unexpected(fromStorage(r.error()));
    auto rows = db.prepare(
        "SELECT seq, payload FROM change_log WHERE office = ? AND seq > ? AND origin_device <> ? ORDER BY seq LIMIT ?");
    if (!rows) {
        db.rollback();
        return std::unexpected(fromStorage(rows.error()));
    }
    rows->bind(1, device.office).bind(2, after).bind(3, device.id).bind(4, static_cast<std::int64_t>(limit));
    PullPage page;
    std::int64_t last = after;
    std::size_t bytes = 0;
    for (;;) {
        auto row = rows->step();
        if (!row) {
            db.rollback();
            return std::unexpected(fromStorage(row.error()));
        }
        if (!*row) break;
        last = rows->integer(0);
        const std::string payload = rows->text(1);
        bytes += payload.size();
        page.changes.push_back(nlohmann::json::parse(payload));
        if (bytes > 256 * 1024) break;  // pages stay small enough for a 2G link
    }
    rows->reset();
    auto newest = db.scalarInt("SELECT coalesce(max(seq), 0) FROM change_log");
    db.rollback();
    if (!newest) return std::unexpected(fromStorage(newest.error()));
    page.more = last < *newest && (page.changes.size() == limit || bytes > 256 * 1024);
    // With nothing left for this office, skip ahead so the next pull starts at the end.
    if (!page.more) last = std::max(last, *newest);
    page.nextCursor = fmt::format("{}.{}", m_epoch, last);
    return page;
}

SyncResult<void> ServerStore::publishCatalog(const std::string& version, const std::string& json) {
    std::lock_guard lock(m_writeMutex);
    auto stmt = m_db->prepare(
        "INSERT INTO catalog (id, version, body, published_at) VALUES (1, ?1, ?2, ?3) ON CONFLICT (id) DO UPDATE SET "
        "version = excluded.version, body = excluded.body, published_at = excluded.published_at");
    if (!stmt) return std::unexpected(fromStorage(stmt.error()));
    stmt->bind(1, version).bind(2, json).bind(3, m_clock.nowMs());
    if (auto r = stmt->run(); !r) return std::unexpected(fromStorage(r.error()));
    return {};
}

SyncResult<std::pair<std::string, std::string>> ServerStore::catalog() {
    auto reading = reader();
    if (!reading) return std::unexpected(reading.error());
    auto row = (*reading)->readOne("SELECT version, body FROM catalog WHERE id = 1",
                                   [](const storage::Stmt& s) { return std::make_pair(s.text(0), s.text(1)); });
    if (!row) return std::unexpected(fromStorage(row.error()));
    return row->value_or(std::pair<std::string, std::string>{});
}

SyncResult<ServerStatus> ServerStore::status() {
    auto reading = reader();
    if (!reading) return std::unexpected(reading.error());
    Db& db = **reading;
    // One snapshot for all the counts.
    if (auto r = db.exec("BEGIN"); !r) return std::unexpected(fromStorage(r.error()));
    ServerStatus s;
    const std::pair<const char*, std::int64_t*> counts[] = {
        {"SELECT count(*) FROM devices", &s.devices},
        {"SELECT count(*) FROM devices WHERE revoked = 1", &s.revokedDevices},
        {"SELECT count(*) FROM change_log", &s.changes},
        {"SELECT count(*) FROM quarantine", &s.quarantined},
        {"SELECT count(*) FROM change_log WHERE entity = 'conflict'", &s.conflicts}};
    for (const auto& [sql, out] : counts) {
        auto n = db.scalarInt(sql);
        if (!n) return std::unexpected(fromStorage(n.error()));
        *out = *n;
    }
    auto version =
        db.readOne("SELECT version FROM catalog WHERE id = 1", [](const storage::Stmt& row) { return row.text(0); });
    if (!version) return std::unexpected(fromStorage(version.error()));
    if (*version) s.catalogVersion = std::move(**version);
    db.rollback();
    return s;
}

}  // namespace chasqui::sync
