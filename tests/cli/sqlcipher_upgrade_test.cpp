// Data directories made by SQLCipher 3.4.1 (tests/fixtures/sqlcipher341, made by
// the last 3.4.1 build and never by this code) open on SQLCipher 4.6: moved
// once, on the first open, with nothing lost — not even the pages a power cut
// left in the kiosk's WAL — and a kill -9 at any step of the move leaves a
// store that opens. Iterations of the random-time kills:
// CHASQUI_UPGRADE_KILLS (default 12).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include <fmt/core.h>

#include "storage/base/cipher_migration.hpp"
#include "storage/base/data_dir.hpp"
#include "storage/base/sqlite_db.hpp"
#include "storage/keys/keyring.hpp"
#include "tests/cli/cli_run.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
namespace fs = std::filesystem;

namespace {

const fs::path kFixture = fs::path(CHASQUI_FIXTURES_DIR) / "sqlcipher341";
constexpr const char* kPin = "24681357";
constexpr const char* kAdmin = "demo.admin";

// A copy of the fixture's kiosk (and server) directories: never opened in place.
struct OldDirs {
    test::TempDir tmp;
    fs::path kiosk = tmp.path() / "kiosk";
    fs::path server = tmp.path() / "server";
    fs::path pin = kFixture / "pin.txt";

    OldDirs() {
        fs::copy(kFixture / "kiosk", kiosk, fs::copy_options::recursive);
        fs::copy(kFixture / "server", server, fs::copy_options::recursive);
        // git keeps no modes: the secrets are 0600 as the programs made them.
        for (const auto& f : {kiosk / "device.secret", kiosk / "keyring.json", server / "server.db.key"})
            fs::permissions(f, fs::perms::owner_read | fs::perms::owner_write);
    }
    std::string auth() const {
        return fmt::format("--data {} --user {} --pin-file {}", kiosk.string(), kAdmin, pin.string());
    }
    test::CliRun chasqui(const std::string& args) const { return test::runChasqui(tmp, args); }

    storage::SecretBytes kioskKey() const {
        storage::DataDir dir(kiosk);
        auto keyring = storage::loadKeyring(dir);
        REQUIRE(keyring);
        auto secret = storage::loadDeviceSecret(dir);
        REQUIRE(secret);
        const auto* cred = keyring->find(kAdmin);
        REQUIRE(cred != nullptr);
        auto key = storage::unwrapDataKey(cred->wrap, kPin, *secret, cred->staffId);
        REQUIRE(key);
        return std::move(*key);
    }
};

// Read-only: Db::open never moves a store it opens read-only.
bool opensAs(const fs::path& db, const storage::SecretBytes& key, storage::CipherFormat format) {
    storage::OpenOptions options;
    options.rawKey = &key;
    options.format = format;
    options.readOnly = true;
    return storage::Db::open(db.string(), options).has_value();
}

// What 3.4.1 itself read back from the fixture (its README): 211 audit entries
// with verify's own, the last of them only in the WAL. A `status` killed after
// the move may have added its own entry before it died: `statusMayHaveRun`.
void checkKioskIntact(const OldDirs& d, bool statusMayHaveRun = false) {
    const auto verify = d.chasqui("verify " + d.auth());
    CHECK_MESSAGE(verify.exitCode == 0, (verify.out + verify.err));
    CHECK(test::has(verify.out, "Page MACs:      ok"));
    const bool exact = test::has(verify.out, "Audit entries:  211 (chain intact)");
    const bool withStatus = statusMayHaveRun && test::has(verify.out, "Audit entries:  212 (chain intact)");
    CHECK_MESSAGE((exact || withStatus), verify.out);
    const auto status = d.chasqui("status " + d.auth());
    CHECK_MESSAGE(status.exitCode == 0, status.err);
    CHECK(test::has(status.out, "Persons                    40"));
    CHECK(test::has(status.out, "Cases                      21"));
    CHECK(test::has(status.out, "Referrals                  26"));
    CHECK(test::has(status.out, "Office TUM - device 1"));
}

}  // namespace

TEST_CASE("a kiosk data directory made by SQLCipher 3.4.1 is moved to SQLCipher 4 on its first open, WAL included") {
    OldDirs d;
    const auto key = d.kioskKey();
    const fs::path db = d.kiosk / "personal.db";
    REQUIRE(fs::file_size(fs::path(db.string() + "-wal")) > 0);
    CHECK(opensAs(db, key, storage::CipherFormat::Sqlcipher3));

    checkKioskIntact(d);

    // Moved: SQLCipher 3's settings no longer read it; nothing left beside it.
    CHECK_FALSE(opensAs(db, key, storage::CipherFormat::Sqlcipher3));
    CHECK(opensAs(db, key, storage::CipherFormat::Sqlcipher4));
    CHECK_FALSE(fs::exists(db.string() + ".sqlcipher4"));
    // Once: a second open finds SQLCipher 4 and moves nothing.
    const auto before = fs::last_write_time(db);
    CHECK(storage::migrateFromSqlcipher3(db, key).value_or(false));  // "already moved"
    CHECK(fs::last_write_time(db) == before);
}

TEST_CASE("a wrong key is reported as one and moves nothing") {
    OldDirs d;
    const fs::path db = d.kiosk / "personal.db";
    const auto key = d.kioskKey();
    storage::SecretBytes wrong(32);
    wrong.data()[0] = 1;
    storage::OpenOptions options;
    options.rawKey = &wrong;
    auto opened = storage::Db::open(db.string(), options);
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code == storage::ErrorCode::Damaged);
    CHECK_FALSE(fs::exists(db.string() + ".sqlcipher4"));
    // Still SQLCipher 3. (SQLite may have checkpointed the WAL's frames into
    // the file on closing: they are copied as they are, still encrypted under
    // the right key, so the file's bytes may change but not what it holds.)
    CHECK(opensAs(db, key, storage::CipherFormat::Sqlcipher3));
    // The right PIN still opens and moves it afterwards.
    checkKioskIntact(d);
}

TEST_CASE("a server data directory made by SQLCipher 3.4.1 opens and keeps its devices") {
    OldDirs d;
    const std::string cmd = fmt::format("timeout 60 {}/chasqui-server devices --data {} > {} 2>&1", CHASQUI_BIN_DIR,
                                        d.server.string(), (d.tmp.path() / "devices.txt").string());
    const int status = std::system(cmd.c_str());
    const std::string out = test::readBytes(d.tmp.path() / "devices.txt");
    CHECK_MESSAGE(WIFEXITED(status), out);
    CHECK_MESSAGE(WEXITSTATUS(status) == 0, out);
    CHECK(test::has(out, "TUM"));
    CHECK_FALSE(fs::exists(d.server / "server.db.sqlcipher4"));
}

TEST_CASE("a kill -9 at each step of the move leaves a store that opens with everything in it") {
    for (const char* step : storage::kMigrationSteps) {
        CAPTURE(step);
        OldDirs d;
        const std::string cmd =
            fmt::format("CHASQUI_TEST_MIGRATION_KILL_AT={} {}/chasqui status {} >/dev/null 2>&1; echo $? > {}", step,
                        CHASQUI_BIN_DIR, d.auth(), (d.tmp.path() / "rc").string());
        REQUIRE(std::system(cmd.c_str()) == 0);
        CHECK(test::readBytes(d.tmp.path() / "rc") == "137\n");  // killed by SIGKILL, as asked
        checkKioskIntact(d);
        CHECK_FALSE(fs::exists(d.kiosk / "personal.db.sqlcipher4"));
    }
}

TEST_CASE("a kill -9 at a random moment of the move leaves a store that opens with everything in it") {
    const int iterations = test::envInt("CHASQUI_UPGRADE_KILLS", 12);
    // Kills drawn over the whole run of one `chasqui status` (sign-in, the
    // move, its own audit entry), as timed here on this machine and build.
    std::chrono::microseconds wholeRun{};
    {
        OldDirs d;
        const auto start = std::chrono::steady_clock::now();
        REQUIRE(d.chasqui("status " + d.auth()).exitCode == 0);
        wholeRun = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    }
    std::mt19937 random(20261205);
    int before = 0, during = 0, after = 0;
    for (int i = 0; i < iterations; ++i) {
        OldDirs d;
        const auto delay =
            std::chrono::microseconds(std::uniform_int_distribution<std::int64_t>(0, wholeRun.count())(random));
        CAPTURE(delay.count());
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            const int devNull = ::open("/dev/null", O_WRONLY);
            ::dup2(devNull, 1);
            ::dup2(devNull, 2);
            const std::string bin = fmt::format("{}/chasqui", CHASQUI_BIN_DIR);
            ::execl(bin.c_str(), bin.c_str(), "status", "--data", d.kiosk.c_str(), "--user", kAdmin, "--pin-file",
                    d.pin.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        std::this_thread::sleep_for(delay);  // the fault's timing, not a wait for anything
        ::kill(child, SIGKILL);
        int status = 0;
        REQUIRE(::waitpid(child, &status, 0) == child);
        if (fs::exists(d.kiosk / "personal.db.sqlcipher4")) {
            ++during;
        } else {
            ++(opensAs(d.kiosk / "personal.db", d.kioskKey(), storage::CipherFormat::Sqlcipher3) ? before : after);
        }
        checkKioskIntact(d, true);
    }
    MESSAGE(fmt::format("{} kills over a {} ms run: {} before the move, {} during the export, {} after it", iterations,
                        wholeRun.count() / 1000, before, during, after));
}
