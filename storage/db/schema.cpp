#include "storage/db/schema.hpp"

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "storage/records/entity_columns.hpp"

namespace chasqui::storage {

namespace {

bool contains(std::initializer_list<std::string_view> names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// CREATE TABLE of a synced entity as migration `version` made it, from the
// entity description: the record columns, the described columns that existed
// at `version`, then `extra` (columns this kiosk derives, never synced).
// `unique` names columns that carried UNIQUE then.
std::string createTable(std::string_view entity, std::string_view table, int version,
                        std::initializer_list<std::string_view> unique = {}, std::string_view extra = {}) {
    const EntitySpec* spec = findEntity(entity);
    std::string sql = fmt::format("CREATE TABLE {} ({}", table, recordColumnsSql());
    for (const ColumnSpec& column : spec->columns) {
        if (column.since > version) continue;
        sql += ", " + columnDefinition(column);
        if (contains(unique, column.name)) sql += " UNIQUE";
    }
    if (!extra.empty()) fmt::format_to(std::back_inserter(sql), ", {}", extra);
    return sql + ");";
}

// The tables of the entities that migration `version` introduced, in description order.
std::string createTables(int version, std::initializer_list<std::string_view> unique = {}) {
    std::string sql;
    for (const EntitySpec& spec : syncedEntities())
        if (spec.since == version) sql += createTable(spec.entity, spec.table, version, unique);
    return sql;
}

// The described columns that migration `version` added to tables made before it.
std::string addedColumns(int version) {
    std::string sql;
    for (const EntitySpec& spec : syncedEntities()) {
        if (spec.since >= version) continue;
        for (const ColumnSpec& column : spec.columns)
            if (column.since == version)
                sql += fmt::format("ALTER TABLE {} ADD COLUMN {};", spec.table, columnDefinition(column));
    }
    return sql;
}

// Migration 1: the data model, the audit chain and the sync change log. Case
// codes and staff logins were UNIQUE until migration 5.
std::string migration1() {
    return "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);" + createTables(1, {"case_code", "login"}) +
           "CREATE INDEX cases_person ON cases(person_id);"
           "CREATE INDEX cases_household ON cases(household_id);"
           "CREATE INDEX persons_household ON persons(household_id);"
           "CREATE INDEX assistance_case ON assistance(case_id);"
           "CREATE INDEX assistance_date ON assistance(date);"
           "CREATE INDEX referrals_case ON referrals(case_id);"
           "CREATE INDEX referral_status_referral ON referral_status(referral_id);"
           "CREATE INDEX notes_case ON notes(case_id);"
           // Tamper-evident audit trail: each entry's hash covers the previous hash.
           "CREATE TABLE audit (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, staff_id TEXT NOT NULL, "
           "device TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL, record_id TEXT NOT NULL, "
           "prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
           // Outbox for sync: one row per write, with the per-field values it set.
           // Pushes go in seq order, so what is still to push is "seq > the
           // acknowledged seq" kept in meta ('outbox_acked_seq'): no per-row flag and
           // no extra index page to rewrite on every write.
           "CREATE TABLE changes (seq INTEGER PRIMARY KEY, change_id TEXT NOT NULL UNIQUE, entity TEXT NOT NULL, "
           "record_id TEXT NOT NULL, op TEXT NOT NULL, fields TEXT NOT NULL, hlc TEXT NOT NULL, device TEXT NOT NULL, "
           "author TEXT NOT NULL, created_at INTEGER NOT NULL);"
           "INSERT INTO meta(key, value) VALUES ('outbox_acked_seq', '0');";
}

// Migration 2: search-as-you-type and duplicate blocking. FTS4 with the
// unicode61 tokenizer (the SQLite of the day had no FTS5; migration 10 moves the index to FTS5); docid = persons.rid.
// The 2- and 3-character prefix indexes make "mar*" a lookup instead of a scan; matchinfo=fts3 skips the per-document
// size table we never rank with (one page less to encrypt on every write). A column for the normalized document number
// lets any document type match.
constexpr std::string_view kDocNumberNorm = "doc_number_norm TEXT NOT NULL DEFAULT ''";
std::string migration2() {
    return fmt::format(
        "CREATE VIRTUAL TABLE person_search USING fts4(words, tokenize=unicode61, prefix=\"2,3\", matchinfo=fts3);"
        "ALTER TABLE persons ADD COLUMN {};"
        "CREATE INDEX persons_doc_norm ON persons(doc_number_norm) WHERE doc_number_norm <> '';",
        kDocNumberNorm);
}

// Migration 3: conflicts kept for a supervisor (a field two devices changed
// concurrently: the losing value is never dropped).
std::string migration3() {
    return createTables(3) + "CREATE INDEX conflicts_open ON conflicts(resolved, record_id);";
}

// Migration 4: what the merge needs (sync/PROTOCOL.md section 3). Per record,
// the clock ("<hlc>@<device>") of its last full write, and per field written
// since, that field's clock and the clock of the value it replaced ("base"),
// as JSON {"field": {"c": clock, "b": base}}. One row per record keeps writes
// cheap. Change records carry the bases of the fields they overwrote.
std::string migration4() {
    return "CREATE TABLE record_clocks (entity TEXT NOT NULL, record_id TEXT NOT NULL, clock TEXT NOT NULL, "
           "fields TEXT NOT NULL, PRIMARY KEY (entity, record_id)) WITHOUT ROWID;"
           "ALTER TABLE changes ADD COLUMN base TEXT NOT NULL DEFAULT '{}';"
           "INSERT INTO record_clocks (entity, record_id, clock, fields) "
           "SELECT entity, record_id, max(hlc || '@' || device), '{}' FROM changes GROUP BY entity, record_id;";
}

// Migration 5: case codes and staff logins are unique per kiosk but cannot be
// guaranteed unique across kiosks that made them before enrollment (two new
// kiosks both start as device 1; two offices' first admins may share a login).
// A UNIQUE constraint would make sync drop the second record; a plain index
// keeps both and lets search show them side by side. SQLite cannot drop a
// constraint, so the two tables are rebuilt with the same rids (the search
// index refers to persons by rid).
std::string migration5() {
    return createTable("person", "persons_v5", 5, {}, kDocNumberNorm) +
           "INSERT INTO persons_v5 SELECT * FROM persons;"
           "DROP TABLE persons;"
           "ALTER TABLE persons_v5 RENAME TO persons;"
           "CREATE INDEX persons_household ON persons(household_id);"
           "CREATE INDEX persons_doc_norm ON persons(doc_number_norm) WHERE doc_number_norm <> '';"
           "CREATE INDEX persons_case_code ON persons(case_code);" +
           createTable("staff", "staff_v5", 5) +
           "INSERT INTO staff_v5 SELECT * FROM staff;"
           "DROP TABLE staff;"
           "ALTER TABLE staff_v5 RENAME TO staff;"
           "CREATE INDEX staff_login ON staff(login);";
}

// Migration 6: who wrote the value a conflict kept (the server names it since
// protocol columns gained kept_author; older conflicts leave it empty and the
// kiosk falls back to the record's last writer).
std::string migration6() {
    return addedColumns(6);
}

// Migration 7: multi-valued fields merge element by element (sync/PROTOCOL.md
// section 3.2). A change record keeps what its write did to each set field,
// as JSON {"field": {"add": [codes], "del": {code: clock}}}; the element
// clocks live in record_clocks' JSON beside the field's clock.
std::string migration7() {
    return "ALTER TABLE changes ADD COLUMN sets TEXT NOT NULL DEFAULT '{}';";
}

// Migration 8: what a staff member was typing and has not saved (a
// registration), kept for them alone until saved, discarded or a day old
// (storage/records/draft_repository.hpp). Local to this kiosk, never synced;
// encrypted like everything in this store.
std::string migration8() {
    return "CREATE TABLE drafts (staff_id TEXT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL, "
           "saved_at INTEGER NOT NULL, PRIMARY KEY (staff_id, kind));";
}

// Migration 9: the id a person (and a household) had in the registry it was
// imported from (storage/import/person_import.hpp), so that importing the same
// file again adds nothing. Local to this kiosk and not synced: two kiosks that
// import the same registry would both hold the same source ids, and a synced
// column under a UNIQUE index would make the second kiosk's records fail to
// merge (the reason case codes lost UNIQUE in migration 5). Empty for people
// registered on the kiosk, hence the partial indexes.
std::string migration9() {
    return "ALTER TABLE persons ADD COLUMN source_id TEXT NOT NULL DEFAULT '';"
           "CREATE UNIQUE INDEX persons_source_id ON persons(source_id) WHERE source_id <> '';"
           "ALTER TABLE households ADD COLUMN source_id TEXT NOT NULL DEFAULT '';"
           "CREATE UNIQUE INDEX households_source_id ON households(source_id) WHERE source_id <> '';";
}

// Migration 10: the search index on FTS5 with a second column of Spanish
// sound keys (storage/search/phonetic_key.hpp), so that "Balderama" finds
// "Valderrama". rowid = persons.rid. detail=column keeps what column filters
// and prefix queries need and no token positions (nobody searches for
// phrases); columnsize=0 drops the per-row size record we never rank with;
// the 2- and 3-character prefix indexes make "mar*" a lookup. The rows are
// rebuilt by the store when it opens (it needs the C++ sound keys); the meta
// flag makes that rebuild survive a crash between this commit and its own.
std::string migration10() {
    return "DROP TABLE person_search;"
           "CREATE VIRTUAL TABLE person_search USING fts5(words, sounds, tokenize='unicode61', prefix='2 3', "
           "detail=column, columnsize=0);"
           "INSERT INTO meta(key, value) VALUES ('search_index_rebuild', '1') "
           "ON CONFLICT(key) DO UPDATE SET value = excluded.value;";
}

// Migration 11: fewer pages per write (`chasqui-bench storage` prints
// pages_per_registration). Each page a commit touches is encrypted and MACed.
// - Household indexes hold only persons and cases that have a household:
//   most registrations have none, and every '' entry was a page to rewrite.
//   (Queries by household add `household_id <> ''` so SQLite can use them.)
// - Merge clocks keyed by record first: a person and the case registered with
//   it (UUIDv7 ids of the same millisecond) share a leaf page instead of
//   sitting in the 'case' and 'person' halves of the tree.
// - The outbox's change ids lose their UNIQUE index (a page per write): they
//   are UUIDv7s made here, and the server already refuses a change id twice.
std::string migration11() {
    return "DROP INDEX persons_household;"
           "CREATE INDEX persons_household ON persons(household_id) WHERE household_id <> '';"
           "DROP INDEX cases_household;"
           "CREATE INDEX cases_household ON cases(household_id) WHERE household_id <> '';"
           "CREATE TABLE record_clocks_v11 (entity TEXT NOT NULL, record_id TEXT NOT NULL, clock TEXT NOT NULL, "
           "fields TEXT NOT NULL, PRIMARY KEY (record_id, entity)) WITHOUT ROWID;"
           "INSERT INTO record_clocks_v11 (entity, record_id, clock, fields) "
           "SELECT entity, record_id, clock, fields FROM record_clocks;"
           "DROP TABLE record_clocks;"
           "ALTER TABLE record_clocks_v11 RENAME TO record_clocks;"
           "CREATE TABLE changes_v11 (seq INTEGER PRIMARY KEY, change_id TEXT NOT NULL, entity TEXT NOT NULL, "
           "record_id TEXT NOT NULL, op TEXT NOT NULL, fields TEXT NOT NULL, hlc TEXT NOT NULL, device TEXT NOT NULL, "
           "author TEXT NOT NULL, created_at INTEGER NOT NULL, base TEXT NOT NULL DEFAULT '{}', "
           "sets TEXT NOT NULL DEFAULT '{}');"
           "INSERT INTO changes_v11 SELECT seq, change_id, entity, record_id, op, fields, hlc, device, author, "
           "created_at, base, sets FROM changes;"
           "DROP TABLE changes;"
           "ALTER TABLE changes_v11 RENAME TO changes;";
}

constexpr int kLatestVersion = 11;

}  // namespace

int latestSchemaVersion() {
    return kLatestVersion;
}

std::string migrationSql(int version) {
    switch (version) {
        case 1:
            return migration1();
        case 2:
            return migration2();
        case 3:
            return migration3();
        case 4:
            return migration4();
        case 5:
            return migration5();
        case 6:
            return migration6();
        case 7:
            return migration7();
        case 8:
            return migration8();
        case 9:
            return migration9();
        case 10:
            return migration10();
        case 11:
            return migration11();
        default:
            return {};
    }
}

Result<int> schemaVersion(Db& db) {
    auto v = db.scalarInt("PRAGMA user_version");
    if (!v) return std::unexpected(v.error());
    return static_cast<int>(*v);
}

Result<int> migrate(Db& db, int target) {
    if (target < 0) target = latestSchemaVersion();
    auto current = schemaVersion(db);
    if (!current) return std::unexpected(current.error());
    if (*current > latestSchemaVersion()) {
        return fail(ErrorCode::Damaged,
                    fmt::format("the data directory was written by a newer Chasqui (schema {} > {}); "
                                "update this program before opening it",
                                *current, latestSchemaVersion()));
    }
    for (int version = *current + 1; version <= target; ++version) {
        Transaction tx(db);
        if (auto r = tx.begin(); !r) return std::unexpected(r.error());
        if (auto r = db.exec(migrationSql(version)); !r) {
            return fail(ErrorCode::Internal, fmt::format("schema migration {} failed: {}", version, r.error().message));
        }
        if (auto r = db.exec(fmt::format("PRAGMA user_version = {}", version)); !r) return std::unexpected(r.error());
        if (auto r = tx.commit(); !r) return std::unexpected(r.error());
    }
    return *current;
}

}  // namespace chasqui::storage
