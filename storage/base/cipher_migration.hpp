#pragma once
// Stores written by SQLCipher 3 (Chasqui before it moved to SQLCipher 4.6: 4 KiB
// cipher pages, HMAC-SHA1, PBKDF2-SHA1 for the page MAC key) are rewritten once,
// on their first open, in SQLCipher 4's format (storage/SECURITY.md).
//
// Crash safety: the old file is never written to. Its WAL is checkpointed into
// it, the whole store is exported into `<store>.sqlcipher4` next to it, that
// file is fsynced and renamed over the old one (one atomic step), then the
// directory is fsynced. A kill at any point leaves the old store (and a stale
// export, removed on the next try) or the new one. An exclusive flock on the
// store file keeps two processes from migrating at once.
#include <filesystem>

#include "storage/base/error.hpp"
#include "storage/base/secret.hpp"

namespace chasqui::storage {

// True when `path` was a SQLCipher 3 store opened by `key` and is now in
// SQLCipher 4's format (or another process had just migrated it); false when
// it is not a SQLCipher 3 store this key opens (a wrong key, a damaged file):
// the file is left untouched and the caller reports its own error.
Result<bool> migrateFromSqlcipher3(const std::filesystem::path& path, const SecretBytes& key);

// Test hook: when CHASQUI_TEST_MIGRATION_KILL_AT names one of these steps, the
// migrating process kills itself there with SIGKILL (tests/crash). Unset in use.
inline constexpr const char* kMigrationSteps[] = {"checkpointed", "exported", "synced", "renamed"};

}  // namespace chasqui::storage
