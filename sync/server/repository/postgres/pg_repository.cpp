#include "sync/server/repository/postgres/pg_repository.hpp"

#include <fmt/format.h>

#include "sync/server/repository/personal_fields.hpp"
#include "sync/server/repository/postgres/pg_schema.hpp"
#include "sync/server/repository/postgres/pg_transactions.hpp"

namespace chasqui::sync {

using pg::PgResult;

namespace {

SyncError damaged(std::string_view what) {
    return syncError(SyncErrorCode::Internal, fmt::format("the PostgreSQL store returned a malformed {}", what));
}

SyncResult<std::int64_t> count(const PgResult& r, int row, int column) {
    const auto n = r.integer(row, column);
    if (!n || *n < 0) return std::unexpected(damaged("count"));
    return *n;
}

}  // namespace

SyncResult<SchemaVersion> PgRepository::schema() {
    auto lease = m_pool->acquire();
    if (!lease) return std::unexpected(lease.error());
    auto current = pg::pgSchemaVersion(**lease);
    if (!current) return std::unexpected(current.error());
    return SchemaVersion{*current, pg::latestPgSchema()};
}

SyncResult<void> PgRepository::migrate() {
    auto lease = m_pool->acquire();
    if (!lease) return std::unexpected(lease.error());
    return pg::migratePgSchema(**lease, m_cipher);
}

SyncResult<std::string> PgRepository::setting(const std::string& key, const std::string& fallback) {
    // Two statements, not one: a statement's snapshot would not see a value
    // that another process stored after it began, though its ON CONFLICT did.
    if (auto r = m_pool->exec("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                              {key, fallback}, "storing a setting");
        !r)
        return std::unexpected(r.error());
    auto r = m_pool->exec("SELECT value FROM meta WHERE key = $1", {key}, "reading a setting");
    if (!r) return std::unexpected(r.error());
    if (r->rows() != 1) return std::unexpected(damaged("setting"));
    return std::string(r->text(0, 0));
}

SyncResult<void> PgRepository::replaceSetting(const std::string& key, const std::string& value) {
    auto r = m_pool->exec(
        "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        {key, value}, "storing a setting");
    if (!r) return std::unexpected(r.error());
    return {};
}

SyncResult<void> PgRepository::addEnrollCode(const std::string& codeHash, const std::string& office,
                                             std::int64_t expiresAt) {
    auto r = m_pool->exec("INSERT INTO enroll_codes (code_hash, office, expires_at) VALUES ($1, $2, $3)",
                          {codeHash, office, std::to_string(expiresAt)}, "storing an enrollment code", false);
    if (!r) return std::unexpected(r.error());
    return {};
}

SyncResult<std::unique_ptr<EnrollTransaction>> PgRepository::beginEnrollment() {
    auto lease = m_pool->begin("BEGIN", "starting an enrollment");
    if (!lease) return std::unexpected(lease.error());
    return pg::beginEnrollTransaction(std::move(*lease));
}

SyncResult<std::optional<DeviceInfo>> PgRepository::deviceByToken(const std::string& tokenHash) {
    auto r = m_pool->exec(fmt::format("SELECT {} FROM devices WHERE token_hash = $1", pg::kDeviceColumns), {tokenHash},
                          "reading a device");
    if (!r) return std::unexpected(r.error());
    if (r->rows() == 0) return std::optional<DeviceInfo>();
    auto d = pg::deviceFrom(*r, 0);
    if (!d) return std::unexpected(d.error());
    return std::optional<DeviceInfo>(std::move(*d));
}

SyncResult<void> PgRepository::markSeen(const std::string& deviceId, std::int64_t at) {
    auto r = m_pool->exec("UPDATE devices SET last_seen_at = $1 WHERE id = $2", {std::to_string(at), deviceId},
                          "marking a device seen");
    if (!r) return std::unexpected(r.error());
    return {};
}

SyncResult<std::vector<DeviceInfo>> PgRepository::devices() {
    auto r = m_pool->exec(fmt::format("SELECT {} FROM devices ORDER BY office, number", pg::kDeviceColumns), {},
                          "listing devices");
    if (!r) return std::unexpected(r.error());
    std::vector<DeviceInfo> out;
    out.reserve(static_cast<std::size_t>(r->rows()));
    for (int i = 0; i < r->rows(); ++i) {
        auto d = pg::deviceFrom(*r, i);
        if (!d) return std::unexpected(d.error());
        out.push_back(std::move(*d));
    }
    return out;
}

SyncResult<bool> PgRepository::revoke(const std::string& deviceId) {
    auto r =
        m_pool->exec("UPDATE devices SET revoked = true WHERE id = $1 RETURNING 1", {deviceId}, "revoking a device");
    if (!r) return std::unexpected(r.error());
    return r->rows() > 0;
}

SyncResult<std::unique_ptr<PushTransaction>> PgRepository::beginPush() {
    auto lease = m_pool->begin("BEGIN", "starting a push");
    if (!lease) return std::unexpected(lease.error());
    return pg::beginPushTransaction(std::move(*lease), m_cipher);
}

SyncResult<LogPage> PgRepository::changesFor(const std::string& office, const std::string& excludeDevice,
                                             std::int64_t after, std::size_t limit, std::size_t maxBytes) {
    // One statement, so the page and the newest position come from one
    // snapshot. Positions are visible in commit order (pg_transactions.cpp),
    // so nothing can later appear below what this snapshot saw.
    auto r = m_pool->exec(
        "SELECT n.newest, p.seq, p.change_id, p.payload FROM (SELECT coalesce(max(seq), 0) AS newest FROM "
        "change_log) n LEFT JOIN LATERAL (SELECT seq, change_id, payload FROM change_log WHERE office = $1 AND seq > "
        "$2 AND origin_device <> $3 ORDER BY seq LIMIT $4) p ON true ORDER BY p.seq",
        {office, std::to_string(after), excludeDevice, std::to_string(limit)}, "reading the change log");
    if (!r) return std::unexpected(r.error());
    LogPage page;
    page.last = after;
    if (r->rows() == 0) return std::unexpected(damaged("log page"));
    const auto newest = r->integer(0, 0);
    if (!newest) return std::unexpected(damaged("log position"));
    page.newest = *newest;
    std::size_t bytes = 0;
    for (int i = 0; i < r->rows() && !r->isNull(i, 1); ++i) {
        const auto seq = r->integer(i, 1);
        const auto sealed = r->bytes(i, 3);
        if (!seq || !sealed) return std::unexpected(damaged("log entry"));
        auto payload = m_cipher.open(*sealed, logPlace(r->text(i, 2)));
        if (!payload) return std::unexpected(payload.error());
        bytes += payload->size();
        page.payloads.push_back(std::move(*payload));
        page.last = *seq;
        if (bytes > maxBytes) break;
    }
    return page;
}

SyncResult<void> PgRepository::publishCatalog(const std::string& version, const std::string& body, std::int64_t at) {
    auto r = m_pool->exec(
        "INSERT INTO catalog (id, version, body, published_at) VALUES (1, $1, $2, $3) ON CONFLICT (id) DO UPDATE "
        "SET version = excluded.version, body = excluded.body, published_at = excluded.published_at",
        {version, body, std::to_string(at)}, "publishing the catalog");
    if (!r) return std::unexpected(r.error());
    return {};
}

SyncResult<std::optional<std::pair<std::string, std::string>>> PgRepository::catalog() {
    auto r = m_pool->exec("SELECT version, body FROM catalog WHERE id = 1", {}, "reading the catalog");
    if (!r) return std::unexpected(r.error());
    if (r->rows() == 0) return std::optional<std::pair<std::string, std::string>>();
    return std::optional<std::pair<std::string, std::string>>(std::in_place, std::string(r->text(0, 0)),
                                                              std::string(r->text(0, 1)));
}

SyncResult<StoreCounts> PgRepository::counts() {
    // One snapshot for every count; the lease rolls the transaction back.
    auto lease = m_pool->begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "counting");
    if (!lease) return std::unexpected(lease.error());
    pg::PgConnection& conn = **lease;
    auto totals = conn.exec(
        "SELECT (SELECT count(*) FROM devices), (SELECT count(*) FROM devices WHERE revoked), (SELECT count(*) "
        "FROM change_log), (SELECT count(*) FROM quarantine), (SELECT count(*) FROM change_log WHERE entity = "
        "'conflict'), pg_database_size(current_database()), (SELECT version FROM catalog WHERE id = 1)",
        {}, "counting");
    if (!totals) return std::unexpected(totals.error());
    StoreCounts s;
    std::int64_t* targets[] = {&s.devices,     &s.revokedDevices, &s.changes,
                               &s.quarantined, &s.conflicts,      &s.databaseBytes};
    for (int i = 0; i < 6; ++i) {
        auto n = count(*totals, 0, i);
        if (!n) return std::unexpected(n.error());
        *targets[i] = *n;
    }
    if (!totals->isNull(0, 6)) s.catalogVersion = totals->text(0, 6);
    auto offices = conn.exec(
        "WITH o AS (SELECT office FROM devices UNION SELECT office FROM record_state WHERE office <> ''), "
        "d AS (SELECT office, count(*) AS n FROM devices GROUP BY office), "
        "c AS (SELECT office, count(*) AS n FROM change_log GROUP BY office), "
        "r AS (SELECT office, count(*) FILTER (WHERE entity = 'person') AS persons, "
        "      count(*) FILTER (WHERE entity = 'case') AS cases FROM record_state GROUP BY office), "
        "q AS (SELECT d.office, count(*) AS n FROM quarantine q JOIN devices d ON d.id = q.device_id "
        "      GROUP BY d.office) "
        "SELECT o.office, coalesce(d.n, 0), coalesce(c.n, 0), coalesce(r.persons, 0), coalesce(r.cases, 0), "
        "coalesce(q.n, 0) FROM o LEFT JOIN d USING (office) LEFT JOIN c USING (office) LEFT JOIN r USING (office) "
        "LEFT JOIN q USING (office) ORDER BY o.office",
        {}, "counting by office");
    if (!offices) return std::unexpected(offices.error());
    for (int row = 0; row < offices->rows(); ++row) {
        OfficeCounts o;
        o.office = offices->text(row, 0);
        std::int64_t* columns[] = {&o.devices, &o.changes, &o.persons, &o.cases, &o.quarantined};
        for (int i = 0; i < 5; ++i) {
            auto n = count(*offices, row, i + 1);
            if (!n) return std::unexpected(n.error());
            *columns[i] = *n;
        }
        s.offices.push_back(std::move(o));
    }
    return s;
}

SyncResult<void> PgRepository::backup(const std::filesystem::path&) {
    return syncFail(SyncErrorCode::Internal,
                    "a PostgreSQL store is backed up with PostgreSQL's own tools: pg_dump --format=custom (and "
                    "pg_restore to restore), or continuous archiving; keep DATA/server.fields.key and the server's "
                    "other keys apart from the dumps (see the README)");
}

SyncResult<std::unique_ptr<ServerRepository>> openPgRepository(const RepositoryConfig& config) {
    if (config.fieldCipher == nullptr)
        return syncFail(SyncErrorCode::Internal,
                        "the PostgreSQL store needs the server's field key (DATA/server.fields.key) to encrypt "
                        "personal fields");
    auto pool = pg::PgPool::open(config.databaseUrl, PgRepository::kPoolSize);
    if (!pool) return std::unexpected(pool.error());
    return std::unique_ptr<ServerRepository>(new PgRepository(std::move(*pool), *config.fieldCipher));
}

}  // namespace chasqui::sync
