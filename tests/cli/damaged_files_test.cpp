// Missing, foreign, edited and non-regular files in a data directory, through
// the real chasqui binary: each has its own message and exit code, and none of
// them creates a file, counts a sign-in attempt or hangs.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "storage/base/secret.hpp"
#include "tests/cli/cli_run.hpp"

using namespace chasqui;
using chasqui::test::has;
namespace fs = std::filesystem;

namespace {

struct Kiosk {
    test::TestStore t;
    test::TempDir tmp;
    Kiosk() {
        t.store.reset();
        std::ofstream(tmp.path() / "admin.pin") << test::kAdminPin << "\n";
    }
    fs::path root() const { return t.dataDir.root; }
    test::CliRun run(const std::string& command) const {
        return test::runChasqui(tmp, fmt::format("{} --data {} --user {} --pin-file {}", command, root().string(),
                                                 test::kAdminLogin, (tmp.path() / "admin.pin").string()));
    }
};

}  // namespace

TEST_CASE("chasqui --help lists the exit codes, including the device-secret one") {
    test::TempDir tmp;
    test::CliRun help = test::runChasqui(tmp, "--help");
    CHECK(help.exitCode == 0);
    CHECK(has(help.out, "Exit codes:"));
    CHECK(has(help.out, "4  damaged, missing or tampered data"));
    CHECK(has(help.out, "6  the device secret is missing or belongs to another kiosk"));
}

TEST_CASE("personal.db deleted: exit 4, the store is called missing, nothing is created or counted") {
    Kiosk k;
    fs::remove(k.t.dataDir.personalDb());
    const std::string keyring = test::readBytes(k.t.dataDir.keyring());
    for (const char* command : {"verify", "status"}) {
        test::CliRun r = k.run(command);
        CHECK(r.exitCode == 4);
        CHECK(has(r.err, "personal-data store"));
        CHECK(has(r.err, "is missing"));
        CHECK_FALSE(has(r.err, "no longer exists"));
    }
    CHECK_FALSE(fs::exists(k.t.dataDir.personalDb()));
    CHECK(test::readBytes(k.t.dataDir.keyring()) == keyring);
}

TEST_CASE("another kiosk's device secret: exit 6 every time, and the right one back signs in (nobody locked out)") {
    Kiosk k;
    const std::string own = test::readBytes(k.t.dataDir.deviceSecretPath);
    const storage::SecretBytes other = storage::SecretBytes::random(32);
    std::ofstream(k.t.dataDir.deviceSecretPath, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(other.data()), 32);
    for (int i = 0; i < 12; ++i) {
        test::CliRun r = k.run("verify");
        CHECK(r.exitCode == 6);
        CHECK(has(r.err, "does not belong to this kiosk"));
    }
    std::ofstream(k.t.dataDir.deviceSecretPath, std::ios::binary | std::ios::trunc) << own;
    test::CliRun ok = k.run("verify");
    CHECK(ok.exitCode == 0);
}

TEST_CASE("keyring.json edited to reset the failure counter: exit 4, tampered, no sign-in") {
    Kiosk k;
    std::ofstream(k.tmp.path() / "wrong.pin") << "11112222\n";
    for (int i = 0; i < 3; ++i) {
        CHECK(test::runChasqui(k.tmp, fmt::format("verify --data {} --pin-file {}", k.root().string(),
                                                  (k.tmp.path() / "wrong.pin").string()))
                  .exitCode == 3);
    }
    auto doc = nlohmann::json::parse(test::readBytes(k.t.dataDir.keyring()));
    REQUIRE(doc["credentials"][0]["failures"] == 3);
    doc["credentials"][0]["failures"] = 0;
    doc["credentials"][0]["last_failure_ms"] = 0;
    std::ofstream(k.t.dataDir.keyring(), std::ios::trunc) << doc.dump(2);
    test::CliRun r = k.run("verify");
    CHECK(r.exitCode == 4);
    CHECK(has(r.err, "changed outside Chasqui"));
    CHECK_FALSE(has(r.out, "Database pages"));  // never got as far as opening the store
}

TEST_CASE("a FIFO as keyring.json: every command answers at once with exit 4 instead of hanging") {
    Kiosk k;
    fs::remove(k.t.dataDir.keyring());
    REQUIRE(::mkfifo(k.t.dataDir.keyring().c_str(), 0600) == 0);
    test::CliRun verify = k.run("verify");
    CHECK(verify.exitCode == 4);  // 124 would mean `timeout` had to stop it
    CHECK(has(verify.err, "not a regular file"));
    test::CliRun status = test::runChasqui(k.tmp, "status --data " + k.root().string());
    CHECK(status.exitCode == 4);
    CHECK(has(status.err, "named pipe"));
}
