// Editing a saved person from the case view: a typo fixed and read back,
// audited and recorded for sync; a field storage refuses marked with nothing
// saved; and "discard changes?" before any way out of a form with unsaved
// changes (the top bar's back, another tab, cancel).
#include <doctest/doctest.h>

#include <string>

#include <imgui.h>

#include "storage/records/case_repository.hpp"
#include "tests/kiosk/support/desk_seed.hpp"

using namespace chasqui;
using kiosk::ScreenId;

namespace {

std::int64_t scalar(test::KioskFixture& f, const std::string& sql) {
    f.setup.reopen();
    auto n = f.setup.store->db().scalarInt(sql);
    REQUIRE(n.has_value());
    f.setup.store.reset();
    return *n;
}

std::string start(test::KioskFixture& f, const std::string& given) {
    const std::string id = test::seedPerson(f, test::deskPerson(given, "Quispe", "1990-04-12"));
    f.signIn(test::kStaffLogin, test::kStaffPin);
    REQUIRE(f.kiosk->app().session().signedIn);
    test::showCase(f, id);
    return id;
}

void tapTimes(test::HeadlessKiosk& k, const char* key, int times) {
    for (int i = 0; i < times; ++i) REQUIRE(k.tap(key));
}

}  // namespace

TEST_CASE("edit: a typo in a given name fixed from the case view, read back, audited and synced") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    const std::string id = start(f, "Rosa Elna");
    CHECK(k.drewText("Rosa Elna Quispe"));
    REQUIRE(k.tap("case.profile.edit"));
    REQUIRE(k.has("edit.given_names"));
    CHECK(k.smallTargets().empty());
    CHECK(k.duplicateIds().empty());
    REQUIRE(k.tap("edit.given_names"));
    tapTimes(k, "kb.back", 2);
    k.type("ena");
    REQUIRE(k.tap("kb.done"));
    REQUIRE(k.tap("edit.save"));
    k.settle();
    // Back on the profile, read again from the store.
    CHECK_FALSE(k.has("edit.save"));
    CHECK(k.drewText("Rosa Elena Quispe"));
    CHECK(k.app().i18n().missingKeys().empty());
    CHECK(test::storedPerson(f, id).givenNames == "Rosa Elena");
    CHECK(scalar(f, "SELECT count(*) FROM audit WHERE action = 'update' AND entity = 'person' AND record_id = '" + id +
                        "'") == 1);
    CHECK(scalar(f, "SELECT count(*) FROM changes WHERE entity = 'person' AND record_id = '" + id +
                        "' AND fields LIKE '%Rosa Elena%'") == 1);
}

TEST_CASE("edit: a value storage refuses is marked under its field and nothing is saved") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    const std::string id = start(f, "Rosa");
    REQUIRE(k.tap("case.profile.edit"));
    REQUIRE(k.tap("edit.birth_date"));
    tapTimes(k, "kb.pad.back", 10);
    k.type("01012031");  // in the future (the slashes are typed for staff)
    REQUIRE(k.tap("kb.pad.ok"));
    REQUIRE(k.tap("edit.save"));
    CHECK(k.has("edit.save"));  // still editing
    CHECK(k.drewText(k.app().i18n().tr("edit.error.date")));
    CHECK(test::storedPerson(f, id).birthDate == "1990-04-12");
}

TEST_CASE("edit: leaving a form with unsaved changes asks first, from the top bar, a tab or cancel") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    const std::string id = start(f, "Rosa");
    k.app().router().requestGo(ScreenId::StaffHome);  // where the search came from
    k.frame();
    test::showCase(f, id);

    SUBCASE("nothing changed: back leaves at once") {
        REQUIRE(k.tap("case.profile.edit"));
        REQUIRE(k.tap("nav.back"));
        CHECK(k.screen() == ScreenId::StaffHome);
    }
    SUBCASE("a name typed: back asks; keep editing keeps it; discard leaves and saves nothing") {
        REQUIRE(k.tap("case.profile.edit"));
        REQUIRE(k.tap("edit.family_name_2"));
        k.type("Mamani");
        REQUIRE(k.tap("kb.done"));
        REQUIRE(k.tap("nav.back"));
        CHECK(k.screen() == ScreenId::CaseView);
        REQUIRE(k.has("edit.discard.yes"));
        CHECK(k.drewText(k.app().i18n().tr("edit.discard.question")));
        REQUIRE(k.tap("edit.discard.keep"));
        CHECK_FALSE(k.has("edit.discard.yes"));
        CHECK(k.drewText("Mamani"));
        REQUIRE(k.tap("edit.cancel"));  // cancel asks too
        REQUIRE(k.has("edit.discard.yes"));
        REQUIRE(k.tap("edit.discard.keep"));
        REQUIRE(k.tap("nav.back"));
        REQUIRE(k.tap("edit.discard.yes"));
        CHECK(k.screen() == ScreenId::StaffHome);
        CHECK(test::storedPerson(f, id).familyName2.empty());
    }
}

TEST_CASE("edit: the case's needs and status; a tab away from a changed case form asks first") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    const std::string id = test::seedPerson(f, test::deskPerson("Rosa", "Quispe", "1990-04-12"));
    f.setup.reopen();
    storage::Case c;
    c.personId = id;
    c.officeId = f.setup.store->session().officeId;
    c.needs = {"food_security"};
    c.consent = storage::Consent{true, "2025-06-01", {"registration"}};
    c.openedDate = "2025-06-01";
    auto caseId = storage::CaseRepository(*f.setup.store).open(c);
    REQUIRE(caseId.has_value());
    f.setup.store.reset();
    f.signIn(test::kStaffLogin, test::kStaffPin);
    test::showCase(f, id);
    REQUIRE(k.tap("case.tab.needs"));
    REQUIRE(k.tap("case.edit"));
    REQUIRE(k.tap("case.form.needs.health"));
    REQUIRE(k.tap("case.tab.assistance"));
    REQUIRE(k.has("edit.discard.yes"));
    REQUIRE(k.tap("edit.discard.keep"));
    REQUIRE(k.has("case.form.status.closed"));
    REQUIRE(k.tap("case.form.status.closed"));
    REQUIRE(k.tap("case.form.save"));
    f.setup.reopen();
    auto file = storage::CaseRepository(*f.setup.store).file(*caseId);
    REQUIRE(file.has_value());
    CHECK(file->record.needs == std::vector<std::string>{"food_security", "health"});
    CHECK(file->record.status == "closed");
    CHECK(file->record.closedDate == f.setup.store->today());
    f.setup.store.reset();
}

TEST_CASE("edit: at 1280x1024 with 150 % text the forms' fields and buttons are on screen, touch-sized") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    ImGui::GetIO().DisplaySize = ImVec2(1280.f, 1024.f);
    k.frame();
    REQUIRE(k.tap("welcome.size.2"));  // 150 %
    k.frame();
    k.frame();
    // With a case, as at the desk: the sections are tabs.
    const std::string id = test::seedPerson(f, test::deskPerson("Rosa", "Quispe", "1990-04-12"));
    f.setup.reopen();
    storage::Case c;
    c.personId = id;
    c.officeId = f.setup.store->session().officeId;
    c.openedDate = "2025-06-01";
    REQUIRE(storage::CaseRepository(*f.setup.store).open(c).has_value());
    f.setup.store.reset();
    f.signIn(test::kStaffLogin, test::kStaffPin);
    test::showCase(f, id);
    const auto onScreen = [&](const std::string& key) {
        const auto item = k.probe().find(key);
        REQUIRE_MESSAGE(item.has_value(), key);
        CHECK_MESSAGE(item->visible, key);
        CHECK_MESSAGE(item->min.x >= 0.f, key);
        CHECK_MESSAGE(item->max.x <= 1280.f, key << " ends at x " << item->max.x);
        CHECK_MESSAGE(item->max.y <= 1024.f, key << " ends at y " << item->max.y);
    };
    REQUIRE(test::tapInView(k, "case.profile.edit", "case.", 1000.f));
    for (const char* key : {"edit.given_names", "edit.save", "edit.cancel"}) onScreen(key);
    CHECK(k.smallTargets().empty());
    // The last field is reached by dragging, above the sticky buttons.
    const float footerTop = k.probe().find("edit.save")->min.y;
    REQUIRE(test::tapInView(k, "edit.gender_identity", "edit.", footerTop));
    REQUIRE(k.tap("kb.done"));
    REQUIRE(k.tap("edit.cancel"));
    CHECK_FALSE(k.has("edit.save"));
    // The household's actions and the new-member form (in a household of her own).
    REQUIRE(k.tap("case.tab.household"));
    REQUIRE(test::tapInView(k, "family.start", "family.", 1000.f));
    REQUIRE(k.tap("family.save"));
    REQUIRE(test::tapInView(k, "family.add_new", "family.", 1000.f));
    for (const char* key : {"family.save", "family.cancel"}) onScreen(key);
    const float formFooterTop = k.probe().find("family.save")->min.y;
    REQUIRE(test::tapInView(k, "family.given_names", "family.", formFooterTop));
    REQUIRE(k.tap("kb.done"));
    CHECK(k.smallTargets().empty());
    REQUIRE(k.tap("family.cancel"));
    CHECK_FALSE(k.has("family.save"));
}
