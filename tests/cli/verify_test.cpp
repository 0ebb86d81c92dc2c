// `chasqui verify` as a supervisor runs it: a kiosk that pulled records from the
// server verifies clean; a record added behind the store's back, a flipped byte
// in the database each exit 4 (missing and foreign files: damaged_files_test.cpp).
#include <doctest/doctest.h>

#include <fstream>

#include <fmt/core.h>

#include "storage/base/sqlite_db.hpp"
#include "storage/keys/keyring.hpp"
#include "storage/records/person_repository.hpp"
#include "sync/client/change_applier.hpp"
#include "sync/protocol/change_codec.hpp"
#include "tests/cli/cli_run.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using chasqui::test::has;
namespace fs = std::filesystem;

namespace {

using Run = test::CliRun;

Run runCli(const test::TempDir& tmp, const std::string& args) {
    return test::runChasqui(tmp, args);
}

// A kiosk (B) that pulled another kiosk's (A's) records through sync's applier.
struct PulledKiosk {
    test::TestStore a;
    test::TestStore b;
    test::TempDir tmp;

    PulledKiosk() {
        storage::PersonRepository persons(*a.store);
        for (int i = 0; i < 3; ++i) REQUIRE(persons.add(test::samplePerson()));
        std::int64_t last = 0;
        auto changes = sync::readOutbox(a->db(), 0, 1000, "TUM", last);
        REQUIRE(changes);
        REQUIRE(changes->size() >= 3);
        storage::Transaction tx(b->db());
        REQUIRE(tx.begin());
        auto applied = sync::applyRemoteChanges(*b.store, *changes);
        REQUIRE(applied);
        CHECK(applied->applied >= 3);
        REQUIRE(tx.commit());
        b.store.reset();
        std::ofstream(tmp.path() / "admin.pin") << test::kAdminPin << "\n";
    }
    std::string auth() const {
        return fmt::format("--data {} --user {} --pin-file {}", b.dataDir.root.string(), test::kAdminLogin,
                           (tmp.path() / "admin.pin").string());
    }
    Run verify() { return runCli(tmp, "verify " + auth()); }
    // B's database opened with its data key, as someone holding the key would.
    storage::Db openRaw() {
        auto keyring = storage::loadKeyring(b.dataDir);
        REQUIRE(keyring);
        auto secret = storage::loadDeviceSecret(b.dataDir);
        REQUIRE(secret);
        const auto* cred = keyring->find(test::kAdminLogin);
        REQUIRE(cred != nullptr);
        auto key = storage::unwrapDataKey(cred->wrap, test::kAdminPin, *secret, cred->staffId);
        REQUIRE(key);
        storage::OpenOptions options;
        options.rawKey = &*key;
        auto db = storage::Db::open(b.dataDir.personalDb().string(), options);
        REQUIRE(db);
        return std::move(*db);
    }
};

}  // namespace

TEST_CASE("verify accepts records pulled from another device and still catches one added behind the store's back") {
    PulledKiosk k;
    Run clean = k.verify();
    CHECK(clean.exitCode == 0);
    CHECK(has(clean.out, "Records without their change record: 0"));
    CHECK_FALSE(has(clean.err, "damaged"));

    SUBCASE("a row inserted with raw SQL") {
        storage::Db db = k.openRaw();
        REQUIRE(
            db.exec("CREATE TEMP TABLE x AS SELECT * FROM persons LIMIT 1;"
                    "UPDATE x SET rid = NULL, id = '01900000-0000-7000-8000-00000000beef';"
                    "INSERT INTO persons SELECT * FROM x;"));
    }
    SUBCASE("a row inserted with merge clocks that claim this device wrote it") {
        storage::Db db = k.openRaw();
        REQUIRE(
            db.exec("CREATE TEMP TABLE x AS SELECT * FROM persons LIMIT 1;"
                    "UPDATE x SET rid = NULL, id = '01900000-0000-7000-8000-00000000beef';"
                    "INSERT INTO persons SELECT * FROM x;"
                    "INSERT INTO record_clocks SELECT 'person', '01900000-0000-7000-8000-00000000beef', "
                    "  '000000000001-0000@' || value, '{}' FROM meta WHERE key = 'device_id';"));
    }
    Run tampered = k.verify();
    CHECK(tampered.exitCode == 4);
    CHECK(has(tampered.out, "Records without their change record: 1"));
    CHECK(has(tampered.err, "damaged or was tampered with"));
}

TEST_CASE("a flipped byte anywhere in the database makes verify say damaged (exit 4), never a generic error") {
    test::TestStore t;
    storage::PersonRepository persons(*t.store);
    for (int i = 0; i < 150; ++i) REQUIRE(persons.add(test::samplePerson()));
    t.store.reset();  // checkpoints the WAL into personal.db
    test::TempDir tmp;
    std::ofstream(tmp.path() / "admin.pin") << test::kAdminPin << "\n";
    const fs::path original = tmp.path() / "original";
    fs::copy(t.dataDir.root, original, fs::copy_options::recursive);
    const std::uintmax_t pages = fs::file_size(original / "personal.db") / 4096;
    REQUIRE(pages > 20);
    // Pages spread over the file; page 1 alone is covered by the key check.
    const int samples = test::envInt("CHASQUI_FLIP_SAMPLES", 24);
    for (int s = 0; s < samples; ++s) {
        const std::uintmax_t page =
            1 + (pages - 1) * static_cast<std::uintmax_t>(s) / static_cast<std::uintmax_t>(samples);
        const fs::path data = tmp.path() / "kiosk";
        fs::remove_all(data);
        fs::copy(original, data, fs::copy_options::recursive);
        {
            std::fstream db(data / "personal.db", std::ios::in | std::ios::out | std::ios::binary);
            const auto offset = static_cast<std::streamoff>(page * 4096 + 2000);
            db.seekg(offset);
            char byte = 0;
            db.read(&byte, 1);
            byte = static_cast<char>(byte ^ 0x40);
            db.seekp(offset);
            db.write(&byte, 1);
        }
        Run r = runCli(
            tmp, fmt::format("verify --data {} --pin-file {}", data.string(), (tmp.path() / "admin.pin").string()));
        INFO("page ", page, ": ", r.err);
        CHECK(r.exitCode == 4);
        CHECK(has(r.err, "backup"));
        CHECK_FALSE(has(r.err, "SQL logic error"));
    }
}

TEST_CASE("verify checks the MAC of pages no query reads: a flipped byte in a free page is found") {
    PulledKiosk k;
    {
        // Pages that become free: a table filled, then dropped (no auto-vacuum,
        // so the file keeps them on its freelist, encrypted and authenticated).
        storage::Db db = k.openRaw();
        REQUIRE(
            db.exec("CREATE TABLE scratch (b BLOB); "
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) "
                    "INSERT INTO scratch SELECT randomblob(3000) FROM n; DROP TABLE scratch;"));
        REQUIRE(db.exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    Run clean = k.verify();
    REQUIRE_MESSAGE(clean.exitCode == 0, (clean.out + clean.err));
    CHECK(has(clean.out, "Page MACs:      ok"));
    const fs::path file = k.b.dataDir.personalDb();
    const auto pages = fs::file_size(file) / 4096;
    {
        std::fstream db(file, std::ios::in | std::ios::out | std::ios::binary);
        const auto offset = static_cast<std::streamoff>((pages - 2) * 4096 + 1000);  // a dropped table's page
        char byte = 0;
        db.seekg(offset);
        db.read(&byte, 1);
        byte = static_cast<char>(byte ^ 0x01);
        db.seekp(offset);
        db.write(&byte, 1);
    }
    Run r = k.verify();
    INFO(r.out, r.err);
    CHECK(r.exitCode == 4);
    CHECK(has(r.out, "Page MACs:      1 pages FAIL"));
    CHECK(has(r.err, "backup"));
}
