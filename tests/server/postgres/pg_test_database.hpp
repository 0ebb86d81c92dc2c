#pragma once
// What the PostgreSQL store's tests share: the cluster from
// CHASQUI_TEST_PG_URL (scripts/pg-test-cluster.sh start DIR prints one;
// CTest's pg fixture sets it), a database of its own for each case, created
// beside the one the URL names and dropped at the end (the URL's user must
// be allowed to create databases: the script's is a superuser), and small
// builders of push writes.
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>

#include <fmt/format.h>

#include "sync/server/repository/field_cipher.hpp"
#include "sync/server/repository/postgres/pg_connection.hpp"
#include "sync/server/repository/postgres/pg_repository.hpp"

namespace chasqui::test::pgtest {

using namespace chasqui::sync;

inline std::string baseUrl() {
    const char* url = std::getenv("CHASQUI_TEST_PG_URL");
    return url != nullptr ? url : "";
}

#define SKIP_WITHOUT_POSTGRES()                                                                              \
    if (baseUrl().empty()) {                                                                                 \
        MESSAGE("CHASQUI_TEST_PG_URL is not set: skipped (scripts/pg-test-cluster.sh start DIR gives one)"); \
        return;                                                                                              \
    }

// The URL with another database name.
inline std::string withDatabase(const std::string& url, const std::string& name) {
    const auto query = url.find('?');
    const auto slash = url.rfind('/', query == std::string::npos ? url.size() : query);
    return url.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
}

struct TempDatabase {
    std::string name;
    std::string url;
    TempDatabase() {
        static std::atomic<int> counter{0};
        name = fmt::format("chasqui_t{}_{}", ::getpid(), counter++);
        url = withDatabase(baseUrl(), name);
        auto admin = sync::pg::PgConnection::connect(baseUrl());
        REQUIRE(admin.has_value());
        REQUIRE((*admin)->execScript(fmt::format("CREATE DATABASE {}", name), "creating a test database"));
    }
    ~TempDatabase() {
        auto admin = sync::pg::PgConnection::connect(baseUrl());
        if (admin) (void)(*admin)->execScript(fmt::format("DROP DATABASE {} WITH (FORCE)", name), "dropping");
    }
    TempDatabase(const TempDatabase&) = delete;
    TempDatabase& operator=(const TempDatabase&) = delete;

    std::unique_ptr<sync::pg::PgConnection> connect() const {
        auto conn = sync::pg::PgConnection::connect(url);
        REQUIRE(conn.has_value());
        return std::move(*conn);
    }
    std::string scalar(const std::string& sql) const {
        auto conn = connect();
        auto r = conn->exec(sql, {}, "test query");
        REQUIRE(r.has_value());
        REQUIRE(r->rows() == 1);
        return std::string(r->text(0, 0));
    }
};

inline FieldCipher randomCipher() {
    auto cipher = FieldCipher::fromKey(storage::SecretBytes::random(32));
    REQUIRE(cipher.has_value());
    return std::move(*cipher);
}

inline std::unique_ptr<ServerRepository> openRepo(const std::string& url, const FieldCipher& cipher,
                                                  bool migrate = true) {
    RepositoryConfig config;
    config.databaseUrl = url;
    config.fieldCipher = &cipher;
    auto repo = openPgRepository(config);
    REQUIRE_MESSAGE(repo.has_value(), (repo ? "" : repo.error().message));
    if (migrate) REQUIRE((*repo)->migrate());
    return std::move(*repo);
}

inline std::string json(const std::string& text) {
    return "\"" + text + "\"";
}

inline LogEntry logEntry(const std::string& id, const RecordKey& key, const std::string& payload,
                         const std::string& device = "dev-a", const std::string& office = "TUM") {
    return LogEntry{id, office, device, key, payload, 1000};
}

inline FieldWrite fieldWrite(const RecordKey& key, const std::string& field, const std::string& value) {
    return FieldWrite{key, field, StoredField{value, "0000000000a1-0000@dev-a", "", "staff-1", ""}};
}

// One push of `writes` through a whole transaction.
inline void push(ServerRepository& repo, const PushWrites& writes) {
    std::set<RecordKey> keys;
    for (const auto& e : writes.log) keys.insert(e.key);
    for (const auto& f : writes.fields) keys.insert(f.key);
    auto tx = repo.beginPush();
    REQUIRE(tx.has_value());
    REQUIRE((*tx)->lockRecords({keys.begin(), keys.end()}));
    auto committed = (*tx)->commit(writes);
    REQUIRE_MESSAGE(committed.has_value(), (committed ? "" : committed.error().message));
}

}  // namespace chasqui::test::pgtest
