// The embedded server store's schema, numbered in PRAGMA user_version.
#include <array>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "sync/server/repository/record_fields_blob.hpp"
#include "sync/server/repository/sqlcipher_repository.hpp"

namespace chasqui::sync {

namespace {

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

// Migration 4: no payload hashes. Duplicates are found by comparing the
// logged payload itself (ServerRepository::loggedPayloads), as on PostgreSQL,
// where a hash beside the sealed payload would let a dump test guesses.
// SQLite rewrites the table once to drop the column.
constexpr std::string_view kMigration4 = "ALTER TABLE change_log DROP COLUMN payload_hash;";

// Migration 5: a record's fields in one row (record_state.fields, the blob of
// record_fields_blob.hpp) with its office, in place of one field_state row
// per field and a record_office row: a push writes a tenth of the rows. The
// blobs are built by the data step below; SQL alone cannot make them.
constexpr std::string_view kMigration5 =
    "CREATE TABLE record_state (entity TEXT NOT NULL, record_id TEXT NOT NULL, office TEXT NOT NULL, "
    "  fields BLOB NOT NULL, PRIMARY KEY (entity, record_id));"
    "INSERT INTO record_state (entity, record_id, office, fields) "
    "  SELECT entity, record_id, office, x'' FROM record_office;";

// Every record of field_state, its fields in name order, into its record_state
// row (a record with fields but no office row keeps an empty office, as
// records() reported it before), then the old tables go.
storage::Result<void> moveFieldsIntoRecords(storage::Db& db) {
    auto rows = db.prepare(
        "SELECT entity, record_id, field, value, clock, base, author, elements FROM field_state "
        "ORDER BY entity, record_id, field");
    if (!rows) return std::unexpected(rows.error());
    auto store = db.prepare(
        "INSERT INTO record_state (entity, record_id, office, fields) VALUES (?1, ?2, '', ?3) "
        "ON CONFLICT (entity, record_id) DO UPDATE SET fields = excluded.fields");
    if (!store) return std::unexpected(store.error());
    std::optional<RecordKey> current;
    RecordFields fields;
    const auto flush = [&]() -> storage::Result<void> {
        if (!current) return {};
        store->bind(1, current->entity).bind(2, current->record).bindBlob(3, encodeRecordFields(fields));
        fields.clear();
        return store->run();
    };
    for (;;) {
        auto row = rows->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        RecordKey key{rows->text(0), rows->text(1)};
        if (current && key != *current) {
            if (auto r = flush(); !r) return r;
        }
        current = std::move(key);
        fields.insert_or_assign(rows->text(2),
                                StoredField{rows->text(3), rows->text(4), rows->text(5), rows->text(6), rows->text(7)});
    }
    rows->reset();
    if (auto r = flush(); !r) return r;
    return db.exec("DROP TABLE field_state; DROP TABLE record_office;");
}

// Migration 6 changes nothing here. PostgreSQL's 6 gives its record rows a
// default clock and author, so its jsonb names them once rather than per
// field; the embedded blob is already compact. Numbered all the same, so
// that one number means one schema on both backends.
constexpr std::string_view kMigration6 = "";

struct Migration {
    std::string_view sql;
    storage::Result<void> (*dataStep)(storage::Db&) = nullptr;  // run after `sql`, in its transaction
};

constexpr std::array<Migration, 6> kMigrations{
    {{kMigration1}, {kMigration2}, {kMigration3}, {kMigration4}, {kMigration5, moveFieldsIntoRecords}, {kMigration6}}};

}  // namespace

int latestEmbeddedSchema() {
    return static_cast<int>(kMigrations.size());
}

storage::Result<void> migrateEmbeddedSchema(storage::Db& db, int target) {
    if (target < 0) target = latestEmbeddedSchema();
    auto current = db.scalarInt("PRAGMA user_version");
    if (!current) return std::unexpected(current.error());
    if (*current > latestEmbeddedSchema())
        return storage::fail(storage::ErrorCode::Damaged,
                             fmt::format("server.db was written by a newer chasqui-server (schema {} > {}); update "
                                         "this program",
                                         *current, latestEmbeddedSchema()));
    for (std::int64_t version = *current + 1; version <= target; ++version) {
        storage::Transaction tx(db);
        if (auto r = tx.begin(); !r) return r;
        const Migration& migration = kMigrations[static_cast<std::size_t>(version - 1)];
        auto migrated = db.exec(migration.sql);
        if (migrated && migration.dataStep != nullptr) migrated = migration.dataStep(db);
        if (!migrated)
            return storage::fail(storage::ErrorCode::Internal, fmt::format("server schema migration {} failed: {}",
                                                                           version, migrated.error().message));
        if (auto r = db.exec(fmt::format("PRAGMA user_version = {}", version)); !r) return r;
        if (auto r = tx.commit(); !r) return r;
    }
    return {};
}

}  // namespace chasqui::sync
