// Free-space reading for the low-space warning on the sign-in and sync screens.
#include <doctest/doctest.h>

#include "storage/base/disk_space.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui::storage;

TEST_CASE("low space is the smaller of 200 MiB and 5 % of the file system") {
    constexpr std::uint64_t MiB = 1024 * 1024;
    // A 100 GiB disk: 5 % would be 5 GiB, so the 200 MiB limit applies.
    CHECK(isLowSpace(199 * MiB, 100 * 1024 * MiB));
    CHECK_FALSE(isLowSpace(201 * MiB, 100 * 1024 * MiB));
    // A 1 GiB card: 5 % is about 51 MiB, which is smaller.
    CHECK(isLowSpace(50 * MiB, 1024 * MiB));
    CHECK_FALSE(isLowSpace(60 * MiB, 1024 * MiB));
}

TEST_CASE("diskSpace reads the data directory's file system and never throws") {
    chasqui::test::TempDir tmp;
    const DiskSpace space = diskSpace(DataDir(tmp.path()));
    CHECK(space.known);
    CHECK(space.totalBytes > 0);
    CHECK(space.freeBytes <= space.totalBytes);
    const DiskSpace missing = diskSpace(DataDir(tmp.path() / "no" / "such" / "dir"));
    CHECK_FALSE(missing.known);
    CHECK(missing.freeBytes == 0);
}
