#pragma once
// Persons with open cases written straight into a KioskFixture's store (as
// the administrator, before anyone signs in on the kiosk), for the staff
// screens' tests: search, registration's duplicate check, inactivity.

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/kiosk/support/kiosk_fixture.hpp"

namespace chasqui::test {

struct SeededPerson {
    std::string id;
    std::string caseCode;
    std::string caseId;
    std::string name;
};

struct StaffSeed {
    SeededPerson maria;  // María José Pérez Gómez, VEN, cédula V-12.345.678, born 1990-04-12
    SeededPerson juan;   // Juan Carlos Quispe Mamani, PER, DNI 45678912, born 1985-11-03
};

inline SeededPerson seedPerson(storage::PersonalStore& store, const storage::Person& person) {
    auto added = storage::PersonRepository(store).add(person);
    REQUIRE_MESSAGE(added.has_value(), (added ? "" : added.error().message));
    storage::Case record;
    record.personId = added->id;
    record.officeId = store.session().officeId;
    record.openedDate = store.today();
    record.needs = {"health"};
    auto caseId = storage::CaseRepository(store).open(record);
    REQUIRE_MESSAGE(caseId.has_value(), (caseId ? "" : caseId.error().message));
    return {
        added->id, added->caseCode, *caseId,
        person.givenNames + " " + person.familyName1 + (person.familyName2.empty() ? "" : " " + person.familyName2)};
}

inline StaffSeed seedStaffPersons(KioskFixture& f) {
    f.setup.reopen();
    StaffSeed seed;
    seed.maria = seedPerson(*f.setup.store, samplePerson());
    storage::Person juan;
    juan.givenNames = "Juan Carlos";
    juan.familyName1 = "Quispe";
    juan.familyName2 = "Mamani";
    juan.sex = "male";
    juan.birthDate = "1985-11-03";
    juan.nationality = "PER";
    juan.docType = "dni";
    juan.docNumber = "45678912";
    juan.phone = "+51 944 111 222";
    juan.languages = {"es", "qu"};
    juan.populationType = "peruvian_returnee";
    juan.migrationStatus = "national";
    seed.juan = seedPerson(*f.setup.store, juan);
    f.setup.store.reset();
    return seed;
}

}  // namespace chasqui::test
