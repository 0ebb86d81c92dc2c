#pragma once
// People put on a kiosk fixture's store before the kiosk signs in (the
// setup store is opened and closed around each call), and the way the staff
// home's search leaves the case view: the person selected, the screen shown.
#include <string>

#include <doctest/doctest.h>

#include "storage/base/model.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/kiosk/support/kiosk_fixture.hpp"
#include "tests/kiosk/support/scrolling.hpp"

namespace chasqui::test {

// A person with no document (so several can share the sample's details).
inline storage::Person deskPerson(const std::string& given, const std::string& family, const std::string& birth) {
    storage::Person p = samplePerson();
    p.givenNames = given;
    p.familyName1 = family;
    p.familyName2.clear();
    p.birthDate = birth;
    p.docType = "none";
    p.docNumber.clear();
    return p;
}

inline std::string seedPerson(KioskFixture& f, const storage::Person& person) {
    f.setup.reopen();
    auto added = storage::PersonRepository(*f.setup.store).add(person);
    REQUIRE(added.has_value());
    f.setup.store.reset();
    return added->id;
}

// What the store holds of a person, read without an audit entry: the
// running kiosk keeps the audit chain's head, so the test writes none while
// it runs.
inline storage::Person storedPerson(KioskFixture& f, const std::string& id) {
    f.setup.reopen();
    auto row = f.setup.store->db().readOne(
        "SELECT given_names, family_name_1, family_name_2, birth_date, household_id, relation_to_head FROM persons "
        "WHERE id = ?",
        [](const storage::Stmt& s) {
            storage::Person p;
            p.givenNames = s.text(0);
            p.familyName1 = s.text(1);
            p.familyName2 = s.text(2);
            p.birthDate = s.text(3);
            p.householdId = s.text(4);
            p.relationToHead = s.text(5);
            return p;
        },
        id);
    REQUIRE(row.has_value());
    REQUIRE(row->has_value());
    storage::Person out = **row;
    f.setup.store.reset();
    return out;
}

// Straight to the case view of `personId`, as the search would leave it.
inline void showCase(KioskFixture& f, const std::string& personId) {
    auto& app = f.kiosk->app();
    if (f.kiosk->screen() == kiosk::ScreenId::CaseView) {  // leave it, so that it loads the new person on entry
        app.router().requestGo(kiosk::ScreenId::StaffHome);
        f.kiosk->frame();
    }
    app.selection().clear();
    app.selection().personId = personId;
    app.router().requestGo(kiosk::ScreenId::CaseView);
    f.kiosk->frame();
    f.kiosk->settle();
    REQUIRE(f.kiosk->screen() == kiosk::ScreenId::CaseView);
}

}  // namespace chasqui::test
