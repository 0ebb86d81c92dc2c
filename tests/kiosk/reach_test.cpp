// Looks and reach on the public screens, at the two screen sizes the kiosks
// have (1920x1080 and 1280x1024) and at 100 % and 150 % text: the text-size
// buttons stay on the welcome screen, the next visitor finds 100 %, a
// service page opens at its top, and the idle countdown never covers the QR
// code.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include <imgui.h>

#include "tests/kiosk/support/kiosk_fixture.hpp"

using namespace chasqui;
using kiosk::ScreenId;

namespace {

struct Layout {
    float width, height;
    int sizeButton;  // welcome.size.N: 0 = 100 %, 1 = 125 %, 2 = 150 %
};

constexpr Layout kLayouts[] = {{1920.f, 1080.f, 0}, {1920.f, 1080.f, 2}, {1280.f, 1024.f, 0}, {1280.f, 1024.f, 2}};

void useDisplay(test::HeadlessKiosk& k, float width, float height) {
    ImGui::GetIO().DisplaySize = ImVec2(width, height);
    k.frame();
}

// Taps a text size and draws until the fonts of that size are in use.
void useTextSize(test::HeadlessKiosk& k, int button) {
    REQUIRE(k.tap("welcome.size." + std::to_string(button)));
    k.frame();
    k.frame();
}

void checkOnScreen(test::HeadlessKiosk& k, const std::string& key) {
    const auto item = k.probe().find(key);
    REQUIRE_MESSAGE(item.has_value(), key << " was not drawn");
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    CHECK_MESSAGE(item->visible, key);
    CHECK_MESSAGE(item->min.x >= 0.f, key);
    CHECK_MESSAGE(item->min.y >= 0.f, key);
    CHECK_MESSAGE(item->max.x <= display.x, key << " ends at x " << item->max.x << " of " << display.x);
    CHECK_MESSAGE(item->max.y <= display.y, key << " ends at y " << item->max.y << " of " << display.y);
}

bool overlap(const kiosk::ProbedItem& a, const kiosk::ProbedItem& b) {
    return a.min.x < b.max.x && b.min.x < a.max.x && a.min.y < b.max.y && b.min.y < a.max.y;
}

void openClinic(test::HeadlessKiosk& k) {
    REQUIRE(k.tap("welcome.services"));
    REQUIRE(k.tap("categories.health"));
    REQUIRE(k.tap("services.row.demo-health-tumbes-1"));
    REQUIRE(k.screen() == ScreenId::ServiceDetail);
}

}  // namespace

TEST_CASE("reach: everything on the welcome screen, text size buttons included, is on screen at every size") {
    for (float width : {1920.f, 1280.f}) {
        const float height = width > 1500.f ? 1080.f : 1024.f;
        for (int size = 0; size < 3; ++size) {
            CAPTURE(width);
            CAPTURE(size);
            test::KioskFixture f;
            auto& k = *f.kiosk;
            useDisplay(k, width, height);
            useTextSize(k, size);
            for (const char* key : {"welcome.size.0", "welcome.size.1", "welcome.size.2", "welcome.services",
                                    "welcome.staff", "welcome.speak", "welcome.lang.es", "welcome.lang.ht"})
                checkOnScreen(k, key);
            CHECK(k.smallTargets().empty());
            // The greeting in all four languages.
            for (const char* lang : {"es", "en", "pt", "ht"})
                CHECK_MESSAGE(k.drewText(k.app().i18n().tr("welcome.title", lang)), lang);
        }
    }
}

TEST_CASE("reach: the next visitor finds the text at 100 %") {
    SUBCASE("after a visit to the services") {
        test::KioskFixture f;
        auto& k = *f.kiosk;
        useTextSize(k, 2);
        REQUIRE(k.app().textScale() == doctest::Approx(1.5f));
        REQUIRE(k.tap("welcome.services"));
        f.expireSession();
        k.settle();
        CHECK(k.screen() == ScreenId::Welcome);
        CHECK(k.app().textScale() == doctest::Approx(1.f));
    }
    SUBCASE("when the visitor only changed it on the welcome screen and walked away") {
        test::KioskFixture f;
        auto& k = *f.kiosk;
        useTextSize(k, 1);
        REQUIRE(k.tap("welcome.lang.pt"));
        CHECK(k.app().msUntilNextFrame() >= 0);  // the window wakes for the reset
        f.expireSession();
        k.settle();
        CHECK(k.app().textScale() == doctest::Approx(1.f));
        CHECK(k.app().i18n().language() == "es");
    }
}

TEST_CASE("reach: a service page opens at its top, not where the last visitor left it") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    // Small screen, large text: the page is longer than the screen.
    useDisplay(k, 1280.f, 1024.f);
    useTextSize(k, 2);
    openClinic(k);
    const auto top = k.probe().find("service.speak");
    REQUIRE(top.has_value());
    REQUIRE(k.drag("service.speak", -600.f));
    for (int i = 0; i < 120; ++i) k.frame();  // inertia runs out
    const auto scrolled = k.probe().find("service.speak");
    REQUIRE_MESSAGE(!(scrolled && scrolled->visible && scrolled->min.y == top->min.y), "the page did not scroll");

    REQUIRE(k.tap("nav.back"));
    REQUIRE(k.screen() == ScreenId::ServiceList);
    REQUIRE(k.tap("services.row.demo-health-tumbes-1"));
    REQUIRE(k.screen() == ScreenId::ServiceDetail);
    const auto again = k.probe().find("service.speak");
    REQUIRE(again.has_value());
    CHECK(again->visible);
    CHECK(again->min.y == doctest::Approx(top->min.y));
}

TEST_CASE("reach: the idle countdown never covers the QR code") {
    for (const Layout& layout : kLayouts) {
        CAPTURE(layout.width);
        CAPTURE(layout.sizeButton);
        test::KioskFixture f;
        auto& k = *f.kiosk;
        useDisplay(k, layout.width, layout.height);
        useTextSize(k, layout.sizeButton);
        openClinic(k);
        const auto& config = k.app().config();
        f.setup.clock.advance(config.idleTimeoutMs - config.idleWarningMs + 1'000);
        k.frame();
        k.frame();  // an auto-sized window has its size from the second frame
        const auto countdown = k.probe().find("idle.countdown");
        const auto qr = k.probe().find("service.qr");
        REQUIRE(countdown.has_value());
        REQUIRE(qr.has_value());
        CHECK_FALSE(overlap(*countdown, *qr));
        checkOnScreen(k, "idle.stay");
        checkOnScreen(k, "idle.countdown");
        CHECK(k.smallTargets().empty());
        REQUIRE(k.tap("idle.stay"));
        CHECK(k.screen() == ScreenId::ServiceDetail);
    }
}

// An unselected language button and an unselected district chip are pale on
// pale paper: each must be drawn with an outline of the theme's border colour
// (3:1 against the paper, theme_test.cpp).
TEST_CASE("looks: unselected chips are outlined") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    const ImU32 border = kiosk::toU32(k.app().theme().border);
    const auto outlined = [&](const std::string& key) {
        const auto item = k.probe().find(key);
        REQUIRE_MESSAGE(item.has_value(), key);
        int onEdge = 0;
        const ImDrawData* data = ImGui::GetDrawData();
        REQUIRE(data != nullptr);
        for (int i = 0; i < data->CmdListsCount; ++i)
            for (const ImDrawVert& v : data->CmdLists[i]->VtxBuffer) {
                if (v.col != border) continue;
                const bool inside = v.pos.x >= item->min.x - 3.f && v.pos.x <= item->max.x + 3.f &&
                                    v.pos.y >= item->min.y - 3.f && v.pos.y <= item->max.y + 3.f;
                const bool nearEdge = std::abs(v.pos.x - item->min.x) < 3.f || std::abs(v.pos.x - item->max.x) < 3.f ||
                                      std::abs(v.pos.y - item->min.y) < 3.f || std::abs(v.pos.y - item->max.y) < 3.f;
                if (inside && nearEdge) ++onEdge;
            }
        return onEdge >= 8;
    };
    CHECK(outlined("welcome.lang.en"));  // Spanish is selected
    CHECK(outlined("welcome.size.2"));   // 100 % is selected
    REQUIRE(k.tap("welcome.services"));
    REQUIRE(k.tap("categories.health"));
    CHECK(outlined("services.district.240101"));
}

TEST_CASE("reach: the top bar's title never runs into the staff member's name") {
    for (const Layout layout : {Layout{1920.f, 1080.f, 0}, Layout{1280.f, 1024.f, 2}}) {
        CAPTURE(layout.width);
        test::KioskFixture f;
        auto& k = *f.kiosk;
        useDisplay(k, layout.width, layout.height);
        useTextSize(k, layout.sizeButton);
        f.signIn(test::kStaffLogin, test::kStaffPin);
        if (!k.has("home.register")) REQUIRE(k.tap("kb.done"));  // the search's keyboard covers it at 150 %
        REQUIRE(k.tap("home.register"));
        REQUIRE(k.screen() == ScreenId::Register);
        CHECK(k.drewText(k.app().i18n().tr("register.title")));
        // Side by side, apart; at 150 % on 1280 pixels the title goes to bold
        // size to make room (or, were it longer, the name would give way).
        const auto title = k.probe().findShape("topbar.title");
        const auto name = k.probe().findShape("topbar.name");
        const auto signOut = k.probe().find("nav.sign_out");
        REQUIRE(title.has_value());
        REQUIRE(signOut.has_value());
        if (name) {
            CHECK(k.drewText("Luis Staff"));
            CHECK_MESSAGE(title->max.x < name->min.x,
                          "title ends at " << title->max.x << ", name starts at " << name->min.x);
            CHECK(name->max.x < signOut->min.x);
        }
        CHECK(title->max.x < signOut->min.x);
        if (layout.sizeButton == 0) CHECK(name.has_value());  // room for both
    }
}
