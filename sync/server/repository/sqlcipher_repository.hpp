#pragma once
// The embedded store: one SQLCipher database, DATA/server.db, keyed with the
// raw key in DATA/server.db.key. The default backend: no setup, one process.
//
// Writes (enrollment, pushes, revocations, the catalog, last-seen times) take
// turns on the one write connection: a push transaction holds it from
// beginPush() until it ends, so lockRecords() has nothing left to do, and
// log positions (rowids) are handed out in commit order by construction.
// Reads (authentication, pulls, counts) run on pooled read connections,
// concurrently with each other and with a write; each read sees the last
// committed state when it starts (WAL snapshots).
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/base/sqlite_db.hpp"
#include "sync/server/repository/server_repository.hpp"

namespace chasqui::sync {

SyncResult<std::unique_ptr<ServerRepository>> openSqlcipherRepository(const RepositoryConfig& config);

// The embedded schema's numbered migrations (PRAGMA user_version; 0 is a
// store from before the numbering, whose tables are migration 1's). Brings
// `db` to `target` (-1: the latest); Damaged when written by a newer server.
storage::Result<void> migrateEmbeddedSchema(storage::Db& db, int target = -1);
int latestEmbeddedSchema();

}  // namespace chasqui::sync
