// The description of the synced entities (storage/records/entity_columns.hpp)
// against the schema a store really has after every migration: a column that
// is in one and not the other fails here.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "storage/db/schema.hpp"
#include "storage/records/entity_columns.hpp"

using namespace chasqui::storage;

namespace {

struct TableColumn {
    std::string name;
    std::string type;
    bool notNull = false;
    std::string defaultValue;  // as SQLite reports it: "0", "''", or empty
};

Db migratedDb(int version = -1) {
    auto db = Db::open(":memory:", OpenOptions{});
    REQUIRE(db);
    REQUIRE(migrate(*db, version));
    return std::move(*db);
}

std::vector<TableColumn> tableColumns(Db& db, std::string_view table) {
    auto stmt = db.prepare(fmt::format("PRAGMA table_info({})", table));
    REQUIRE(stmt);
    std::vector<TableColumn> out;
    for (;;) {
        auto row = stmt->step();
        REQUIRE(row);
        if (!*row) break;
        out.push_back({stmt->text(1), stmt->text(2), stmt->integer(3) != 0, stmt->text(4)});
    }
    stmt->reset();
    return out;
}

std::string typeName(ColumnType type) {
    switch (type) {
        case ColumnType::Text:
            return "TEXT";
        case ColumnType::Integer:
            return "INTEGER";
        case ColumnType::Real:
            return "REAL";
    }
    return "?";
}

// Columns a table holds that are not synced: derived on this kiosk
// (doc_number_norm, migration 2) or kept only here (an imported registry's
// source_id, migration 9), with the migration that added each.
struct LocalColumn {
    TableColumn column;
    int since;
};
const std::map<std::string_view, std::vector<LocalColumn>> kLocalOnly{
    {"persons", {{{"doc_number_norm", "TEXT", true, "''"}, 2}, {{"source_id", "TEXT", true, "''"}, 9}}},
    {"households", {{{"source_id", "TEXT", true, "''"}, 9}}},
};

const std::vector<TableColumn> kRecordColumns{
    {"rid", "INTEGER", false, ""},       {"id", "TEXT", true, ""},     {"created_at", "INTEGER", true, ""},
    {"updated_at", "INTEGER", true, ""}, {"author", "TEXT", true, ""}, {"device", "TEXT", true, ""},
    {"deleted", "INTEGER", true, "0"},
};

// What the description says `spec.table` holds at schema `version`.
std::vector<TableColumn> describedColumns(const EntitySpec& spec, int version) {
    std::vector<TableColumn> out = kRecordColumns;
    for (const ColumnSpec& c : spec.columns) {
        if (c.since > version) continue;
        out.push_back({std::string(c.name), typeName(c.type), c.notNull, std::string(c.defaultValue)});
    }
    if (auto local = kLocalOnly.find(spec.table); local != kLocalOnly.end()) {
        for (const LocalColumn& c : local->second)
            if (version >= c.since) out.push_back(c.column);
    }
    return out;
}

void checkSame(const std::vector<TableColumn>& described, const std::vector<TableColumn>& actual,
               std::string_view table, int version) {
    INFO("table ", table, " at schema ", version);
    for (std::size_t i = 0; i < std::max(described.size(), actual.size()); ++i) {
        const std::string want = i < described.size() ? described[i].name : "(nothing)";
        const std::string have = i < actual.size() ? actual[i].name : "(nothing)";
        INFO("column ", i, ": described ", want, ", in the table ", have);
        REQUIRE(want == have);
        CHECK(described[i].type == actual[i].type);
        CHECK(described[i].notNull == actual[i].notNull);
        CHECK(described[i].defaultValue == actual[i].defaultValue);
    }
}

}  // namespace

TEST_CASE("each synced table holds exactly the described columns, in order, after every migration") {
    for (int version = 1; version <= latestSchemaVersion(); ++version) {
        Db db = migratedDb(version);
        for (const EntitySpec& spec : syncedEntities()) {
            if (spec.since > version) continue;
            checkSame(describedColumns(spec, version), tableColumns(db, spec.table), spec.table, version);
        }
    }
}

TEST_CASE("every table with the record columns is a described entity, and every description names a table") {
    Db db = migratedDb();
    auto stmt = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    REQUIRE(stmt);
    std::set<std::string> recordTables;
    std::vector<std::string> tables;
    for (;;) {
        auto row = stmt->step();
        REQUIRE(row);
        if (!*row) break;
        tables.push_back(stmt->text(0));
    }
    stmt->reset();
    for (const auto& table : tables) {
        const auto columns = tableColumns(db, table);
        if (columns.size() >= 2 && columns[0].name == "rid" && columns[1].name == "id") recordTables.insert(table);
    }
    std::set<std::string> described;
    for (const EntitySpec& spec : syncedEntities()) {
        described.insert(std::string(spec.table));
        CHECK(spec.idColumn == "id");
        CHECK(findEntity(spec.entity) == &spec);
        CHECK(tableOf(spec.entity) == spec.table);
        CHECK(spec.since >= 1);
        CHECK(spec.since <= latestSchemaVersion());
        for (const ColumnSpec& c : spec.columns) {
            INFO(spec.entity, ".", c.name);
            CHECK(c.since >= spec.since);
            CHECK(c.since <= latestSchemaVersion());
            CHECK((c.type == ColumnType::Text) == (c.maxBytes > 0));
        }
    }
    CHECK(recordTables == described);
    CHECK(tableOf("no_such_entity").empty());
    CHECK(findEntity("no_such_entity") == nullptr);
    CHECK(columnDefinition(deletedColumn()) == "deleted INTEGER NOT NULL DEFAULT 0");
}
