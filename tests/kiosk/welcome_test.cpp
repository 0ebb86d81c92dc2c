#include <doctest/doctest.h>

#include "tests/kiosk/support/kiosk_fixture.hpp"

using namespace chasqui;
using kiosk::ScreenId;

TEST_CASE("welcome: four languages, service information and staff, all touch-sized") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    CHECK(k.screen() == ScreenId::Welcome);
    for (const char* key : {"welcome.lang.es", "welcome.lang.en", "welcome.lang.pt", "welcome.lang.ht",
                            "welcome.services", "welcome.staff", "welcome.size.0", "welcome.size.1", "welcome.size.2"})
        CHECK_MESSAGE(k.has(key), key);
    CHECK(k.smallTargets().empty());
    CHECK(k.duplicateIds().empty());
    CHECK(k.drewText("Bienvenida"));

    REQUIRE(k.tap("welcome.lang.en"));
    CHECK(k.drewText("Welcome"));
    CHECK(k.drewText("Service information"));
    REQUIRE(k.tap("welcome.lang.ht"));
    CHECK(k.drewText("Byenveni"));
    CHECK(k.app().i18n().missingKeys().empty());
}

TEST_CASE("welcome: the text size setting makes text and targets larger") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    const float before = k.probe().find("welcome.services")->height();
    const float buttonBefore = k.probe().find("welcome.size.0")->height();
    REQUIRE(k.tap("welcome.size.2"));
    k.frame();
    CHECK(k.app().textScale() == doctest::Approx(1.5f));
    CHECK(k.probe().find("welcome.size.0")->height() > buttonBefore);
    // The two large tiles give up height so that the text-size buttons stay
    // on screen (reach_test.cpp); they still hold their icon and word.
    CHECK(k.probe().find("welcome.services")->height() >= before * 0.5f);
    CHECK(k.smallTargets().empty());
}

TEST_CASE("welcome: a session left open behind the welcome screen still locks on inactivity") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    f.signIn(test::kStaffLogin, test::kStaffPin);
    REQUIRE(k.app().session().signedIn);
    for (int i = 0; i < 4 && k.screen() != ScreenId::Welcome; ++i) REQUIRE(k.tap("nav.back"));
    REQUIRE(k.screen() == ScreenId::Welcome);
    REQUIRE(k.app().session().signedIn);
    CHECK(k.app().msUntilNextFrame() >= 0);  // the window wakes for the lock

    const auto& config = k.app().config();
    f.setup.clock.advance(config.idleTimeoutMs - config.idleWarningMs + 1000);
    k.frame();
    CHECK(k.has("idle.stay"));
    f.setup.clock.advance(config.idleWarningMs);
    k.frame();
    k.settle();
    CHECK_FALSE(k.app().session().signedIn);
    CHECK_FALSE(k.app().personalDataInMemory());
    CHECK(k.screen() == ScreenId::Welcome);
}
