#pragma once
// The one description of each synced entity: its wire name, its table, its id
// column and every column a change record may set, with its type, whether it
// may be NULL, the longest text a change may carry, and the schema migration
// that added it. The schema's CREATE TABLE statements (storage/db/schema.cpp),
// the change codec (sync/protocol/change_codec.cpp), the applier of pulled changes and
// the RecordWriter all read this table, so a synced column is written down
// here once. tests/storage/entity_columns_test.cpp and
// tests/sync/entity_columns_agree_test.cpp fail when the schema or the codec
// disagree with it.
// Plain constant data: any thread may read it.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace chasqui::storage {

enum class ColumnType { Text, Integer, Real };

struct ColumnSpec {
    std::string_view name;
    ColumnType type;
    std::size_t maxBytes;                // text: the longest value a change may carry; 0 for numbers
    int since = 1;                       // the schema migration that added the column
    std::string_view defaultValue = {};  // SQL literal of its DEFAULT clause; empty for none
    bool notNull = true;                 // every synced column is NOT NULL today
};

struct EntitySpec {
    std::string_view entity;              // name in change records: "person"
    std::string_view table;               // "persons"
    std::string_view idColumn;            // the record's UUID: "id" for every entity
    std::span<const ColumnSpec> columns;  // synced columns in table order, after the record columns
    bool appendOnly;                      // created once, never changed (assistance, notes...)
    int since;                            // the schema migration that created the table
};

// Columns every synced table starts with (sync/PROTOCOL.md section 4), as SQL.
// Of them a change may set only "deleted" (tombstones): see deletedColumn().
std::string_view recordColumnsSql();
const ColumnSpec& deletedColumn();

// Every synced entity, in the order their tables were created.
std::span<const EntitySpec> syncedEntities();
// The entity with this wire name, or nullptr.
const EntitySpec* findEntity(std::string_view entity);
// Table of a synced entity ("person" -> "persons"), or empty for an unknown one.
std::string_view tableOf(std::string_view entity);

// The column's declaration in CREATE TABLE: "name TEXT NOT NULL DEFAULT ''".
std::string columnDefinition(const ColumnSpec& column);

}  // namespace chasqui::storage
