#include "tests/support/test_database.hpp"

#include "tests/support/test_store.hpp"

#include <libpq-fe.h>
#include <sodium.h>

#include <array>
#include <cstdlib>
#include <mutex>
#include <set>
#include <stdexcept>

namespace chasqui::test {

namespace fs = std::filesystem;

namespace {

std::string baseUrl() {
    const char* url = std::getenv("CHASQUI_TEST_PG_URL");
    return url == nullptr ? std::string() : std::string(url);
}

std::string schemaName(const fs::path& dataDir) {
    const std::string path = fs::absolute(dataDir).lexically_normal().string();
    std::array<unsigned char, 8> digest{};
    crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(path.data()), path.size(),
                       nullptr, 0);
    std::array<char, 17> hex{};
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    return "t_" + std::string(hex.data(), 16);
}

void execute(const std::string& url, const std::string& sql) {
    PGconn* conn = PQconnectdb(url.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
        const std::string why = PQerrorMessage(conn);
        PQfinish(conn);
        throw std::runtime_error("cannot reach the test database (CHASQUI_TEST_PG_URL): " + why);
    }
    PGresult* r = PQexec(conn, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    const std::string why = PQerrorMessage(conn);
    PQclear(r);
    PQfinish(conn);
    if (!ok) throw std::runtime_error("test database: " + sql + ": " + why);
}

void createSchema(const std::string& url, const std::string& schema) {
    static std::mutex mutex;
    static std::set<std::string> made;
    std::lock_guard lock(mutex);
    if (made.contains(schema)) return;
    execute(url, "CREATE SCHEMA IF NOT EXISTS " + schema);
    made.insert(schema);
}

}  // namespace

std::string testBackend() {
    return baseUrl().empty() ? "sqlcipher" : "postgresql";
}

std::string testDatabaseFor(const fs::path& dataDir) {
    const std::string url = baseUrl();
    if (url.empty()) return {};
    const std::string schema = schemaName(dataDir);
    createSchema(url, schema);
    return inSchema(url, schema);
}

std::string inSchema(const std::string& url, const std::string& schema) {
    // libpq's `options`: every connection of that server starts in its schema.
    return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

std::string testSchemaFor(const fs::path& dataDir) {
    return schemaName(dataDir);
}

std::string testClusterUrl() {
    return baseUrl();
}

std::string createTestDatabase(const std::string& name) {
    const std::string url = baseUrl();
    execute(url, "CREATE DATABASE " + name);
    const auto query = url.find('?');
    const auto slash = url.rfind('/', query == std::string::npos ? url.size() : query);
    return url.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
}

sync::ServerLocation serverLocationFor(const fs::path& dataDir) {
    return {dataDir, testDatabaseFor(dataDir)};
}

storage::Db openEmbeddedServerDb(const fs::path& dataDir) {
    const std::string keyBytes = readBytes(dataDir / "server.db.key");
    if (keyBytes.size() != 32) throw std::runtime_error("server.db.key is not 32 bytes");
    storage::SecretBytes key(32);
    std::copy(keyBytes.begin(), keyBytes.end(), key.data());
    storage::OpenOptions options;
    options.rawKey = &key;
    auto db = storage::Db::open((dataDir / "server.db").string(), options);
    if (!db) throw std::runtime_error("server.db does not open: " + db.error().message);
    return std::move(*db);
}

std::vector<std::string> serverEnvironmentFor(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] != "--data") continue;
        const std::string url = testDatabaseFor(args[i + 1]);
        if (url.empty()) return {};
        return {"CHASQUI_DATABASE_URL=" + url};
    }
    return {};
}

}  // namespace chasqui::test
