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

}  // namespace chasqui::test
