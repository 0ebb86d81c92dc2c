// Edits and family changes made on one kiosk arrive on another through the
// real chasqui-server: a corrected family name and an added need (written
// the way the kiosk's EditService and CaseService write them, through the
// repositories), and a household started with a new member added.
#include <doctest/doctest.h>

#include <string>

#include "storage/records/case_repository.hpp"
#include "storage/records/household_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/server/sync_e2e_fixture.hpp"

using namespace chasqui;
using namespace chasqui::test;
using namespace chasqui::test::e2e;

TEST_SUITE("sync_e2e") {
    TEST_CASE("an edit on kiosk A (a corrected family name, an added need, a family) arrives on kiosk B") {
        Server server;
        Kiosk a("ana.admin", "Ana Admin");
        Kiosk b("beto.admin", "Beto Admin");
        a.enroll(server);
        b.enroll(server);

        storage::Person typo = samplePerson();
        typo.familyName1 = "Peres";
        auto person = storage::PersonRepository(a.store()).add(typo);
        REQUIRE(person.has_value());
        storage::Case c;
        c.personId = person->id;
        c.officeId = a.store().session().officeId;
        c.openedDate = a.store().today();
        c.needs = {"food_security"};
        auto caseId = storage::CaseRepository(a.store()).open(c);
        REQUIRE(caseId.has_value());
        a.syncDirect(server);
        b.syncDirect(server);
        {
            auto seen = storage::PersonRepository(b.store()).get(person->id);
            REQUIRE(seen.has_value());
            REQUIRE(seen->familyName1 == "Peres");
        }

        // On A: the family name corrected, a need added, a household with a child.
        auto stored = storage::PersonRepository(a.store()).get(person->id);
        REQUIRE(stored.has_value());
        stored->familyName1 = "Pérez";
        REQUIRE(storage::PersonRepository(a.store()).update(*stored).has_value());
        auto file = storage::CaseRepository(a.store()).file(*caseId);
        REQUIRE(file.has_value());
        file->record.needs.push_back("shelter");
        REQUIRE(storage::CaseRepository(a.store()).update(file->record).has_value());
        storage::HouseholdRepository households(a.store());
        auto home = households.startHousehold(person->id, "240101");
        REQUIRE(home.has_value());
        storage::Person child = samplePerson();
        child.givenNames = "Sofía";
        child.birthDate = "2016-09-01";
        child.docType = "none";
        child.docNumber.clear();
        auto added = households.addNewMember(child, *home, "child");
        REQUIRE(added.has_value());
        a.syncDirect(server);
        b.syncDirect(server);

        auto onB = storage::PersonRepository(b.store()).get(person->id);
        REQUIRE(onB.has_value());
        CHECK(onB->familyName1 == "Pérez");
        CHECK(onB->householdId == *home);
        CHECK(onB->relationToHead == "head");
        auto caseOnB = storage::CaseRepository(b.store()).file(*caseId);
        REQUIRE(caseOnB.has_value());
        CHECK(caseOnB->record.needs == std::vector<std::string>{"food_security", "shelter"});
        auto members = storage::PersonRepository(b.store()).householdMembers(*home);
        REQUIRE(members.has_value());
        REQUIRE(members->size() == 2);
        auto household = storage::PersonRepository(b.store()).getHousehold(*home);
        REQUIRE(household.has_value());
        CHECK(household->headPersonId == person->id);
        CHECK(household->district == "240101");
        // The whole person and household tables are the same on both kiosks.
        CHECK(firstDifference("person", rowsOf(a.db(), "person"), rowsOf(b.db(), "person")) == "");
        CHECK(firstDifference("household", rowsOf(a.db(), "household"), rowsOf(b.db(), "household")) == "");
        CHECK(server.status().at("conflicts").get<std::int64_t>() == 0);
    }
}
