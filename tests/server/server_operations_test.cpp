// The operations commands of the real chasqui-server: status (and
// GET /v1/admin/status), backup while serving, restore into a new directory,
// and migrate (including a store written by a newer server).
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "storage/base/sqlite_db.hpp"
#include "tests/server/server_harness.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/test_store.hpp"

namespace chasqui::test {

namespace fs = std::filesystem;

namespace {

std::vector<sync::ChangeRecord> persons(const Device& device, const std::vector<std::string>& names) {
    std::vector<sync::ChangeRecord> out;
    for (const auto& name : names) out.push_back(personPut(device, name));
    return out;
}

void copyKeys(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    for (const char* name : {"server.db.key", "server.box", "server.fields.key", "admin.token"})
        if (fs::exists(from / name)) fs::copy_file(from / name, to / name, fs::copy_options::overwrite_existing);
}

std::vector<std::string> givenNames(const std::vector<nlohmann::json>& changes) {
    std::vector<std::string> out;
    for (const auto& c : changes)
        if (c["entity"] == "person") out.push_back(c["fields"]["given_names"].get<std::string>());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("status names the devices, their last contact and the counts of each office") {
    TempDir dir;
    ServerProcess server(dir.path());
    auto client = server.client();
    const Device tum = enrollDevice(client, dir.path(), "TUM");
    const Device lim = enrollDevice(client, dir.path(), "LIM");
    REQUIRE(push(client, tum, sealBatch(persons(tum, {"Rosa", "Ana"}), serverPublicKey(client))).applied() == 2);
    REQUIRE(pull(client, lim).status == 200);
    // A change of another device is quarantined: counted for the sender's office.
    auto foreign = personPut(lim, "Eva");
    REQUIRE(push(client, tum, sealBatch(std::vector<sync::ChangeRecord>{foreign}, serverPublicKey(client)))
                .codes()
                .size() == 1);

    const auto shown = runServer({"status", "--data", dir.path().string(), "--json"});
    REQUIRE_MESSAGE(shown.exitCode == 0, describe(shown));
    const auto s = nlohmann::json::parse(shown.out);
    CHECK(s["backend"] == testBackend());
    CHECK(s["schema"]["current"] == s["schema"]["latest"]);
    CHECK(s["changes"] == 2);
    CHECK(s["quarantined"] == 1);
    CHECK(s["database_bytes"].get<std::int64_t>() > 0);
    std::map<std::string, nlohmann::json> offices;
    for (const auto& o : s["offices"]) offices[o["office"].get<std::string>()] = o;
    REQUIRE(offices.count("TUM") == 1);
    CHECK(offices["TUM"]["persons"] == 2);
    CHECK(offices["TUM"]["devices"] == 1);
    CHECK(offices["TUM"]["quarantined"] == 1);
    CHECK(offices["LIM"]["persons"] == 0);
    REQUIRE(s["device_list"].size() == 2);
    for (const auto& d : s["device_list"]) {
        CHECK(d["state"] == "active");
        CHECK(d["last_seen_at_ms"].get<std::int64_t>() > 0);  // both spoke to the server
    }
    // The same document over HTTP, and words for people on the terminal.
    const auto api = adminStatus(client, adminToken(dir.path()));
    CHECK(api["offices"] == s["offices"]);
    const auto text = runServer({"status", "--data", dir.path().string()});
    REQUIRE(text.exitCode == 0);
    CHECK(has(text.out, "TUM"));
    CHECK(has(text.out, tum.id));
    CHECK_FALSE(has(text.out + shown.out, "Rosa"));  // counts and ids, never names
}

TEST_CASE("a backup taken while serving restores into a new directory, and kiosks pull again from the start") {
    TempDir dir;
    if (testBackend() != "sqlcipher") {
        // PostgreSQL is backed up with its own tools: the next test.
        const auto refused = runServer({"backup", "--data", dir.path().string(), "--to", (dir.path() / "b").string()});
        CHECK(refused.exitCode == 1);
        CHECK(has(refused.err, "pg_dump"));
        return;
    }
    TempDir restored;
    const fs::path file = dir.path() / "backups" / "server-backup.db";
    fs::create_directories(file.parent_path());
    std::string oldCursor;
    Device reader;
    {
        ServerProcess server(dir.path() / "data");
        auto client = server.client();
        const Device tum = enrollDevice(client, dir.path() / "data", "TUM");
        reader = enrollDevice(client, dir.path() / "data", "TUM");
        const std::string key = serverPublicKey(client);
        REQUIRE(push(client, tum, sealBatch(persons(tum, {"Rosa", "Ana", "Luz"}), key)).applied() == 3);

        const auto made = runServer({"backup", "--data", (dir.path() / "data").string(), "--to", file.string()});
        REQUIRE_MESSAGE(made.exitCode == 0, describe(made));
        struct stat st {};
        REQUIRE(::stat(file.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
        const std::string bytes = readBytes(file);
        CHECK_FALSE(has(bytes, "Rosa"));  // encrypted like the store
        CHECK_FALSE(has(bytes, "SQLite format"));
        // Never over an existing file.
        const auto again = runServer({"backup", "--data", (dir.path() / "data").string(), "--to", file.string()});
        CHECK(again.exitCode == 5);
        CHECK(has(again.err, "already exists"));
        CHECK(readBytes(file) == bytes);

        // After the backup: lost by a restore, as the README says.
        REQUIRE(push(client, tum, sealBatch(persons(tum, {"Zoe"}), key)).applied() == 1);
        const auto page = pull(client, reader);
        REQUIRE(page.status == 200);
        CHECK(givenNames(page.changes) == std::vector<std::string>{"Ana", "Luz", "Rosa", "Zoe"});
        oldCursor = page.nextCursor;
        copyKeys(dir.path() / "data", restored.path());
    }
    const auto restore = runServer({"restore", "--data", restored.path().string(), "--from", file.string()});
    REQUIRE_MESSAGE(restore.exitCode == 0, describe(restore));
    CHECK(has(restore.out, "3 changes"));

    ServerProcess server(restored.path());
    auto client = server.client();
    const auto status = adminStatus(client, adminToken(restored.path()));
    CHECK(status["changes"] == 3);
    CHECK(status["devices"] == 2);
    // The restored log's positions may repeat: an old cursor is refused...
    auto stale = pull(client, reader, oldCursor);
    CHECK(stale.errorCode == "cursor_expired");
    // ...and from the start the kiosk gets what the backup held.
    auto fresh = pull(client, reader);
    REQUIRE(fresh.status == 200);
    CHECK(givenNames(fresh.changes) == std::vector<std::string>{"Ana", "Luz", "Rosa"});
}

TEST_CASE("a pg_dump restored into a new database serves with the same keys, and kiosks pull again from the start") {
    if (testBackend() != "postgresql") {
        MESSAGE("PostgreSQL only (the embedded store's backup has the test above)");
        return;
    }
    TempDir dir;
    const fs::path data = dir.path() / "data";
    const fs::path dump = dir.path() / "chasqui.dump";
    const fs::path restored = dir.path() / "restored";
    std::string oldCursor;
    Device reader;
    {
        ServerProcess server(data);
        auto client = server.client();
        const Device tum = enrollDevice(client, data, "TUM");
        reader = enrollDevice(client, data, "TUM");
        const std::string key = serverPublicKey(client);
        REQUIRE(push(client, tum, sealBatch(persons(tum, {"Rosa", "Ana", "Luz"}), key)).applied() == 3);
        const std::string command =
            fmt::format("/usr/lib/postgresql/15/bin/pg_dump --format=custom --schema={} --file={} '{}'",
                        testSchemaFor(data), dump.string(), testClusterUrl());
        REQUIRE(std::system(command.c_str()) == 0);
        CHECK_FALSE(has(readBytes(dump), "Rosa"));  // names are sealed with the field key
        REQUIRE(push(client, tum, sealBatch(persons(tum, {"Zoe"}), key)).applied() == 1);
        const auto page = pull(client, reader);
        REQUIRE(page.status == 200);
        oldCursor = page.nextCursor;
        copyKeys(data, restored);
    }
    const std::string database = fmt::format("restored_{}", ::getpid());
    const std::string target = createTestDatabase(database);
    REQUIRE(std::system(
                fmt::format("/usr/lib/postgresql/15/bin/pg_restore --dbname='{}' {}", target, dump.string()).c_str()) ==
            0);
    const std::string url = inSchema(target, testSchemaFor(data));
    const auto restore = runServer({"restore", "--data", restored.string(), "--database", url});
    REQUIRE_MESSAGE(restore.exitCode == 0, describe(restore));
    CHECK(has(restore.out, "3 changes"));
    ServerProcess server(restored, {"--database", url});
    auto client = server.client();
    CHECK(adminStatus(client, adminToken(restored))["changes"] == 3);
    CHECK(pull(client, reader, oldCursor).errorCode == "cursor_expired");
    auto fresh = pull(client, reader);
    REQUIRE(fresh.status == 200);
    CHECK(givenNames(fresh.changes) == std::vector<std::string>{"Ana", "Luz", "Rosa"});
}

TEST_CASE("migrate brings a store to this version, and a store of a newer server is refused, unchanged") {
    TempDir dir;
    if (testBackend() != "sqlcipher") {
        MESSAGE("the PostgreSQL schema's versions are tested in pg_repository_test");
        return;
    }
    const auto first = runServer({"migrate", "--data", dir.path().string()});
    REQUIRE_MESSAGE(first.exitCode == 0, describe(first));
    CHECK(has(first.out, "from schema 0 to"));
    const auto second = runServer({"migrate", "--data", dir.path().string()});
    REQUIRE(second.exitCode == 0);
    CHECK(has(second.out, "nothing to do"));
    REQUIRE(openEmbeddedServerDb(dir.path()).exec("PRAGMA user_version = 99").has_value());
    const auto newer = runServer({"migrate", "--data", dir.path().string()});
    CHECK(newer.exitCode == 1);
    CHECK(has(newer.err, "newer chasqui-server"));
    const auto status = runServer({"status", "--data", dir.path().string()});
    CHECK(status.exitCode == 1);
    CHECK(has(status.err, "update this program"));
    CHECK_THROWS_WITH_AS(ServerProcess(dir.path()), doctest::Contains("newer chasqui-server"), std::runtime_error);
}

}  // namespace chasqui::test
