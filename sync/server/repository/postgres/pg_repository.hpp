#pragma once
// The PostgreSQL store behind ServerRepository (--database postgresql://...).
// Several chasqui-server processes may share one database: record locks,
// enrollment numbers, log positions and migrations are coordinated by
// PostgreSQL's advisory locks, never by a mutex of one process.
//
// Personal fields (personal_fields.hpp) are sealed with the server's
// FieldCipher before they are sent, and the change log's and the
// quarantine's payloads are sealed whole: a pg_dump holds no name, document
// number, phone or note. A value that does not open (another key, a value
// moved to another row) is Internal, never garbage.
//
// Threading: every method from any thread; a pool of kPoolSize connections
// serves them, and a call waits up to 30 s for a free one (then Busy). A
// transaction holds its connection until it ends: a thread that holds one
// must not call the repository's other methods meanwhile (with every
// connection held that way, they would wait for each other). Transactions
// must end before the repository; the FieldCipher given at open must outlive it.
#include <memory>

#include "sync/server/repository/field_cipher.hpp"
#include "sync/server/repository/postgres/pg_connection.hpp"
#include "sync/server/repository/server_repository.hpp"

namespace chasqui::sync {

class PgRepository final : public ServerRepository {
public:
    // Connections per process: enough for the HTTP workers, and three
    // processes stay well below PostgreSQL's default max_connections (100).
    static constexpr std::size_t kPoolSize = 16;

    PgRepository(std::unique_ptr<pg::PgPool> pool, const FieldCipher& cipher)
        : m_pool(std::move(pool)), m_cipher(cipher) {}

    std::string_view backend() const override { return "postgresql"; }
    SyncResult<SchemaVersion> schema() override;
    SyncResult<void> migrate() override;
    SyncResult<std::string> setting(const std::string& key, const std::string& fallback) override;
    SyncResult<void> replaceSetting(const std::string& key, const std::string& value) override;
    SyncResult<void> addEnrollCode(const std::string& codeHash, const std::string& office,
                                   std::int64_t expiresAt) override;
    SyncResult<std::unique_ptr<EnrollTransaction>> beginEnrollment() override;
    SyncResult<std::optional<DeviceInfo>> deviceByToken(const std::string& tokenHash) override;
    SyncResult<void> markSeen(const std::string& deviceId, std::int64_t at) override;
    SyncResult<std::vector<DeviceInfo>> devices() override;
    SyncResult<bool> revoke(const std::string& deviceId) override;
    SyncResult<std::unique_ptr<PushTransaction>> beginPush() override;
    SyncResult<LogPage> changesFor(const std::string& office, const std::string& excludeDevice, std::int64_t after,
                                   std::size_t limit, std::size_t maxBytes) override;
    SyncResult<void> publishCatalog(const std::string& version, const std::string& body, std::int64_t at) override;
    SyncResult<std::optional<std::pair<std::string, std::string>>> catalog() override;
    SyncResult<StoreCounts> counts() override;
    SyncResult<void> backup(const std::filesystem::path& to) override;

private:
    std::unique_ptr<pg::PgPool> m_pool;
    const FieldCipher& m_cipher;
};

// Connects (checking the URL and credentials) without migrating. Internal,
// saying what to check, when the database cannot be reached or no field
// cipher was given.
SyncResult<std::unique_ptr<ServerRepository>> openPgRepository(const RepositoryConfig& config);

}  // namespace chasqui::sync
