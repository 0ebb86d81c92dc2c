// A revoked kiosk whose last session ended without sealing its changes (a
// crash, a failed seal at sign-out) keeps its store, still encrypted, instead
// of erasing work that is in no sealed batch.
#include <doctest/doctest.h>

#include <filesystem>

#include "storage/records/person_repository.hpp"
#include "sync/client/device_link.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
namespace fs = std::filesystem;

TEST_CASE("a revoked kiosk keeps its encrypted store while a session left changes unsealed, and erases it otherwise") {
    test::TestStore kiosk;
    REQUIRE(storage::PersonRepository(*kiosk).add(test::samplePerson()).has_value());
    const storage::DataDir dir = kiosk.dataDir;
    sync::markSessionOpen(dir);
    kiosk.store.reset();  // the session ends without sealing (a crash)
    const std::string before = test::readBytes(dir.personalDb());

    auto wiped = sync::wipeRevokedDevice(dir);
    REQUIRE(wiped.has_value());
    CHECK(wiped->keptStore);
    CHECK_FALSE(fs::exists(dir.personalDb()));
    CHECK_FALSE(fs::exists(dir.keyring()));
    const fs::path kept = sync::revokedOutboxPath(dir) / "store";
    CHECK(test::readBytes(kept / "personal.db") == before);
    CHECK(fs::exists(kept / "keyring.json"));

    test::TestStore sealed;
    sync::markSessionOpen(sealed.dataDir);
    sync::markOutboxSealed(sealed.dataDir);  // the sign-out sealed everything
    sealed.store.reset();
    auto erased = sync::wipeRevokedDevice(sealed.dataDir);
    REQUIRE(erased.has_value());
    CHECK_FALSE(erased->keptStore);
    CHECK_FALSE(fs::exists(sealed.dataDir.personalDb()));
    CHECK_FALSE(fs::exists(sync::revokedOutboxPath(sealed.dataDir) / "store"));
}
