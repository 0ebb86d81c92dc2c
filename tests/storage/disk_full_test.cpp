// Signing in on a full disk. The file system is real: a 16 MiB tmpfs mounted
// for the test (root or CAP_SYS_ADMIN needed; without it the test says so and
// checks nothing), filled with a plain file until write() returns ENOSPC.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "storage/base/disk_space.hpp"
#include "storage/base/space_reserve.hpp"
#include "storage/keys/keyring.hpp"
#include "storage/records/person_repository.hpp"
#include "storage/search/search_index.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using namespace chasqui::storage;
using chasqui::test::kAdminLogin;
using chasqui::test::kAdminPin;
namespace fs = std::filesystem;

namespace {

struct Mounted {
    fs::path path;
    bool ok = false;
    explicit Mounted(fs::path where) : path(std::move(where)) {
        fs::create_directories(path);
        ok = ::mount("tmpfs", path.c_str(), "tmpfs", 0, "size=16m,mode=0700") == 0;
    }
    ~Mounted() {
        if (ok) ::umount2(path.c_str(), MNT_DETACH);
    }
};

// Writes `path` until the file system refuses; returns the errno it refused with.
int fill(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return errno;
    const std::string chunk(64 * 1024, 'x');
    int error = 0;
    for (std::size_t size = chunk.size(); size > 0 && error == 0; size /= 2) {
        for (;;) {
            const ssize_t n = ::write(fd, chunk.data(), size);
            if (n < 0) {
                if (errno != ENOSPC) error = errno;
                break;
            }
        }
    }
    ::close(fd);
    return error == 0 ? ENOSPC : error;
}

}  // namespace

TEST_CASE("on a full disk sign-in still works through the space reserve, and no PIN is checked uncounted") {
    test::TempDir tmp;
    Mounted mount(tmp.path() / "mnt");
    if (!mount.ok) {
        MESSAGE("not run: cannot mount a tmpfs here (", std::strerror(errno), "); run the suite as root");
        return;
    }
    ManualClock clock(test::kTestNowMs);
    const DataDir dir(mount.path / "kiosk");
    InitOptions options;
    options.officeCode = "TUM";
    options.adminName = "Ana Admin";
    options.adminLogin = kAdminLogin;
    options.adminPin = kAdminPin;
    options.kdf = KdfParams::minimumForTests();
    REQUIRE(PersonalStore::create(dir, options, clock));
    CHECK(fs::exists(spaceReservePath(dir)));  // made by init
    {
        auto store = PersonalStore::signIn(dir, kAdminLogin, kAdminPin, clock);
        REQUIRE(store);
        REQUIRE(PersonRepository(**store).add(test::samplePerson()));
    }

    REQUIRE(fill(mount.path / "filler-1") == ENOSPC);
    CHECK(diskSpace(dir).low);
    {
        auto store = PersonalStore::signIn(dir, kAdminLogin, kAdminPin, clock);
        REQUIRE_MESSAGE(store, store.error().message);
        CHECK_FALSE(fs::exists(spaceReservePath(dir)));  // released for this sign-in
        // Signed in, staff can look up records (and free space through the app).
        auto found = searchPersons((*store)->db(), "Pérez");
        REQUIRE(found);
        CHECK(found->size() == 1);
    }

    // The reserve is spent and the disk is full again: an attempt that cannot be
    // counted is refused before its PIN is checked, even the right PIN.
    REQUIRE(fill(mount.path / "filler-2") == ENOSPC);
    const std::string before = test::readBytes(dir.keyring());
    for (const char* pin : {"11112222", kAdminPin}) {
        auto r = PersonalStore::signIn(dir, kAdminLogin, pin, clock);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ErrorCode::Io);
        CHECK(test::has(r.error().message, "could not be counted, so the PIN was not checked"));
    }
    CHECK(test::readBytes(dir.keyring()) == before);
    CHECK_FALSE(fs::exists(dir.keyring().string() + ".tmp"));  // no partial file left holding space

    // Space freed: the next sign-in makes the reserve again.
    fs::remove(mount.path / "filler-1");
    fs::remove(mount.path / "filler-2");
    auto store = PersonalStore::signIn(dir, kAdminLogin, kAdminPin, clock);
    REQUIRE(store);
    CHECK(fs::file_size(spaceReservePath(dir)) == kSpaceReserveBytes);
}
