// Inactivity on the staff screens: the countdown warns, one tap keeps the
// session; at the timeout the kiosk signs out, goes back to the welcome
// screen and nothing personal is left in memory or on the screen.
#include <doctest/doctest.h>

#include <imgui.h>

#include <thread>

#include "tests/kiosk/support/staff_seed.hpp"

using namespace chasqui;
using kiosk::ScreenId;

TEST_CASE("inactivity: the countdown keeps the session with one tap, the timeout clears everything") {
    test::KioskFixture f;
    const auto seed = test::seedStaffPersons(f);
    f.signIn(test::kStaffLogin, test::kStaffPin);
    auto& k = *f.kiosk;
    REQUIRE(k.screen() == ScreenId::StaffHome);
    k.type("quisp");
    REQUIRE(k.has("home.result." + seed.juan.id));
    const auto& config = k.app().config();

    // Just past the start of the warning: the countdown asks.
    f.setup.clock.advance(config.idleTimeoutMs - config.idleWarningMs + 1'000);
    k.frame();
    REQUIRE(k.has("idle.stay"));
    CHECK(k.drewText("la sesión se cerrará"));
    CHECK(k.smallTargets().empty());
    REQUIRE(k.tap("idle.stay"));
    CHECK_FALSE(k.has("idle.stay"));
    CHECK(k.screen() == ScreenId::StaffHome);
    CHECK(k.app().session().signedIn);
    CHECK(k.has("home.result." + seed.juan.id));

    // Untouched past the whole timeout: signed out, back to the start.
    f.setup.clock.advance(config.idleTimeoutMs + 1'000);
    k.frame();
    k.settle();
    CHECK(k.screen() == ScreenId::Welcome);
    CHECK_FALSE(k.app().session().signedIn);
    CHECK_FALSE(k.app().personalDataInMemory());
    CHECK_FALSE(k.drewText("Quispe"));

    // The next staff member finds an empty search.
    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    REQUIRE(k.screen() == ScreenId::StaffHome);
    CHECK_FALSE(k.has("home.result." + seed.juan.id));
    CHECK_FALSE(k.drewText("Quisp"));
    CHECK_FALSE(k.drewText("Juan Carlos"));
    CHECK(k.drewText("Escriba al menos dos letras"));
}

TEST_CASE("inactivity: a search still running at the lock never shows its results afterwards") {
    test::KioskFixture f;
    const auto seed = test::seedStaffPersons(f);
    f.signIn(test::kStaffLogin, test::kStaffPin);
    auto& k = *f.kiosk;

    test::WorkerGate gate(k);
    ImGui::GetIO().AddInputCharactersUTF8("quispe");
    k.frame();  // the search waits behind the slow job
    f.setup.clock.advance(k.app().config().idleTimeoutMs + 1'000);
    {
        // The lock closes the store ahead of the queued search, once the
        // store job in progress ends; that job ends on another thread.
        std::thread slowJobEnds([&gate] { gate.release(); });
        k.frame();  // locked while the search waits
        slowJobEnds.join();
    }
    CHECK_FALSE(k.app().personalDataInMemory());
    k.frame();
    CHECK(k.screen() == ScreenId::Welcome);
    k.settle();
    CHECK_FALSE(k.app().personalDataInMemory());
    f.signIn(test::kStaffLogin, test::kStaffPin);
    REQUIRE(k.screen() == ScreenId::StaffHome);
    CHECK_FALSE(k.has("home.result." + seed.juan.id));
    CHECK_FALSE(k.drewText("Juan Carlos"));
}

TEST_CASE("inactivity: a registration in progress leaves memory at the lock, kept only as the store's draft") {
    test::KioskFixture f;
    f.signIn(test::kStaffLogin, test::kStaffPin);
    auto& k = *f.kiosk;
    REQUIRE(k.tap("home.register"));
    REQUIRE(k.tap("register.given_names"));
    k.type("Esperanza");
    CHECK(k.drewText("Esperanza"));
    f.setup.clock.advance(k.app().config().idleTimeoutMs + 1'000);
    k.frame();
    k.settle();
    CHECK(k.screen() == ScreenId::Welcome);
    CHECK_FALSE(k.drewText("Esperanza"));
    CHECK(f.screenHoldingPersonalData() == "none");
    // The same staff member gets it back (register_draft_test.cpp has the rest).
    f.signIn(test::kStaffLogin, test::kStaffPin);
    k.settle();
    CHECK_FALSE(k.drewText("Esperanza"));  // the offer names the first letter only
    REQUIRE(k.tap("home.register"));
    k.settle();
    CHECK(k.drewText("Esperanza"));
}
