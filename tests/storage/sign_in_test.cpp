// Sign-in, throttling and lockout, staff credentials, key handling.
#include <doctest/doctest.h>

#include "storage/keys/keyring.hpp"
#include "storage/keys/staff_admin.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using namespace chasqui::storage;
using chasqui::test::kAdminLogin;
using chasqui::test::kAdminPin;

namespace {
Result<std::unique_ptr<PersonalStore>> trySignIn(test::TestStore& t, const std::string& login, const std::string& pin) {
    return PersonalStore::signIn(t.dataDir, login, pin, t.clock);
}
}  // namespace

TEST_CASE("a wrong PIN is refused with a clear error and opens nothing") {
    test::TestStore t;
    t.store.reset();
    auto r = trySignIn(t, kAdminLogin, "99999999");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::WrongCredential);
    CHECK(r.error().message.find("attempts left") != std::string::npos);
    auto unknown = trySignIn(t, "nobody", kAdminPin);
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == ErrorCode::WrongCredential);
}

TEST_CASE("failed sign-ins are throttled, then lock the account, and the counter survives a restart") {
    test::TestStore t;
    t.store.reset();
    for (int i = 0; i < kFreeAttempts; ++i) {
        auto r = trySignIn(t, kAdminLogin, "11112222");
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ErrorCode::WrongCredential);
    }
    // The fourth attempt right away is throttled, even with the right PIN.
    auto throttled = trySignIn(t, kAdminLogin, kAdminPin);
    REQUIRE_FALSE(throttled);
    CHECK(throttled.error().code == ErrorCode::Throttled);
    CHECK(throttled.error().message.find("wait") != std::string::npos);

    // The counter is on disk: a fresh read of the keyring (a restart) sees it.
    auto keyring = loadKeyring(t.dataDir.keyring());
    REQUIRE(keyring);
    CHECK(keyring->find(kAdminLogin)->failures == kFreeAttempts);

    for (int i = kFreeAttempts; i < kMaxFailures; ++i) {
        t.clock.advance(10 * 60 * 1000);  // past any wait
        auto r = trySignIn(t, kAdminLogin, "11112222");
        REQUIRE_FALSE(r);
        CHECK(r.error().code == (i + 1 == kMaxFailures ? ErrorCode::AccountLocked : ErrorCode::WrongCredential));
    }
    t.clock.advance(24 * 3600 * 1000);
    auto locked = trySignIn(t, kAdminLogin, kAdminPin);
    REQUIRE_FALSE(locked);
    CHECK(locked.error().code == ErrorCode::AccountLocked);
    auto reread = loadKeyring(t.dataDir.keyring());
    REQUIRE(reread);
    CHECK(reread->find(kAdminLogin)->locked);
}

TEST_CASE("a successful sign-in resets the counter and audits the failed attempts") {
    test::TestStore t;
    t.store.reset();
    REQUIRE_FALSE(trySignIn(t, kAdminLogin, "11112222"));
    REQUIRE_FALSE(trySignIn(t, kAdminLogin, "11113333"));
    auto ok = trySignIn(t, kAdminLogin, kAdminPin);
    REQUIRE(ok);
    auto failed = (*ok)->db().scalarInt("SELECT count(*) FROM audit WHERE action = 'failed_sign_in'");
    REQUIRE(failed);
    CHECK(*failed == 2);
    auto keyring = loadKeyring(t.dataDir.keyring());
    REQUIRE(keyring);
    CHECK(keyring->find(kAdminLogin)->failures == 0);
}

TEST_CASE("staff accounts: add, sign in, reset PIN unlocks, disable removes the credential") {
    test::TestStore t;
    StaffAdmin admin(*t.store, KdfParams::minimumForTests());
    auto id = admin.add("Rosa Huamán", "rosa.huaman", "staff", "73914682");
    REQUIRE(id);
    CHECK_FALSE(admin.add("Otra Rosa", "rosa.huaman", "staff", "73914682"));  // login taken
    auto weak = admin.add("Pedro Ríos", "pedro.rios", "staff", "123456");
    REQUIRE_FALSE(weak);
    CHECK(weak.error().field == "pin");

    auto rosa = trySignIn(t, "rosa.huaman", "73914682");
    REQUIRE(rosa);
    CHECK((*rosa)->session().role == "staff");
    // A staff member may not manage accounts.
    StaffAdmin asStaff(**rosa, KdfParams::minimumForTests());
    auto denied = asStaff.add("Intruso", "intruso", "admin", "8642097531");
    REQUIRE_FALSE(denied);
    CHECK(denied.error().code == ErrorCode::PermissionDenied);
    rosa->reset();

    REQUIRE(admin.resetPin("rosa.huaman", "51739284"));
    CHECK_FALSE(trySignIn(t, "rosa.huaman", "73914682"));
    t.clock.advance(60000);
    CHECK(trySignIn(t, "rosa.huaman", "51739284"));

    REQUIRE(admin.disable("rosa.huaman"));
    auto after = trySignIn(t, "rosa.huaman", "51739284");
    REQUIRE_FALSE(after);
    CHECK(after.error().code == ErrorCode::WrongCredential);
    auto list = admin.list();
    REQUIRE(list);
    bool found = false;
    for (const auto& m : *list) {
        if (m.login != "rosa.huaman") continue;
        found = true;
        CHECK_FALSE(m.active);
        CHECK_FALSE(m.hasCredential);
    }
    CHECK(found);
    // The disabled flag is a synced change of the staff record.
    auto changes =
        t->db().scalarInt("SELECT count(*) FROM changes WHERE entity = 'staff' AND fields LIKE '%\"active\":0%'");
    REQUIRE(changes);
    CHECK(*changes == 1);
}

TEST_CASE("a staff record disabled by sync locks the account even while the wrap is still here") {
    test::TestStore t;
    StaffAdmin admin(*t.store, KdfParams::minimumForTests());
    auto id = admin.add("Luis Mamani", "luis.mamani", "staff", "39517428");
    REQUIRE(id);
    // What a synced "active = 0" change does to the local row.
    REQUIRE(t->writeVoid([&](RecordWriter& w) -> Result<void> {
        auto r = w.update("staff", *id, {{"active", std::int64_t{0}}});
        if (!r) return std::unexpected(r.error());
        return {};
    }));
    auto r = trySignIn(t, "luis.mamani", "39517428");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::AccountLocked);
}

TEST_CASE("the device secret is part of every wrap: without it the right PIN fails") {
    test::TestStore t;
    t.store.reset();
    std::filesystem::remove(t.dataDir.deviceSecretPath);
    auto missing = trySignIn(t, kAdminLogin, kAdminPin);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ErrorCode::Damaged);
    CHECK(missing.error().field == kDeviceSecretPart);
    REQUIRE(createDeviceSecret(t.dataDir));  // a different secret: refused before any PIN check
    auto wrong = trySignIn(t, kAdminLogin, kAdminPin);
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code == ErrorCode::Damaged);
    CHECK(wrong.error().field == kDeviceSecretPart);
}

TEST_CASE("locking the store closes the database and drops the session") {
    test::TestStore t;
    PersonRepository persons(*t.store);
    REQUIRE(persons.add(test::samplePerson()));
    t->lock();
    CHECK_FALSE(t->isOpen());
    CHECK(t->session().staffId.empty());
    auto after = persons.add(test::samplePerson());
    REQUIRE_FALSE(after);
    CHECK(after.error().code == ErrorCode::PermissionDenied);
}

TEST_CASE("a damaged keyring or a truncated database gives a clear error") {
    test::TestStore t;
    t.store.reset();
    REQUIRE(writeFileAtomically(t.dataDir.keyring(), "{\"format\": \"chasqui-keyring\", \"vers"));
    auto r = trySignIn(t, kAdminLogin, kAdminPin);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::Damaged);
    CHECK(r.error().message.find("backup") != std::string::npos);
}

TEST_CASE("a truncated personal-data store is reported as damaged") {
    test::TestStore t;
    PersonRepository persons(*t.store);
    REQUIRE(persons.add(test::samplePerson()));
    t.store.reset();  // checkpoints the WAL into the main file
    const auto path = t.dataDir.personalDb();
    std::filesystem::resize_file(path, 4096 + 100);
    auto r = trySignIn(t, kAdminLogin, kAdminPin);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::Damaged);
}
