// Missing and foreign files in the data directory: each has its own clear
// error, and none of them creates, counts or changes anything.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <functional>

#include "storage/keys/keyring.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using namespace chasqui::storage;
using chasqui::test::kAdminLogin;
using chasqui::test::kAdminPin;
namespace fs = std::filesystem;

namespace {

// Runs `check` in a child process that is killed after 10 s, so a read that
// blocks (today's behaviour on a FIFO) fails the test instead of hanging it.
// Returns the child's exit status, or 128 + signal.
int inChild(const std::function<bool()>& check) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::alarm(10);
        ::_exit(check() ? 0 : 1);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void replaceWithFifo(const fs::path& path) {
    fs::remove(path);
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
}

}  // namespace

TEST_CASE("a deleted personal.db is reported as missing, and signing in creates nothing") {
    test::TestStore t;
    t.store.reset();
    fs::remove(t.dataDir.personalDb());
    const std::string keyring = test::readBytes(t.dataDir.keyring());
    auto r = PersonalStore::signIn(t.dataDir, kAdminLogin, kAdminPin, t.clock);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::Damaged);
    CHECK(r.error().field == kPersonalDbPart);
    CHECK(test::has(r.error().message, "is missing"));
    CHECK_FALSE(test::has(r.error().message, "no longer exists"));
    CHECK_FALSE(fs::exists(t.dataDir.personalDb()));
    CHECK(test::readBytes(t.dataDir.keyring()) == keyring);  // no attempt counted
}

TEST_CASE("a FIFO, a directory or a device where a file should be is refused at once, never read") {
    test::TestStore t;
    t.store.reset();
    const std::string keyring = test::readBytes(t.dataDir.keyring());
    SUBCASE("keyring.json is a FIFO") {
        replaceWithFifo(t.dataDir.keyring());
    }
    SUBCASE("keyring.json is a symlink to a FIFO") {
        replaceWithFifo(t.dir.path() / "pipe");
        fs::remove(t.dataDir.keyring());
        fs::create_symlink(t.dir.path() / "pipe", t.dataDir.keyring());
    }
    SUBCASE("keyring.json is a directory") {
        fs::remove(t.dataDir.keyring());
        fs::create_directory(t.dataDir.keyring());
    }
    SUBCASE("keyring.json is a device") {
        fs::remove(t.dataDir.keyring());
        fs::create_symlink("/dev/zero", t.dataDir.keyring());
    }
    CHECK(inChild([&] {
              auto r = PersonalStore::signIn(t.dataDir, kAdminLogin, kAdminPin, t.clock);
              return !r && r.error().code == ErrorCode::Damaged && r.error().field == kKeyringPart &&
                     test::has(r.error().message, "not a regular file");
          }) == 0);
}

TEST_CASE("a FIFO as the device secret or as any small file is refused without blocking") {
    test::TestStore t;
    t.store.reset();
    replaceWithFifo(t.dataDir.deviceSecretPath);
    CHECK(inChild([&] {
              auto r = PersonalStore::signIn(t.dataDir, kAdminLogin, kAdminPin, t.clock);
              return !r && r.error().code == ErrorCode::Damaged && r.error().field == kDeviceSecretPart;
          }) == 0);
    const fs::path other = t.dir.path() / "device.json";
    replaceWithFifo(other);
    CHECK(inChild([&] {
              auto r = readSmallFile(other, 4096);
              return !r && r.error().code == ErrorCode::InvalidInput && test::has(r.error().message, "FIFO");
          }) == 0);
}

TEST_CASE("a PIN can still come from a pipe, but not from a directory") {
    test::TestStore t;
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    REQUIRE(::write(fds[1], "24681357\n", 9) == 9);
    ::close(fds[1]);
    auto pin = readPinFile("/dev/fd/" + std::to_string(fds[0]));
    ::close(fds[0]);
    REQUIRE(pin);
    CHECK(*pin == kAdminPin);
    auto dir = readPinFile(t.dir.path());
    REQUIRE_FALSE(dir);
    CHECK(dir.error().code == ErrorCode::InvalidInput);
}

TEST_CASE("a directory that lost personal.db is still initialized: init refuses instead of overwriting the keyring") {
    test::TestStore t;
    t.store.reset();
    fs::remove(t.dataDir.personalDb());
    const std::string keyring = test::readBytes(t.dataDir.keyring());
    CHECK(t.dataDir.initialized());
    InitOptions options;
    options.officeCode = "TUM";
    options.adminName = "Eva Nueva";
    options.adminPin = "97531864";
    options.kdf = KdfParams::minimumForTests();
    auto again = PersonalStore::create(t.dataDir, options, t.clock);
    REQUIRE_FALSE(again);
    CHECK(again.error().code == ErrorCode::AlreadyExists);
    CHECK(test::readBytes(t.dataDir.keyring()) == keyring);
}
