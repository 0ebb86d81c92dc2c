// The embedded server store's numbered migrations: a store left at any
// earlier version opens, comes up to the latest, and serves (a push and a
// pull); the PostgreSQL list has its own test (tests/server/pg_repository_test.cpp).
#include <doctest/doctest.h>

#include <fmt/core.h>

#include "storage/base/clock.hpp"
#include "storage/base/sqlite_db.hpp"
#include "sync/server/core/server_core.hpp"
#include "sync/server/repository/sqlcipher_repository.hpp"
#include "tests/server/server_harness.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/test_store.hpp"

namespace chasqui::test {

namespace fs = std::filesystem;

TEST_CASE("a server store at every earlier schema version migrates to the latest and serves") {
    storage::SystemClock clock;
    for (int version = 0; version < sync::latestEmbeddedSchema(); ++version) {
        CAPTURE(version);
        TempDir dir;
        {
            // The key files of a server, then server.db at `version` (0: the
            // first tables, without numbering).
            REQUIRE(sync::ServerCore::open(dir.path(), clock).has_value());
            for (const char* name : {"server.db", "server.db-wal", "server.db-shm"}) fs::remove(dir.path() / name);
            storage::Db db = openEmbeddedServerDb(dir.path());
            REQUIRE(sync::migrateEmbeddedSchema(db, std::max(version, 1)).has_value());
            REQUIRE(db.exec(fmt::format("PRAGMA user_version = {}", version)).has_value());
        }
        auto server = sync::ServerCore::open(dir.path(), clock);
        REQUIRE_MESSAGE(server.has_value(), (server ? std::string() : server.error().message));
        auto schema = (*server)->repository().schema();
        REQUIRE(schema.has_value());
        CHECK(schema->current == sync::latestEmbeddedSchema());

        auto code = (*server)->issueEnrollCode("TUM");
        REQUIRE(code.has_value());
        auto box = sync::BoxKeyPair::generate();
        auto signing = sync::SigningKeyPair::generate();
        const std::string deviceId = newId();
        auto enrolled = (*server)->enroll(*code, deviceId, sync::DevicePublicKeys{box.publicKey, signing.publicKey});
        REQUIRE(enrolled.has_value());
        auto device = (*server)->authenticate(enrolled->token);
        REQUIRE(device.has_value());
        Device d;
        d.id = deviceId;
        d.office = "TUM";
        const auto change = sync::encodeChange(personPut(d, "Rosa"));
        auto pushed = (*server)->push(*device, {change});
        REQUIRE(pushed.has_value());
        CHECK(pushed->applied == 1);
        // Sent again: found by its logged payload (migration 4 dropped the hashes).
        auto again = (*server)->push(*device, {change});
        REQUIRE(again.has_value());
        CHECK(again->duplicates == 1);
        CHECK(again->applied == 0);
        auto status = (*server)->status();
        REQUIRE(status.has_value());
        CHECK(status->counts.changes == 1);
    }
}

}  // namespace chasqui::test
