#pragma once
// Numbered schema migrations of the personal-data store. The database's
// PRAGMA user_version holds the number of the last migration applied; opening
// a store applies the missing ones in order, each in its own transaction.
#include "storage/error.hpp"
#include "storage/sqlite_db.hpp"

namespace chasqui::storage {

int latestSchemaVersion();
// Applies migrations (current, target]; target defaults to the latest. Tests
// use a lower target to build databases of earlier versions. Returns the
// version the database had before, so callers can backfill derived data.
Result<int> migrate(Db& db, int target = -1);
Result<int> schemaVersion(Db& db);

}  // namespace chasqui::storage
