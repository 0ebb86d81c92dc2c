// Staff home: search as you type (accents and case ignored, name parts by
// their beginning, document number, case code), results that open the case,
// register and supervisor buttons, stale results dropped.
#include <doctest/doctest.h>

#include <imgui.h>

#include "tests/kiosk/support/staff_seed.hpp"

using namespace chasqui;
using kiosk::ScreenId;

namespace {

// A tap that does not wait for the worker (settle() would).
void pressNow(test::HeadlessKiosk& k, std::string_view key) {
    auto item = k.probe().find(key);
    REQUIRE_MESSAGE(item.has_value(), key);
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2((item->min.x + item->max.x) * 0.5f, (item->min.y + item->max.y) * 0.5f);
    k.frame();
    io.MouseDown[0] = true;
    k.frame();
    io.MouseDown[0] = false;
    k.frame();
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
}

void clearSearch(test::HeadlessKiosk& k) {
    for (int i = 0; i < 20; ++i) REQUIRE(k.tap("kb.back"));
}

}  // namespace

TEST_CASE("staff home: search as you type by name, document and case code") {
    test::KioskFixture f;
    const auto seed = test::seedStaffPersons(f);
    f.signIn(test::kStaffLogin, test::kStaffPin);
    auto& k = *f.kiosk;
    REQUIRE(k.screen() == ScreenId::StaffHome);
    CHECK(k.has("home.search"));
    CHECK(k.has("home.register"));
    CHECK_FALSE(k.has("home.supervisor"));  // staff, not supervisor
    // The search field has the keyboard at once.
    CHECK(k.has("kb.a"));

    // One letter is not enough to search.
    k.type("m");
    CHECK_FALSE(k.has("home.result." + seed.maria.id));
    CHECK(k.drewText("la búsqueda empieza con dos letras"));
    // A name's beginning without its accent finds María; Juan is not listed.
    k.type("ari");
    CHECK(k.has("home.result." + seed.maria.id));
    CHECK(k.drewText("María José Pérez Gómez"));
    CHECK(k.drewText(seed.maria.caseCode));
    CHECK(k.drewText("12/04/1990"));
    CHECK(k.drewText("Venezuela"));
    CHECK_FALSE(k.has("home.result." + seed.juan.id));
    CHECK(k.smallTargets().empty());
    CHECK(k.duplicateIds().empty());

    // Any name part, any case: the second family name.
    clearSearch(k);
    k.type("GOME");
    CHECK(k.has("home.result." + seed.maria.id));

    // Document number.
    clearSearch(k);
    k.type("45678912");
    CHECK(k.has("home.result." + seed.juan.id));
    CHECK_FALSE(k.has("home.result." + seed.maria.id));
    CHECK(k.drewText("Juan Carlos Quispe Mamani"));

    // Case code.
    clearSearch(k);
    k.type(seed.juan.caseCode);
    CHECK(k.has("home.result." + seed.juan.id));
    CHECK_FALSE(k.has("home.result." + seed.maria.id));

    // Nobody.
    clearSearch(k);
    k.type("zzyzx");
    CHECK(k.drewText("Nadie coincide"));
    CHECK(k.app().i18n().missingKeys().empty());
}

TEST_CASE("staff home: tapping a result opens that person's case") {
    test::KioskFixture f;
    const auto seed = test::seedStaffPersons(f);
    f.signIn(test::kStaffLogin, test::kStaffPin);
    auto& k = *f.kiosk;
    k.type("quis");
    REQUIRE(k.tap("kb.done"));
    REQUIRE(k.tap("home.result." + seed.juan.id));
    CHECK(k.screen() == ScreenId::CaseView);
    CHECK(k.app().selection().personId == seed.juan.id);
    CHECK(k.app().selection().caseId == seed.juan.caseId);
    CHECK(k.app().selection().caseCode == seed.juan.caseCode);
    CHECK(k.app().selection().personName == "Juan Carlos Quispe Mamani");

    // Back home, the search is over: the next person does not see Juan.
    REQUIRE(k.tap("nav.back"));
    k.settle();
    CHECK(k.screen() == ScreenId::StaffHome);
    CHECK_FALSE(k.has("home.result." + seed.juan.id));
    CHECK_FALSE(k.drewText("Quispe"));
}

TEST_CASE("staff home: the search is cleared between people, kept while the same person is at the desk") {
    test::KioskFixture f;
    const auto seed = test::seedStaffPersons(f);
    f.signIn(test::kStaffLogin, test::kStaffPin);
    auto& k = *f.kiosk;
    auto* home = k.app().router().find(ScreenId::StaffHome);
    REQUIRE(home != nullptr);

    // Not found yet, so the staff member starts a registration, then goes
    // back to search again for the same person: the query is still there.
    k.type("quis");
    k.settle();
    REQUIRE(k.has("home.result." + seed.juan.id));
    REQUIRE(k.tap("kb.done"));
    REQUIRE(k.tap("home.register"));
    REQUIRE(k.screen() == ScreenId::Register);
    REQUIRE(k.tap("nav.back"));
    k.settle();
    REQUIRE(k.screen() == ScreenId::StaffHome);
    CHECK(k.has("home.result." + seed.juan.id));

    // Found and opened: back at the home the search field is empty, no
    // result is drawn, nothing is held, and the keyboard waits for the next name.
    REQUIRE(k.tap("home.result." + seed.juan.id));
    k.settle();
    REQUIRE(k.screen() == ScreenId::CaseView);
    REQUIRE(k.tap("nav.back"));
    k.settle();
    REQUIRE(k.screen() == ScreenId::StaffHome);
    CHECK_FALSE(home->holdsPersonalData());
    CHECK(k.app().selection().personId.empty());
    CHECK_FALSE(k.drewText("quis"));
    CHECK_FALSE(k.drewText("Quispe"));
    CHECK(k.drewText("Escriba al menos dos letras"));
    CHECK(k.has("kb.a"));
    // The next person is searched from scratch.
    k.type("gom");
    k.settle();
    CHECK(k.has("home.result." + seed.maria.id));
    CHECK_FALSE(k.has("home.result." + seed.juan.id));

    // Signing out with a search on screen: the next sign-in starts empty.
    REQUIRE(k.tap("kb.done"));
    REQUIRE(k.tap("nav.sign_out"));
    k.settle();
    CHECK_FALSE(home->holdsPersonalData());
    f.signIn(test::kStaffLogin, test::kStaffPin);
    REQUIRE(k.screen() == ScreenId::StaffHome);
    CHECK_FALSE(k.has("home.result." + seed.maria.id));
    CHECK_FALSE(k.drewText("gom"));
}

TEST_CASE("staff home: register and, for supervisors, their tools") {
    test::KioskFixture f;
    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    auto& k = *f.kiosk;
    CHECK(k.has("home.supervisor"));
    CHECK(k.smallTargets().empty());
    CHECK(k.duplicateIds().empty());
    REQUIRE(k.tap("home.register"));
    CHECK(k.screen() == ScreenId::Register);
}

TEST_CASE("staff home: results of a query typed past are dropped") {
    test::KioskFixture f;
    const auto seed = test::seedStaffPersons(f);
    f.signIn(test::kStaffLogin, test::kStaffPin);
    auto& k = *f.kiosk;

    {
        // Hold the worker so that searches queue up behind a slow job.
        test::WorkerGate gate(k);
        ImGui::GetIO().AddInputCharactersUTF8("qu");
        k.frame();               // "Qu": a search is queued
        pressNow(k, "kb.back");  // "Q": too short, the list must stay empty
        k.frame();
        gate.release();
        k.settle();
        CHECK_FALSE(k.has("home.result." + seed.juan.id));
        CHECK(k.drewText("la búsqueda empieza con dos letras"));
    }
    {
        // Same with a longer query typed past a shorter one: only the last answers.
        test::WorkerGate gate(k);
        ImGui::GetIO().AddInputCharactersUTF8("uispe");
        k.frame();
        ImGui::GetIO().AddInputCharactersUTF8("x");
        k.frame();
        gate.release();
        k.settle();
        CHECK_FALSE(k.has("home.result." + seed.juan.id));
    }
    CHECK(k.drewText("Nadie coincide"));
}

TEST_CASE("staff home at the largest text size: results fit between the search field and the keyboard") {
    test::KioskFixture f;
    const auto seed = test::seedStaffPersons(f);
    auto& k = *f.kiosk;
    REQUIRE(k.screen() == ScreenId::Welcome);
    REQUIRE(k.tap("welcome.size.2"));
    f.signIn(test::kStaffLogin, test::kStaffPin);
    REQUIRE(k.screen() == ScreenId::StaffHome);
    REQUIRE(k.app().textScale() == doctest::Approx(1.5f));
    REQUIRE(k.has("kb.q"));  // the search field has the keyboard at once
    k.type("quispe");
    const auto key = k.probe().find("kb.q");
    const auto result = k.probe().find("home.result." + seed.juan.id);
    REQUIRE(key.has_value());
    REQUIRE_MESSAGE(result.has_value(), "no result row drawn");
    CHECK(result->visible);
    CHECK(result->max.y <= key->min.y);  // wholly above the keyboard, not under it
    CHECK(result->max.y - result->min.y >= 48.f);
    CHECK(k.smallTargets().empty());
}

TEST_CASE("staff home on a 1280x1024 screen at the largest text size: nothing drawn past the right edge") {
    test::KioskFixture f;
    const auto seed = test::seedStaffPersons(f);
    auto& k = *f.kiosk;
    ImGui::GetIO().DisplaySize = ImVec2(1280.f, 1024.f);
    REQUIRE(k.tap("welcome.size.2"));
    f.signIn(test::kStaffLogin, test::kStaffPin);
    REQUIRE(k.screen() == ScreenId::StaffHome);
    k.type("quispe");
    REQUIRE(k.tap("kb.done"));
    REQUIRE_FALSE(k.has("kb.q"));
    for (const std::string& key :
         {std::string("home.search"), std::string("home.register"), "home.result." + seed.juan.id}) {
        const auto item = k.probe().find(key);
        REQUIRE_MESSAGE(item.has_value(), key);
        CHECK_MESSAGE(item->visible, key);
        CHECK_MESSAGE(item->max.x <= 1280.f, key << " ends at x = " << item->max.x);
    }
    CHECK(k.smallTargets().empty());
}
