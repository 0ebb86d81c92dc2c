#include "sync/server/repository/postgres/pg_schema.hpp"

#include <array>
#include <string_view>

#include <fmt/format.h>

#include "sync/server/repository/personal_fields.hpp"
#include "sync/server/repository/postgres/pg_locks.hpp"
#include "sync/server/repository/postgres/pg_transactions.hpp"

namespace chasqui::sync::pg {

namespace {

// Migration 1: the tables of the embedded store's migration 1, in
// PostgreSQL's types. What differs, and why:
// - change_log.seq comes from a sequence, taken at commit time under a lock
//   (pg_repository.cpp), never from a default, so positions follow commits.
// - Payloads of the change log and the quarantine are sealed whole (bytea):
//   they hold names and document numbers.
// - field_state holds a personal field's value sealed (`sealed`, with `value`
//   NULL) and, for a birth date its year, for a document number its keyed
//   hash; every other value stays plaintext in `value` for reports.
// - enroll_codes, devices and settings hold no personal data.
constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE schema_version (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL);
CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE devices (id text PRIMARY KEY, office text NOT NULL, number integer NOT NULL,
  token_hash text NOT NULL UNIQUE, public_key bytea NOT NULL, revoked boolean NOT NULL DEFAULT false,
  enrolled_at bigint NOT NULL, last_seen_at bigint NOT NULL DEFAULT 0);
CREATE INDEX devices_office ON devices (office, number);
CREATE TABLE enroll_codes (code_hash text PRIMARY KEY, office text NOT NULL, expires_at bigint NOT NULL,
  used_at bigint, device_id text);
CREATE SEQUENCE change_log_seq AS bigint;
CREATE TABLE change_log (seq bigint PRIMARY KEY, change_id text NOT NULL UNIQUE, payload_hash text NOT NULL,
  office text NOT NULL, origin_device text NOT NULL, entity text NOT NULL, record_id text NOT NULL,
  payload bytea NOT NULL, received_at bigint NOT NULL);
ALTER SEQUENCE change_log_seq OWNED BY change_log.seq;
CREATE INDEX change_log_office ON change_log (office, seq);
CREATE TABLE field_state (entity text NOT NULL, record_id text NOT NULL, field text NOT NULL,
  value text, sealed bytea, birth_year smallint, doc_hash text,
  clock text NOT NULL, base text NOT NULL, author text NOT NULL,
  PRIMARY KEY (entity, record_id, field), CHECK ((value IS NULL) <> (sealed IS NULL)));
CREATE INDEX field_state_doc_hash ON field_state (doc_hash) WHERE doc_hash IS NOT NULL;
CREATE TABLE record_office (entity text NOT NULL, record_id text NOT NULL, office text NOT NULL,
  PRIMARY KEY (entity, record_id));
CREATE INDEX record_office_office ON record_office (office, entity);
CREATE TABLE quarantine (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, change_id text NOT NULL,
  device_id text NOT NULL, code text NOT NULL, message text NOT NULL, payload bytea NOT NULL,
  received_at bigint NOT NULL, UNIQUE (change_id, device_id, code));
CREATE TABLE catalog (id integer PRIMARY KEY CHECK (id = 1), version text NOT NULL, body text NOT NULL,
  published_at bigint NOT NULL);
)sql";

// Migration 2: the key each device signs its pushes with (empty: enrolled
// before pushes were signed; it must enroll again).
constexpr std::string_view kMigration2 = "ALTER TABLE devices ADD COLUMN signing_key bytea NOT NULL DEFAULT '\\x';";

// Migration 3: element clocks of set fields (sync/PROTOCOL.md 3.2) as JSON
// text; empty for other fields and for set fields not edited since.
constexpr std::string_view kMigration3 = "ALTER TABLE field_state ADD COLUMN elements text NOT NULL DEFAULT '';";

// Migration 4: no payload hashes. An unkeyed hash of a whole change beside
// its sealed payload let a dump test guesses of the change's personal values
// (a phone number, a birth date: the rest of the change is in clear beside
// it); duplicates are now found by opening the logged payload. Dropping a
// column only hides it: old rows keep the bytes on disk until they are
// rewritten (README, "Schema changes": VACUUM FULL after upgrading).
constexpr std::string_view kMigration4 = "ALTER TABLE change_log DROP COLUMN payload_hash;";

// Migration 5: a record's fields in one row (record_state, pg_record_fields.hpp
// says what `fields` holds) instead of one field_state row per field and a
// record_office row: a push writes a tenth of the rows. Done in SQL alone:
// sealed values move as they are (their place, the associated data, names
// the record and field, not the row), a JSON null value is left out (read
// back as null), and a value whose jsonb text differs from the stored text
// keeps its text in `t`. A value that is not JSON fails the migration, which
// then changes nothing. Document numbers are found through an index on
// their keyed hash (`fields #>> '{doc_number,h}'`). A person's or case's
// fields pass the 2 kB at which PostgreSQL compresses a value: lz4 does it in
// a fraction of the CPU of the default pglz (a PostgreSQL built without lz4
// keeps pglz).
constexpr std::string_view kMigration5 = R"sql(
CREATE TABLE record_state (entity text NOT NULL, record_id text NOT NULL, office text NOT NULL,
  fields jsonb NOT NULL, PRIMARY KEY (entity, record_id));
INSERT INTO record_state (entity, record_id, office, fields)
SELECT k.entity, k.record_id, coalesce(o.office, ''), coalesce(f.fields, '{}'::jsonb)
FROM (SELECT entity, record_id FROM record_office UNION SELECT entity, record_id FROM field_state) k
LEFT JOIN record_office o ON o.entity = k.entity AND o.record_id = k.record_id
LEFT JOIN (SELECT entity, record_id, jsonb_object_agg(field, jsonb_strip_nulls(jsonb_build_object(
    'c', clock,
    'v', CASE WHEN value::jsonb::text = value THEN value::jsonb END,
    't', CASE WHEN value::jsonb::text <> value THEN value END,
    's', replace(encode(sealed, 'base64'), E'\n', ''),
    'y', birth_year,
    'h', doc_hash,
    'b', nullif(base, ''),
    'a', nullif(author, ''),
    'e', nullif(elements, '')::jsonb))) AS fields
  FROM field_state GROUP BY entity, record_id) f ON f.entity = k.entity AND f.record_id = k.record_id;
DROP TABLE field_state;
DROP TABLE record_office;
CREATE INDEX record_state_office ON record_state (office, entity);
CREATE INDEX record_state_doc_hash ON record_state ((fields #>> '{doc_number,h}'))
  WHERE fields #>> '{doc_number,h}' IS NOT NULL;
DO $$ BEGIN
  ALTER TABLE record_state ALTER COLUMN fields SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$;
)sql";

// Migration 6: a row's default clock and author (pg_record_fields.hpp). Rows
// written before name every field's clock and author and keep empty
// defaults: nothing to rewrite, and adding a column with a constant default
// does not rewrite the table. And no planner statistics for the two columns
// nothing filters on, a record's fields (reports filter on expressions of
// it, `fields #>> '{sex,v}'`, whose indexes keep their own) and a logged
// change's sealed payload: autovacuum's ANALYZE of a busy store otherwise
// detoasted and sorted thousands of them, a quarter of a CPU for seconds in
// the middle of pushes.
constexpr std::string_view kMigration6 = R"sql(
ALTER TABLE record_state ADD COLUMN field_clock text NOT NULL DEFAULT '',
  ADD COLUMN field_author text NOT NULL DEFAULT '';
ALTER TABLE record_state ALTER COLUMN fields SET STATISTICS 0;
ALTER TABLE change_log ALTER COLUMN payload SET STATISTICS 0;
)sql";

constexpr std::array<std::string_view, 6> kMigrations{kMigration1, kMigration2, kMigration3,
                                                      kMigration4, kMigration5, kMigration6};

// Migration 4's data step: staff logins joined the sealed fields (they are
// usually made of the name: rosa.huaman). Logins stored in clear before are
// sealed in place, in the migration's transaction; SQL alone cannot, the key
// is not in the database.
SyncResult<void> sealStaffLogins(PgConnection& conn, const FieldCipher& cipher) {
    auto rows = conn.exec(
        "SELECT record_id, value FROM field_state WHERE entity = 'staff' AND field = 'login' AND "
        "value IS NOT NULL",
        {}, "reading staff logins to seal");
    if (!rows) return std::unexpected(rows.error());
    for (int i = 0; i < rows->rows(); ++i) {
        const std::string record(rows->text(i, 0));
        const std::string sealed = cipher.seal(rows->text(i, 1), fieldPlace("staff", record, "login"));
        if (auto r = conn.exec("UPDATE field_state SET value = NULL, sealed = $1::bytea WHERE entity = 'staff' AND "
                               "record_id = $2 AND field = 'login'",
                               {byteaParam(sealed), record}, "sealing a staff login");
            !r)
            return std::unexpected(r.error());
    }
    return {};
}

// Releases the session lock however the migration ends.
class MigrationLock {
public:
    explicit MigrationLock(PgConnection& conn) : m_conn(conn) {}
    SyncResult<void> take() {
        // A migration of a large store may take longer than a request's lock wait.
        if (auto r = m_conn.execScript("SET lock_timeout = 0", "waiting for a migration"); !r) return r;
        auto r = m_conn.exec("SELECT pg_advisory_lock($1, $2)",
                             {std::to_string(kLockClass), std::to_string(kMigrationLock)}, "waiting for a migration");
        if (!r) return std::unexpected(r.error());
        m_held = true;
        return {};
    }
    ~MigrationLock() {
        if (m_conn.lost()) return;
        if (m_conn.inTransaction()) (void)m_conn.execScript("ROLLBACK", "rolling back a migration");
        if (m_held)
            (void)m_conn.exec("SELECT pg_advisory_unlock($1, $2)",
                              {std::to_string(kLockClass), std::to_string(kMigrationLock)}, "ending a migration");
        (void)m_conn.execScript(kSessionLockTimeout, "ending a migration");
    }
    MigrationLock(const MigrationLock&) = delete;
    MigrationLock& operator=(const MigrationLock&) = delete;

private:
    PgConnection& m_conn;
    bool m_held = false;
};

}  // namespace

int latestPgSchema() {
    return static_cast<int>(kMigrations.size());
}

SyncResult<int> pgSchemaVersion(PgConnection& conn) {
    auto exists = conn.exec("SELECT to_regclass('schema_version') IS NOT NULL", {}, "reading the schema version");
    if (!exists) return std::unexpected(exists.error());
    if (exists->text(0, 0) != "t") return 0;
    auto version = conn.exec("SELECT version FROM schema_version WHERE id = 1", {}, "reading the schema version");
    if (!version) return std::unexpected(version.error());
    if (version->rows() == 0) return 0;
    const auto v = version->integer(0, 0);
    if (!v || *v < 0 || *v > 1'000'000)
        return syncFail(SyncErrorCode::Internal, "the database's schema_version is damaged");
    return static_cast<int>(*v);
}

SyncResult<void> migratePgSchema(PgConnection& conn, const FieldCipher& cipher, int target) {
    if (target < 0 || target > latestPgSchema()) target = latestPgSchema();
    MigrationLock lock(conn);
    if (auto r = lock.take(); !r) return r;
    auto current = pgSchemaVersion(conn);
    if (!current) return std::unexpected(current.error());
    if (*current > latestPgSchema())
        return syncFail(SyncErrorCode::Internal,
                        fmt::format("the PostgreSQL database was written by a newer chasqui-server (schema {} > {}); "
                                    "update this program (chasqui-server) before it serves that database",
                                    *current, latestPgSchema()));
    for (int version = *current + 1; version <= target; ++version) {
        if (auto r = conn.execScript("BEGIN", "starting a migration"); !r) return r;
        if (auto r = conn.execScript(kMigrations[static_cast<std::size_t>(version - 1)],
                                     fmt::format("running schema migration {}", version));
            !r)
            return r;
        if (version == 4) {
            if (auto r = sealStaffLogins(conn, cipher); !r) return r;
        }
        if (auto r = conn.exec("INSERT INTO schema_version (id, version) VALUES (1, $1) ON CONFLICT (id) DO UPDATE "
                               "SET version = excluded.version",
                               {std::to_string(version)}, "recording the schema version");
            !r)
            return std::unexpected(r.error());
        if (auto r = conn.execScript("COMMIT", fmt::format("committing schema migration {}", version)); !r) return r;
    }
    return {};
}

}  // namespace chasqui::sync::pg
