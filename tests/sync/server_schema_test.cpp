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

TEST_CASE("migration 5 moves every record's fields and office into one row each, unchanged") {
    storage::SystemClock clock;
    TempDir dir;
    {
        REQUIRE(sync::ServerCore::open(dir.path(), clock).has_value());
        for (const char* name : {"server.db", "server.db-wal", "server.db-shm"}) fs::remove(dir.path() / name);
        storage::Db db = openEmbeddedServerDb(dir.path());
        REQUIRE(sync::migrateEmbeddedSchema(db, 4).has_value());
        // Rows as a schema-4 server wrote them, out of order; a set field with
        // its element clocks; a record with fields but no office row; an
        // office row without fields.
        REQUIRE(db.exec("INSERT INTO record_office VALUES ('person', 'p-1', 'TUM'), ('case', 'c-1', 'PUN'), "
                        "('person', 'p-3', 'TUM');"
                        "INSERT INTO field_state VALUES "
                        "('person', 'p-1', 'given_name', '\"Rosa\"', '0002@d1', '0001@d1', 'luis', ''), "
                        "('case', 'c-1', 'needs', '\"food,shelter\"', '0005@d2', '', 'ana', '{\"food\":[5,0]}'), "
                        "('person', 'p-1', 'doc_number', '\"X 1\"', '0001@d1', '', 'luis', ''), "
                        "('person', 'p-2', 'phone', '\"555\"', '0003@d1', '', 'luis', '');")
                    .has_value());
    }
    auto server = sync::ServerCore::open(dir.path(), clock);
    REQUIRE_MESSAGE(server.has_value(), (server ? std::string() : server.error().message));
    auto& repo = (*server)->repository();
    {
        auto tx = repo.beginPush();
        REQUIRE(tx.has_value());
        auto records = (*tx)->records(
            {{"case", "c-1"}, {"person", "p-1"}, {"person", "p-2"}, {"person", "p-3"}, {"person", "p-4"}});
        REQUIRE(records.has_value());
        REQUIRE(records->size() == 4);  // p-4 was never seen
        const auto& p1 = records->at({"person", "p-1"});
        CHECK(p1.office == "TUM");
        REQUIRE(p1.fields.size() == 2);
        CHECK(p1.fields.at("given_name") == sync::StoredField{"\"Rosa\"", "0002@d1", "0001@d1", "luis", ""});
        CHECK(p1.fields.at("doc_number") == sync::StoredField{"\"X 1\"", "0001@d1", "", "luis", ""});
        const auto& c1 = records->at({"case", "c-1"});
        CHECK(c1.office == "PUN");
        CHECK(c1.fields.at("needs") == sync::StoredField{"\"food,shelter\"", "0005@d2", "", "ana", "{\"food\":[5,0]}"});
        CHECK(records->at({"person", "p-2"}).office.empty());
        CHECK(records->at({"person", "p-2"}).fields.at("phone").value == "\"555\"");
        CHECK(records->at({"person", "p-3"}).office == "TUM");
        CHECK(records->at({"person", "p-3"}).fields.empty());
    }
    auto status = (*server)->status();
    REQUIRE(status.has_value());
    REQUIRE(status->counts.offices.size() == 2);
    CHECK(status->counts.offices[0].office == "PUN");
    CHECK(status->counts.offices[0].cases == 1);
    CHECK(status->counts.offices[1].office == "TUM");
    CHECK(status->counts.offices[1].persons == 2);
    storage::Db db = openEmbeddedServerDb(dir.path());
    CHECK(*db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name IN ('field_state', 'record_office')") == 0);
}

}  // namespace chasqui::test
