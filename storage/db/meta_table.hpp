#pragma once
// The personal-data store's `meta` table: small named values of this device
// (device id and number, case sequence, sync positions and keys).
#include <string>

#include "storage/base/error.hpp"
#include "storage/base/sqlite_db.hpp"

namespace chasqui::storage {

// Empty string when the key is absent.
Result<std::string> readMeta(Db& db, const std::string& key);
// Inside the caller's transaction.
Result<void> writeMeta(Db& db, const std::string& key, const std::string& value);

}  // namespace chasqui::storage
