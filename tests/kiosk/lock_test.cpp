// The inactivity lock leaves no screen holding personal data: every screen
// answers for its own state, and the app's check asks each of them.
#include <doctest/doctest.h>

#include <string>

#include "tests/kiosk/support/staff_seed.hpp"
#include "tests/support/conflict_seed.hpp"

using namespace chasqui;
using kiosk::ScreenId;

TEST_CASE("lock: a login typed on the sign-in screen is personal data until the lock clears it") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    REQUIRE(k.tap("welcome.staff"));
    REQUIRE(k.tap("signin.login"));
    k.type("luis.staff");
    REQUIRE_FALSE(k.app().session().signedIn);
    // No session, no selection: only the screen knows what was typed.
    CHECK(k.app().personalDataInMemory());
    CHECK(f.screenHoldingPersonalData() == "sign_in");
    f.expireSession();
    k.settle();
    CHECK(k.screen() == ScreenId::Welcome);
    CHECK_FALSE(k.app().personalDataInMemory());
}

TEST_CASE("lock: every screen that was filled holds nothing personal afterwards") {
    test::KioskFixture f;
    const auto seed = test::seedStaffPersons(f);
    f.setup.reopen();
    test::ConflictSeed conflict;
    conflict.recordId = seed.maria.id;
    conflict.kept = "María José";
    conflict.lost = "Marijose";
    conflict.keptAtMs = test::kTestNowMs - 3'600'000;
    conflict.lostAtMs = test::kTestNowMs - 7'200'000;
    REQUIRE_FALSE(test::seedConflict(*f.setup.store, conflict).empty());
    f.setup.store.reset();
    auto& k = *f.kiosk;
    const auto holds = [&](ScreenId id) {
        const kiosk::Screen* screen = k.app().router().find(id);
        REQUIRE(screen != nullptr);
        return screen->holdsPersonalData();
    };

    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    REQUIRE(k.screen() == ScreenId::StaffHome);
    k.type("quisp");
    REQUIRE(k.has("home.result." + seed.juan.id));
    REQUIRE(k.tap("home.result." + seed.juan.id));
    REQUIRE(k.screen() == ScreenId::CaseView);
    REQUIRE(k.tap("case.assist"));
    REQUIRE(k.screen() == ScreenId::Assistance);
    REQUIRE(k.tap("assist.sector.health"));
    REQUIRE(k.tap("nav.back"));
    REQUIRE(k.tap("case.refer"));
    REQUIRE(k.screen() == ScreenId::Referral);
    REQUIRE(k.tap("referral.category.health"));
    REQUIRE(k.tap("nav.back"));
    REQUIRE(k.tap("nav.back"));
    REQUIRE(k.screen() == ScreenId::StaffHome);
    // Back from a case the search was cleared for the next person: search again.
    k.type("quisp");
    REQUIRE(k.has("home.result." + seed.juan.id));
    REQUIRE(k.tap("home.register"));
    REQUIRE(k.tap("register.given_names"));
    k.type("Esperanza");
    if (k.has("kb.done")) REQUIRE(k.tap("kb.done"));
    REQUIRE(k.tap("nav.back"));
    REQUIRE(k.tap("register.leave.keep"));  // asked first: something was typed
    REQUIRE(k.tap("home.supervisor"));
    for (const char* tool : {"super.conflicts", "super.report", "super.staff", "super.enroll"}) {
        REQUIRE_MESSAGE(k.tap(tool), tool);
        k.settle();
        if (std::string(tool) == "super.enroll") {
            REQUIRE(k.tap("enroll.code"));
            k.type("ABCDE-12345");
            if (k.has("kb.done")) REQUIRE(k.tap("kb.done"));
        }
        REQUIRE(k.tap("nav.back"));
    }

    // The check sees each of them before the lock.
    for (ScreenId id :
         {ScreenId::StaffHome, ScreenId::CaseView, ScreenId::Assistance, ScreenId::Referral, ScreenId::Register,
          ScreenId::Conflicts, ScreenId::Report, ScreenId::StaffAccounts, ScreenId::Enrollment})
        CHECK_MESSAGE(holds(id), kiosk::screenName(id) << " should hold what was put in it");

    f.expireSession();
    k.settle();
    CHECK(k.screen() == ScreenId::Welcome);
    for (const auto& [id, screen] : k.app().router().screens())
        CHECK_MESSAGE(!screen->holdsPersonalData(), kiosk::screenName(id) << " still holds personal data");
    CHECK_FALSE(k.app().personalDataInMemory());
}
