#include <doctest/doctest.h>

#include "tests/kiosk/support/kiosk_fixture.hpp"

using namespace chasqui;
using kiosk::ScreenId;

TEST_CASE("welcome: four languages, service information and staff, all touch-sized") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    CHECK(k.screen() == ScreenId::Welcome);
    for (const char* key : {"welcome.lang.es", "welcome.lang.en", "welcome.lang.pt", "welcome.lang.ht", "welcome.services",
                            "welcome.staff", "welcome.size.0", "welcome.size.1", "welcome.size.2"})
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
    CHECK(k.probe().find("welcome.services")->height() >= before);
    CHECK(k.smallTargets().empty());
}
