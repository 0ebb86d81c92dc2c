// keyring.json against edits, rollbacks and a foreign device secret: the MAC and
// the device-secret check value, the legacy (unsigned) format, and the
// generation mirrored in the encrypted store.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "storage/db/meta_table.hpp"
#include "storage/keys/keyring.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using namespace chasqui::storage;
using chasqui::test::kAdminLogin;
using chasqui::test::kAdminPin;
using nlohmann::json;

namespace {

Result<std::unique_ptr<PersonalStore>> trySignIn(test::TestStore& t, const std::string& pin) {
    return PersonalStore::signIn(t.dataDir, kAdminLogin, pin, t.clock);
}

json readJson(const std::filesystem::path& path) {
    return json::parse(test::readBytes(path));
}

void writeJson(const std::filesystem::path& path, const json& doc) {
    REQUIRE(writeFileAtomically(path, doc.dump(2)));
}

// The keyring as a kiosk from before this change wrote it: version 1, no MAC.
json legacyForm(json doc) {
    doc.erase("mac");
    doc.erase("device_check");
    doc.erase("generation");
    doc["version"] = 1;
    return doc;
}

std::int64_t auditCount(PersonalStore& store, const std::string& action) {
    auto n = store.db().scalarInt("SELECT count(*) FROM audit WHERE action = '" + action + "'");
    REQUIRE(n);
    return *n;
}

}  // namespace

TEST_CASE("an edited failure counter or lock is refused as tampering and lets no one sign in") {
    test::TestStore t;
    t.store.reset();
    for (int i = 0; i < kFreeAttempts; ++i) REQUIRE_FALSE(trySignIn(t, "11112222"));
    // Someone with write access resets the counter to get three more free guesses.
    json doc = readJson(t.dataDir.keyring());
    REQUIRE(doc["credentials"][0]["failures"] == kFreeAttempts);
    doc["credentials"][0]["failures"] = 0;
    doc["credentials"][0]["last_failure_ms"] = 0;
    writeJson(t.dataDir.keyring(), doc);
    const std::string edited = test::readBytes(t.dataDir.keyring());

    auto r = trySignIn(t, kAdminPin);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::Damaged);
    CHECK(r.error().field == kKeyringPart);
    CHECK(test::has(r.error().message, "changed outside Chasqui"));
    CHECK(test::readBytes(t.dataDir.keyring()) == edited);  // nothing written

    // An unlocked copy of a locked account, and a new field, are edits too.
    doc["credentials"][0]["failures"] = kFreeAttempts;
    doc["credentials"][0]["locked"] = true;
    writeJson(t.dataDir.keyring(), doc);
    CHECK_FALSE(trySignIn(t, kAdminPin));
    doc["generation"] = 1u << 20;
    writeJson(t.dataDir.keyring(), doc);
    CHECK(loadKeyring(t.dataDir).error().field == kKeyringPart);
}

TEST_CASE("a foreign device secret is refused before any PIN is checked, and counts nothing") {
    test::TestStore t;
    t.store.reset();
    const std::string own = test::readBytes(t.dataDir.deviceSecretPath);
    const std::string before = test::readBytes(t.dataDir.keyring());
    std::filesystem::remove(t.dataDir.deviceSecretPath);
    REQUIRE(createDeviceSecret(t.dataDir));  // another kiosk's secret
    for (int i = 0; i < kMaxFailures + 2; ++i) {
        auto r = trySignIn(t, kAdminPin);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ErrorCode::Damaged);
        CHECK(r.error().field == kDeviceSecretPart);
        CHECK(test::has(r.error().message, "does not belong"));
    }
    CHECK(test::readBytes(t.dataDir.keyring()) == before);
    // The right secret back: the staff member is not locked out.
    REQUIRE(writeFileAtomically(t.dataDir.deviceSecretPath, own));
    auto ok = trySignIn(t, kAdminPin);
    REQUIRE(ok);
    CHECK(auditCount(**ok, "failed_sign_in") == 0);
}

TEST_CASE("a keyring written before MACs still opens, and is signed at the next successful sign-in") {
    test::TestStore t;
    // A store from before this change knows nothing of keyring signatures.
    REQUIRE(t->db().exec("DELETE FROM meta WHERE key IN ('keyring_signed', 'keyring_generation')"));
    t.store.reset();
    writeJson(t.dataDir.keyring(), legacyForm(readJson(t.dataDir.keyring())));
    auto legacy = loadKeyring(t.dataDir);
    REQUIRE(legacy);
    CHECK(legacy->legacyUnsigned);
    // A failed attempt is counted in the old form (the secret is not yet proven).
    REQUIRE_FALSE(trySignIn(t, "11112222"));
    CHECK(readJson(t.dataDir.keyring())["version"] == 1);
    CHECK(readJson(t.dataDir.keyring())["credentials"][0]["failures"] == 1);
    auto ok = trySignIn(t, kAdminPin);
    REQUIRE(ok);
    CHECK(auditCount(**ok, "failed_sign_in") == 1);
    CHECK(auditCount(**ok, "keyring_downgrade") == 0);
    const json upgraded = readJson(t.dataDir.keyring());
    CHECK(upgraded["version"] == 2);
    CHECK(upgraded.contains("mac"));
    CHECK(upgraded.contains("device_check"));
    auto reread = loadKeyring(t.dataDir);
    REQUIRE(reread);
    CHECK_FALSE(reread->legacyUnsigned);
}

TEST_CASE("an unsigned keyring put back after the upgrade is audited as a downgrade") {
    test::TestStore t;  // signed in once: the store knows the keyring was signed
    t.store.reset();
    json doc = legacyForm(readJson(t.dataDir.keyring()));
    writeJson(t.dataDir.keyring(), doc);
    auto ok = trySignIn(t, kAdminPin);
    REQUIRE(ok);
    CHECK(auditCount(**ok, "keyring_downgrade") == 1);
    CHECK(test::has((*ok)->session().securityWarning, "signature"));
}

TEST_CASE("a keyring restored from before the last sign-in shows up in the audit") {
    test::TestStore t;
    t.store.reset();
    const std::string old = test::readBytes(t.dataDir.keyring());
    REQUIRE(trySignIn(t, kAdminPin));  // the store records this keyring's generation
    // Failed guesses, then the old copy put back to wipe the counter.
    for (int i = 0; i < kFreeAttempts; ++i) REQUIRE_FALSE(trySignIn(t, "11112222"));
    REQUIRE(writeFileAtomically(t.dataDir.keyring(), old));
    auto ok = trySignIn(t, kAdminPin);
    REQUIRE(ok);
    CHECK(auditCount(**ok, "keyring_rollback") == 1);
    CHECK(test::has((*ok)->session().securityWarning, "restored"));
    ok->reset();
    // An honest history raises no alarm.
    auto again = trySignIn(t, kAdminPin);
    REQUIRE(again);
    CHECK(auditCount(**again, "keyring_rollback") == 1);
    CHECK((*again)->session().securityWarning.empty());
}
