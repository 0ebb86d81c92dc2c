// "The" case of a person (CaseRepository::currentCase, currentCaseOf): the
// one rule the staff home, the case view and registration use to pick which
// case opens when only a person was chosen.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "storage/base/model.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui::storage;
using namespace chasqui::test;

namespace {

// A person in a household, and a second person alone; no cases yet.
struct Family {
    TestStore ts;
    PersonRepository persons{*ts};
    CaseRepository cases{*ts};
    std::string householdId;
    std::string personId;
    std::string loneId;

    Family() {
        auto household = persons.addHousehold(Household{});
        REQUIRE(household.has_value());
        householdId = *household;
        Person p = samplePerson();
        p.householdId = householdId;
        p.relationToHead = "head";
        auto added = persons.add(p);
        REQUIRE(added.has_value());
        personId = added->id;
        Person lone = samplePerson();
        lone.givenNames = "Rosa";
        lone.docNumber = "V-87.654.321";
        auto other = persons.add(lone);
        REQUIRE(other.has_value());
        loneId = other->id;
    }

    std::string open(bool ofHousehold, const std::string& openedDate) {
        Case c;
        (ofHousehold ? c.householdId : c.personId) = ofHousehold ? householdId : personId;
        c.officeId = ts->session().officeId;
        c.openedDate = openedDate;
        auto id = cases.open(c);
        REQUIRE(id.has_value());
        return *id;
    }

    void close(const std::string& caseId) {
        auto file = cases.file(caseId);
        REQUIRE(file.has_value());
        Case c = file->record;
        c.status = "closed";
        c.closedDate = "2025-06-14";
        REQUIRE(cases.update(c).has_value());
    }

    std::string current(const std::string& id) {
        auto picked = cases.currentCase(id);
        REQUIRE(picked.has_value());
        return *picked;
    }
};

Case aCase(const std::string& id, const std::string& personId, const std::string& status, bool deleted = false) {
    Case c;
    c.meta.id = id;
    c.meta.deleted = deleted;
    c.personId = personId;
    c.householdId = personId.empty() ? "h" : "";
    c.status = status;
    return c;
}

}  // namespace

TEST_CASE("a person with no case has no current case") {
    Family f;
    CHECK(f.current(f.personId).empty());
    CHECK(f.current(f.loneId).empty());
    CHECK(f.current("no-such-person").empty());
}

TEST_CASE("the person's own open case comes before a newer open case of their household") {
    Family f;
    const std::string own = f.open(false, "2025-05-01");
    const std::string household = f.open(true, "2025-06-01");
    CHECK(f.current(f.personId) == own);
    CHECK(f.current(f.personId) != household);
}

TEST_CASE("the newest of the person's own open cases is the current one") {
    Family f;
    f.open(false, "2025-04-01");
    const std::string newer = f.open(false, "2025-06-01");
    CHECK(f.current(f.personId) == newer);
}

TEST_CASE("without an own open case, an open case of the household; then the newest case of any") {
    Family f;
    const std::string own = f.open(false, "2025-06-01");
    const std::string household = f.open(true, "2025-05-01");
    f.close(own);
    CHECK(f.current(f.personId) == household);
    f.close(household);
    CHECK(f.current(f.personId) == own);  // closed, but the newest: its history is still shown
    // Another person's cases never count.
    CHECK(f.current(f.loneId).empty());
}

TEST_CASE("currentCaseOf skips deleted cases and keeps the newest-first order it is given") {
    const std::string me = "p1";
    CHECK(currentCaseOf({}, me).empty());
    CHECK(currentCaseOf({aCase("c1", "", "open"), aCase("c2", me, "open")}, me) == "c2");
    CHECK(currentCaseOf({aCase("c1", me, "open", true), aCase("c2", "", "open")}, me) == "c2");
    CHECK(currentCaseOf({aCase("c1", me, "closed"), aCase("c2", "", "closed")}, me) == "c1");
    CHECK(currentCaseOf({aCase("c1", me, "closed", true), aCase("c2", "", "closed")}, me) == "c2");
    CHECK(currentCaseOf({aCase("c1", me, "closed", true)}, me).empty());
}
