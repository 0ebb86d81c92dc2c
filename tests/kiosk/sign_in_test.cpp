// Staff sign-in: login on the on-screen keyboard, PIN on the screen's own
// pad, checked on the worker; translated errors; the PIN is never drawn.
#include <doctest/doctest.h>

#include "tests/kiosk/support/kiosk_fixture.hpp"

using namespace chasqui;
using kiosk::ScreenId;

namespace {

void openSignIn(test::HeadlessKiosk& k) {
    REQUIRE(k.tap("welcome.staff"));
    REQUIRE(k.screen() == ScreenId::SignIn);
}

// Taps digits on the screen's pad (the PIN field has it once a login is there).
void tapPin(test::HeadlessKiosk& k, std::string_view pin) {
    for (char d : pin) REQUIRE(k.tap(std::string("signin.pad.") + d));
}

void typeLogin(test::HeadlessKiosk& k, const char* login) {
    REQUIRE(k.tap("signin.login"));
    k.type(login);
    REQUIRE(k.tap("kb.done"));
}

}  // namespace

TEST_CASE("sign-in: login field, PIN field and a large pad, all touch-sized, every word translated") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    openSignIn(k);
    for (const char* key :
         {"signin.login", "signin.pin", "signin.pad.0", "signin.pad.9", "signin.pad.back", "signin.pad.ok"})
        CHECK_MESSAGE(k.has(key), key);
    CHECK(k.probe().find("signin.pad.5")->height() >= 72.f);
    CHECK(k.smallTargets().empty());
    CHECK(k.duplicateIds().empty());
    CHECK(k.drewText("Ingrese con su usuario y su PIN"));
    // The login opens the keyboard at once: one tap fewer for the person.
    CHECK(k.has("kb.q"));
    CHECK(k.app().i18n().missingKeys().empty());
}

TEST_CASE("sign-in: a wrong PIN shows a translated error and stays; the PIN is never drawn") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    REQUIRE(k.tap("welcome.lang.en"));
    openSignIn(k);
    typeLogin(k, test::kStaffLogin);
    // The keyboard closed with a login: the pad now types into the PIN.
    CHECK_FALSE(k.has("kb.q"));
    tapPin(k, "11223344");
    for (const auto& text : k.probe().texts()) CHECK(text.find("11223344") == std::string::npos);
    REQUIRE(k.tap("signin.pad.ok"));
    k.settle();
    CHECK(k.screen() == ScreenId::SignIn);
    CHECK(k.drewText("Wrong PIN"));
    CHECK(k.drewText("attempts left"));
    CHECK_FALSE(k.app().session().signedIn);
    for (const auto& text : k.probe().texts()) CHECK(text.find("11223344") == std::string::npos);
    // Storage's English developer message is never shown as is.
    CHECK_FALSE(k.drewText("before the account locks;"));
    CHECK(k.app().i18n().missingKeys().empty());

    // The login is kept; the PIN field is empty and has the pad again.
    tapPin(k, test::kStaffPin);
    REQUIRE(k.tap("signin.pad.ok"));
    k.settle();
    CHECK(k.screen() == ScreenId::StaffHome);
}

TEST_CASE("sign-in: the right PIN opens the staff home with the staff member's name in the top bar") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    f.signIn(test::kStaffLogin, test::kStaffPin);
    CHECK(k.screen() == ScreenId::StaffHome);
    CHECK(k.app().session().signedIn);
    CHECK(k.app().session().name == "Luis Staff");
    // The top bar (kiosk_app.cpp) draws the name without recording it in the
    // probe yet: a warning, not a failure, until it does.
    CHECK(k.drewText("Luis Staff"));
    CHECK(k.has("nav.sign_out"));
    CHECK(k.smallTargets().empty());
    CHECK(k.duplicateIds().empty());
    for (const auto& text : k.probe().texts()) CHECK(text.find(test::kStaffPin) == std::string::npos);

    // Back from the staff home: still signed in, offered to continue or hand over.
    REQUIRE(k.tap("nav.back"));
    CHECK(k.screen() == ScreenId::SignIn);
    CHECK(k.drewText("Luis Staff"));
    REQUIRE(k.tap("signin.continue"));
    CHECK(k.screen() == ScreenId::StaffHome);
    REQUIRE(k.tap("nav.back"));
    REQUIRE(k.tap("signin.switch_user"));
    CHECK(k.screen() == ScreenId::Welcome);
    CHECK_FALSE(k.app().session().signedIn);
}

TEST_CASE("sign-in: a login typed with a capital letter still signs in") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    openSignIn(k);
    REQUIRE(k.tap("signin.login"));
    k.type("Rosa.Super ");
    REQUIRE(k.tap("signin.pin"));
    tapPin(k, test::kSupervisorPin);
    REQUIRE(k.tap("signin.pad.ok"));
    k.settle();
    CHECK(k.screen() == ScreenId::StaffHome);
    CHECK(k.app().session().isSupervisor());
}

TEST_CASE("sign-in: repeated failures are slowed down with the wait in words, then the account locks") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    openSignIn(k);
    typeLogin(k, test::kStaffLogin);
    for (int i = 0; i < 3; ++i) {
        tapPin(k, "99887766");
        REQUIRE(k.tap("signin.pad.ok"));
        k.settle();
        CHECK(k.drewText("PIN incorrecto"));
    }
    tapPin(k, test::kStaffPin);
    REQUIRE(k.tap("signin.pad.ok"));
    k.settle();
    // Even the right PIN waits: the throttle is checked before the PIN.
    CHECK(k.screen() == ScreenId::SignIn);
    CHECK(k.drewText("Demasiados intentos fallidos. Espere 5 segundos"));
    f.setup.clock.advance(6'000);
    tapPin(k, test::kStaffPin);
    REQUIRE(k.tap("signin.pad.ok"));
    k.settle();
    CHECK(k.screen() == ScreenId::StaffHome);
}

TEST_CASE("sign-in: empty fields are explained, nothing is checked") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    openSignIn(k);
    REQUIRE(k.tap("kb.done"));
    REQUIRE(k.tap("signin.pad.ok"));
    CHECK(k.drewText("Escriba su usuario"));
    typeLogin(k, test::kStaffLogin);
    REQUIRE(k.tap("signin.pad.ok"));
    CHECK(k.drewText("Marque su PIN"));
    CHECK(k.screen() == ScreenId::SignIn);
}
