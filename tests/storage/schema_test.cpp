// The migrations' SQL, now made from the entity description
// (storage/records/entity_columns.hpp), against the text they shipped with:
// stores created before and after the description must have the same schema.
#include <doctest/doctest.h>

#include <array>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "storage/db/schema.hpp"

using namespace chasqui::storage;

namespace {

// The migrations exactly as they were written by hand before the description
// existed. Never edit: a new migration gets a new number.
// Every synced table carries the same record columns (spec section 4).
#define CHASQUI_RECORD_COLUMNS                                                        \
    "rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, " \
    "updated_at INTEGER NOT NULL, author TEXT NOT NULL, device TEXT NOT NULL, "       \
    "deleted INTEGER NOT NULL DEFAULT 0"

// Migration 1: the data model, the audit chain and the sync change log.
constexpr std::string_view kShipped1 =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE offices (" CHASQUI_RECORD_COLUMNS
    ", code TEXT NOT NULL, name TEXT NOT NULL, district TEXT NOT NULL);"
    "CREATE TABLE staff (" CHASQUI_RECORD_COLUMNS
    ", login TEXT NOT NULL UNIQUE, name TEXT NOT NULL, "
    "  role TEXT NOT NULL, office_id TEXT NOT NULL, active INTEGER NOT NULL);"
    "CREATE TABLE persons (" CHASQUI_RECORD_COLUMNS
    ", case_code TEXT NOT NULL UNIQUE, given_names TEXT NOT NULL, "
    "  family_name_1 TEXT NOT NULL, family_name_2 TEXT NOT NULL, sex TEXT NOT NULL, gender_identity TEXT NOT NULL, "
    "  birth_date TEXT NOT NULL, birth_date_estimated INTEGER NOT NULL, nationality TEXT NOT NULL, "
    "  doc_type TEXT NOT NULL, doc_number TEXT NOT NULL, phone TEXT NOT NULL, languages TEXT NOT NULL, "
    "  population_type TEXT NOT NULL, migration_status TEXT NOT NULL, arrival_date TEXT NOT NULL, "
    "  disability TEXT NOT NULL, household_id TEXT NOT NULL, relation_to_head TEXT NOT NULL);"
    "CREATE TABLE households (" CHASQUI_RECORD_COLUMNS
    ", head_person_id TEXT NOT NULL, district TEXT NOT NULL);"
    "CREATE TABLE cases (" CHASQUI_RECORD_COLUMNS
    ", person_id TEXT NOT NULL, household_id TEXT NOT NULL, "
    "  office_id TEXT NOT NULL, status TEXT NOT NULL, priority TEXT NOT NULL, vulnerabilities TEXT NOT NULL, "
    "  needs TEXT NOT NULL, consent_given INTEGER NOT NULL, consent_date TEXT NOT NULL, consent_scope TEXT NOT NULL, "
    "  opened_date TEXT NOT NULL, closed_date TEXT NOT NULL);"
    "CREATE TABLE assistance (" CHASQUI_RECORD_COLUMNS
    ", case_id TEXT NOT NULL, date TEXT NOT NULL, "
    "  sector TEXT NOT NULL, type TEXT NOT NULL, quantity REAL NOT NULL, unit TEXT NOT NULL, "
    "  office_id TEXT NOT NULL, staff_id TEXT NOT NULL);"
    "CREATE TABLE referrals (" CHASQUI_RECORD_COLUMNS
    ", case_id TEXT NOT NULL, service_id TEXT NOT NULL, "
    "  reason TEXT NOT NULL, urgency TEXT NOT NULL, consent_to_share INTEGER NOT NULL, status TEXT NOT NULL, "
    "  follow_up_date TEXT NOT NULL, outcome TEXT NOT NULL);"
    "CREATE TABLE referral_status (" CHASQUI_RECORD_COLUMNS
    ", referral_id TEXT NOT NULL, status TEXT NOT NULL, "
    "  date TEXT NOT NULL, staff_id TEXT NOT NULL, comment TEXT NOT NULL);"
    "CREATE TABLE notes (" CHASQUI_RECORD_COLUMNS
    ", case_id TEXT NOT NULL, text TEXT NOT NULL);"
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
    "  device TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL, record_id TEXT NOT NULL, "
    "  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
    // Outbox for sync: one row per write, with the per-field values it set.
    // Pushes go in seq order, so what is still to push is "seq > the
    // acknowledged seq" kept in meta ('outbox_acked_seq'): no per-row flag and
    // no extra index page to rewrite on every write.
    "CREATE TABLE changes (seq INTEGER PRIMARY KEY, change_id TEXT NOT NULL UNIQUE, entity TEXT NOT NULL, "
    "  record_id TEXT NOT NULL, op TEXT NOT NULL, fields TEXT NOT NULL, hlc TEXT NOT NULL, device TEXT NOT NULL, "
    "  author TEXT NOT NULL, created_at INTEGER NOT NULL);"
    "INSERT INTO meta(key, value) VALUES ('outbox_acked_seq', '0');";

// Migration 2: search-as-you-type and duplicate blocking. FTS4 with the
// unicode61 tokenizer (the SQLite of the day had no FTS5; migration 10 moves the index to FTS5); docid = persons.rid.
// The 2- and 3-character prefix indexes make "mar*" a lookup instead of a scan; matchinfo=fts3 skips the per-document
// size table we never rank with (one page less to encrypt on every write). A column for the normalized document number
// lets any document type match.
constexpr std::string_view kShipped2 =
    "CREATE VIRTUAL TABLE person_search USING fts4(words, tokenize=unicode61, prefix=\"2,3\", matchinfo=fts3);"
    "ALTER TABLE persons ADD COLUMN doc_number_norm TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX persons_doc_norm ON persons(doc_number_norm) WHERE doc_number_norm <> '';";

// Migration 3: conflicts kept for a supervisor (a field two devices changed
// concurrently: the losing value is never dropped).
constexpr std::string_view kShipped3 =
    "CREATE TABLE conflicts (" CHASQUI_RECORD_COLUMNS
    ", entity TEXT NOT NULL, record_id TEXT NOT NULL, "
    "  field TEXT NOT NULL, kept_value TEXT NOT NULL, kept_hlc TEXT NOT NULL, kept_device TEXT NOT NULL, "
    "  lost_value TEXT NOT NULL, lost_hlc TEXT NOT NULL, lost_device TEXT NOT NULL, lost_author TEXT NOT NULL, "
    "  resolved INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX conflicts_open ON conflicts(resolved, record_id);";

// Migration 4: what the merge needs (sync/PROTOCOL.md section 3). Per record,
// the clock ("<hlc>@<device>") of its last full write, and per field written
// since, that field's clock and the clock of the value it replaced ("base"),
// as JSON {"field": {"c": clock, "b": base}}. One row per record keeps writes
// cheap. Change records carry the bases of the fields they overwrote.
constexpr std::string_view kShipped4 =
    "CREATE TABLE record_clocks (entity TEXT NOT NULL, record_id TEXT NOT NULL, clock TEXT NOT NULL, "
    "  fields TEXT NOT NULL, PRIMARY KEY (entity, record_id)) WITHOUT ROWID;"
    "ALTER TABLE changes ADD COLUMN base TEXT NOT NULL DEFAULT '{}';"
    "INSERT INTO record_clocks (entity, record_id, clock, fields) "
    "  SELECT entity, record_id, max(hlc || '@' || device), '{}' FROM changes GROUP BY entity, record_id;";

// Migration 5: case codes and staff logins are unique per kiosk but cannot be
// guaranteed unique across kiosks that made them before enrollment (two new
// kiosks both start as device 1; two offices' first admins may share a login).
// A UNIQUE constraint would make sync drop the second record; a plain index
// keeps both and lets search show them side by side. SQLite cannot drop a
// constraint, so the two tables are rebuilt with the same rids (the search
// index refers to persons by rid).
constexpr std::string_view kShipped5 =
    "CREATE TABLE persons_v5 (" CHASQUI_RECORD_COLUMNS
    ", case_code TEXT NOT NULL, given_names TEXT NOT NULL, "
    "  family_name_1 TEXT NOT NULL, family_name_2 TEXT NOT NULL, sex TEXT NOT NULL, gender_identity TEXT NOT NULL, "
    "  birth_date TEXT NOT NULL, birth_date_estimated INTEGER NOT NULL, nationality TEXT NOT NULL, "
    "  doc_type TEXT NOT NULL, doc_number TEXT NOT NULL, phone TEXT NOT NULL, languages TEXT NOT NULL, "
    "  population_type TEXT NOT NULL, migration_status TEXT NOT NULL, arrival_date TEXT NOT NULL, "
    "  disability TEXT NOT NULL, household_id TEXT NOT NULL, relation_to_head TEXT NOT NULL, "
    "  doc_number_norm TEXT NOT NULL DEFAULT '');"
    "INSERT INTO persons_v5 SELECT * FROM persons;"
    "DROP TABLE persons;"
    "ALTER TABLE persons_v5 RENAME TO persons;"
    "CREATE INDEX persons_household ON persons(household_id);"
    "CREATE INDEX persons_doc_norm ON persons(doc_number_norm) WHERE doc_number_norm <> '';"
    "CREATE INDEX persons_case_code ON persons(case_code);"
    "CREATE TABLE staff_v5 (" CHASQUI_RECORD_COLUMNS
    ", login TEXT NOT NULL, name TEXT NOT NULL, "
    "  role TEXT NOT NULL, office_id TEXT NOT NULL, active INTEGER NOT NULL);"
    "INSERT INTO staff_v5 SELECT * FROM staff;"
    "DROP TABLE staff;"
    "ALTER TABLE staff_v5 RENAME TO staff;"
    "CREATE INDEX staff_login ON staff(login);";

// Migration 6: who wrote the value a conflict kept (the server names it since
// protocol columns gained kept_author; older conflicts leave it empty and the
// kiosk falls back to the record's last writer).
constexpr std::string_view kShipped6 = "ALTER TABLE conflicts ADD COLUMN kept_author TEXT NOT NULL DEFAULT '';";

// Migration 7: what a change did to each set field (sync/PROTOCOL.md 3.2).
constexpr std::string_view kShipped7 = "ALTER TABLE changes ADD COLUMN sets TEXT NOT NULL DEFAULT '{}';";

#undef CHASQUI_RECORD_COLUMNS

// Migration 8: drafts of what a staff member was typing, for them alone.
constexpr std::string_view kShipped8 =
    "CREATE TABLE drafts (staff_id TEXT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL, "
    "saved_at INTEGER NOT NULL, PRIMARY KEY (staff_id, kind));";

// Migration 9: the id a person and a household had in an imported registry.
constexpr std::string_view kShipped9 =
    "ALTER TABLE persons ADD COLUMN source_id TEXT NOT NULL DEFAULT '';"
    "CREATE UNIQUE INDEX persons_source_id ON persons(source_id) WHERE source_id <> '';"
    "ALTER TABLE households ADD COLUMN source_id TEXT NOT NULL DEFAULT '';"
    "CREATE UNIQUE INDEX households_source_id ON households(source_id) WHERE source_id <> '';";

// Migration 10: the search index on FTS5 with Spanish sound keys, rebuilt on open.
constexpr std::string_view kShipped10 =
    "DROP TABLE person_search;"
    "CREATE VIRTUAL TABLE person_search USING fts5(words, sounds, tokenize='unicode61', prefix='2 3', "
    "detail=column, columnsize=0);"
    "INSERT INTO meta(key, value) VALUES ('search_index_rebuild', '1') "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value;";

// Migration 11: fewer pages per write (partial household indexes, merge
// clocks keyed by record first, no UNIQUE index on the outbox's change ids).
constexpr std::string_view kShipped11 =
    "DROP INDEX persons_household;"
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

constexpr std::array<std::string_view, 11> kShipped{kShipped1, kShipped2, kShipped3, kShipped4,  kShipped5, kShipped6,
                                                    kShipped7, kShipped8, kShipped9, kShipped10, kShipped11};

// Runs of white space as one space: the hand-written text wrapped its lines
// with extra spaces, which SQLite ignores.
std::string normalized(std::string_view sql) {
    std::string out;
    bool space = false;
    for (const char ch : sql) {
        if (ch == ' ' || ch == '\n' || ch == '\t') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += ch;
    }
    return out;
}

// Every table's and index's definition as SQLite keeps it, normalized.
std::string schemaOf(Db& db) {
    auto stmt = db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name");
    REQUIRE(stmt);
    std::string out;
    for (;;) {
        auto row = stmt->step();
        REQUIRE(row);
        if (!*row) break;
        out += fmt::format("{} {}: {}\n", stmt->text(0), stmt->text(1), normalized(stmt->text(2)));
    }
    stmt->reset();
    return out;
}

}  // namespace

TEST_CASE("each migration's SQL is the SQL it shipped with, up to white space") {
    REQUIRE(latestSchemaVersion() == static_cast<int>(kShipped.size()));
    for (int version = 1; version <= latestSchemaVersion(); ++version) {
        INFO("migration ", version);
        CHECK(normalized(migrationSql(version)) == normalized(kShipped[static_cast<std::size_t>(version - 1)]));
    }
    CHECK(migrationSql(0).empty());
    CHECK(migrationSql(latestSchemaVersion() + 1).empty());
}

TEST_CASE("a store migrated today has the schema the shipped migrations made, at every version") {
    for (int version = 1; version <= latestSchemaVersion(); ++version) {
        INFO("schema ", version);
        auto shipped = Db::open(":memory:", OpenOptions{});
        REQUIRE(shipped);
        for (int v = 1; v <= version; ++v) REQUIRE(shipped->exec(kShipped[static_cast<std::size_t>(v - 1)]));
        auto today = Db::open(":memory:", OpenOptions{});
        REQUIRE(today);
        REQUIRE(migrate(*today, version));
        CHECK(schemaOf(*today) == schemaOf(*shipped));
    }
}
