#pragma once
// Which store the server suites run against. Without CHASQUI_TEST_PG_URL:
// the embedded store in each test's data directory. With it (CI starts a
// throwaway PostgreSQL cluster: scripts/pg-test-cluster.sh): a schema of
// its own in that database for each data directory, so every test starts
// from an empty store as it does embedded, and the same tests run on both.
#include <filesystem>
#include <string>
#include <vector>

#include "storage/base/sqlite_db.hpp"
#include "sync/server/core/server_core.hpp"

namespace chasqui::test {

// "postgresql" when the suites run against PostgreSQL, else "sqlcipher".
std::string testBackend();

// The --database URL for a server whose data directory is `dataDir` (the
// schema created on first use); empty for the embedded store.
std::string testDatabaseFor(const std::filesystem::path& dataDir);

sync::ServerLocation serverLocationFor(const std::filesystem::path& dataDir);

// PostgreSQL only: the schema of `dataDir`'s server, the cluster's URL (no
// schema), and a new empty database `name` in the cluster (its URL).
std::string testSchemaFor(const std::filesystem::path& dataDir);
std::string testClusterUrl();
std::string createTestDatabase(const std::string& name);
// `url` with every connection starting in `schema`.
std::string inSchema(const std::string& url, const std::string& schema);

// The embedded store of `dataDir` opened with its key file, as a test that
// sets a store's state by hand needs it. Throws when it does not open.
storage::Db openEmbeddedServerDb(const std::filesystem::path& dataDir);

// The environment a chasqui-server child needs for `args` ("--data DIR"
// among them): CHASQUI_DATABASE_URL, or nothing for the embedded store.
std::vector<std::string> serverEnvironmentFor(const std::vector<std::string>& args);

}  // namespace chasqui::test
