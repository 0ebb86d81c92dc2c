#pragma once
// Numbered schema migrations of the personal-data store. The database's
// PRAGMA user_version holds the number of the last migration applied; opening
// a store applies the missing ones in order, each in its own transaction.
#include <string>

#include "storage/base/error.hpp"
#include "storage/base/sqlite_db.hpp"

namespace chasqui::storage {

int latestSchemaVersion();
// The SQL of migration `version` (1..latest), or empty. The CREATE TABLE of
// each synced entity is made from its description
// (storage/records/entity_columns.hpp) as that migration knew it; tests
// compare the result with the text the migrations shipped with.
std::string migrationSql(int version);
// Applies migrations (current, target]; target defaults to the latest. Tests
// use a lower target to build databases of earlier versions. Returns the
// version the database had before, so callers can backfill derived data.
Result<int> migrate(Db& db, int target = -1);
Result<int> schemaVersion(Db& db);

}  // namespace chasqui::storage
