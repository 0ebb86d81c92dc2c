#include "tests/kiosk/support/case_seed.hpp"

#include <doctest/doctest.h>

#include "kiosk/screens/case_view_screen.hpp"
#include "storage/records/person_repository.hpp"

namespace chasqui::test {

using kiosk::ScreenId;

SeededCase seedMotherAndChild(KioskFixture& f, bool withCase) {
    f.setup.reopen();
    storage::PersonalStore& store = *f.setup.store;
    storage::PersonRepository persons(store);
    SeededCase s;
    auto mother = persons.add(samplePerson());
    REQUIRE(mother.has_value());
    s.personId = mother->id;
    s.caseCode = mother->caseCode;
    storage::Person child = samplePerson();
    child.givenNames = "Sofía";
    child.familyName2.clear();
    child.birthDate = "2016-09-01";
    child.docType = "none";
    child.docNumber.clear();
    child.phone.clear();
    auto daughter = persons.add(child);
    REQUIRE(daughter.has_value());
    s.childId = daughter->id;
    auto household = persons.addHousehold(storage::Household{{}, s.personId, "240101"});
    REQUIRE(household.has_value());
    REQUIRE(persons.joinHousehold(s.personId, *household, "head").has_value());
    REQUIRE(persons.joinHousehold(s.childId, *household, "child").has_value());
    if (withCase)
        s.caseId = openCaseFor(store, s.personId, "2025-06-01", [](storage::Case& c) {
            c.priority = "high";
            c.needs = {"food_security", "health"};
            c.vulnerabilities = {"pregnant_lactating"};
            c.consent = storage::Consent{true, "2025-06-01", {"registration", "referral_sharing"}};
        });
    f.setup.store.reset();
    return s;
}

void openCaseView(KioskFixture& f, const SeededCase& s) {
    auto& app = f.kiosk->app();
    app.selection() = kiosk::StaffSelection{s.personId, s.caseId, s.caseCode, kMotherName};
    app.router().requestGo(ScreenId::CaseView);
    f.kiosk->frame();
    f.kiosk->settle();
    REQUIRE(f.kiosk->screen() == ScreenId::CaseView);
}

SeededCase startAtCase(KioskFixture& f, bool withCase) {
    SeededCase s = seedMotherAndChild(f, withCase);
    f.signIn(kStaffLogin, kStaffPin);
    REQUIRE(f.kiosk->app().session().signedIn);
    openCaseView(f, s);
    return s;
}

void checkTouchAndKeys(HeadlessKiosk& k) {
    CHECK(k.smallTargets().empty());
    CHECK(k.duplicateIds().empty());
    CHECK(k.app().i18n().missingKeys().empty());
}

bool reveal(HeadlessKiosk& k, const std::string& key, const std::string& areaPrefix, float bottom) {
    for (int i = 0; i < 12; ++i) {
        auto item = k.probe().find(key);
        if (!item) return false;
        if (item->visible && item->min.y >= 0.f && item->max.y <= bottom) return true;
        std::string anchor;
        for (const auto& other : k.probe().items())
            // The lowest one wholly above `bottom`: one near the top may be
            // partly under the area's top edge, where a press misses the area.
            if (other.visible && other.key.rfind(areaPrefix, 0) == 0 && other.min.y > 150.f && other.max.y < bottom)
                anchor = other.key;
        if (anchor.empty()) return false;
        k.drag(anchor, item->max.y > bottom ? -250.f : 250.f);  // up when its bottom is below, down otherwise
    }
    return false;
}

void dump(HeadlessKiosk& k) {
    for (const auto& item : k.probe().items())
        MESSAGE(item.key << " " << item.min.x << "," << item.min.y << " - " << item.max.x << "," << item.max.y
                         << (item.visible ? "" : " HIDDEN"));
}

}  // namespace chasqui::test
