// openRepository: the database URL chooses the store.
#include <fmt/format.h>

#include "sync/server/repository/postgres/pg_repository.hpp"
#include "sync/server/repository/server_repository.hpp"
#include "sync/server/repository/sqlcipher_repository.hpp"

namespace chasqui::sync {

SyncResult<std::unique_ptr<ServerRepository>> openRepository(const RepositoryConfig& config) {
    if (config.databaseUrl.empty()) return openSqlcipherRepository(config);
    if (config.databaseUrl.starts_with("postgresql://") || config.databaseUrl.starts_with("postgres://"))
        return openPgRepository(config);
    return syncFail(SyncErrorCode::BadRequest,
                    "--database must be a postgresql:// URL (or be left out for the embedded store)");
}

}  // namespace chasqui::sync
