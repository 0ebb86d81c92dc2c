// Who lives with whom (storage/records/household_repository.hpp): one head
// named when a household starts, members joining and moving with their
// relation, the head kept while members remain, emptied households going
// away, and every change audited and recorded for sync.
#include <doctest/doctest.h>

#include <string>

#include "storage/records/case_repository.hpp"
#include "storage/records/household_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using namespace chasqui::storage;

namespace {

std::string addPerson(test::TestStore& t, const std::string& given) {
    Person p = test::samplePerson();
    p.givenNames = given;
    p.docType = "none";
    p.docNumber.clear();
    auto added = PersonRepository(*t.store).add(p);
    REQUIRE(added.has_value());
    return added->id;
}

Person stored(test::TestStore& t, const std::string& id) {
    auto p = PersonRepository(*t.store).get(id);
    REQUIRE(p.has_value());
    return *p;
}

std::int64_t count(test::TestStore& t, const std::string& sql) {
    auto n = t.store->db().scalarInt(sql);
    REQUIRE(n.has_value());
    return *n;
}

}  // namespace

TEST_CASE("household: started by a person alone, who becomes its head") {
    test::TestStore t;
    HouseholdRepository households(*t.store);
    const std::string rosa = addPerson(t, "Rosa");
    auto id = households.startHousehold(rosa, "240101");
    REQUIRE(id.has_value());
    CHECK(stored(t, rosa).householdId == *id);
    CHECK(stored(t, rosa).relationToHead == "head");
    auto h = PersonRepository(*t.store).getHousehold(*id);
    REQUIRE(h.has_value());
    CHECK(h->headPersonId == rosa);
    CHECK(h->district == "240101");
    // Already in one: refused, nothing written.
    const std::int64_t changes = count(t, "SELECT count(*) FROM changes");
    auto again = households.startHousehold(rosa, "");
    REQUIRE_FALSE(again.has_value());
    CHECK(again.error().field == "household_id");
    CHECK(count(t, "SELECT count(*) FROM changes") == changes);
}

TEST_CASE("household: members join with their relation; nobody joins as a second head") {
    test::TestStore t;
    HouseholdRepository households(*t.store);
    const std::string rosa = addPerson(t, "Rosa");
    const std::string luis = addPerson(t, "Luis");
    auto home = households.startHousehold(rosa, "");
    REQUIRE(home.has_value());
    auto asHead = households.moveToHousehold(luis, *home, "head");
    REQUIRE_FALSE(asHead.has_value());
    CHECK(asHead.error().field == "relation_to_head");
    REQUIRE(households.moveToHousehold(luis, *home, "spouse").has_value());
    CHECK(stored(t, luis).householdId == *home);
    CHECK(stored(t, luis).relationToHead == "spouse");

    Person child = test::samplePerson();
    child.givenNames = "Ana";
    child.birthDate = "2018-02-03";
    child.docType = "none";
    child.docNumber.clear();
    auto ana = households.addNewMember(child, *home, "child");
    REQUIRE(ana.has_value());
    CHECK(stored(t, ana->id).householdId == *home);
    CHECK(stored(t, ana->id).relationToHead == "child");
    auto members = PersonRepository(*t.store).householdMembers(*home);
    REQUIRE(members.has_value());
    CHECK(members->size() == 3);
    // Each write is audited and goes to sync.
    CHECK(count(t, "SELECT count(*) FROM changes WHERE entity = 'person' AND fields LIKE '%relation_to_head%'") >= 3);
    CHECK(count(t, "SELECT count(*) FROM audit WHERE action = 'update' AND entity = 'person'") >= 2);
}

TEST_CASE("household: the head stays while members remain; an emptied household goes") {
    test::TestStore t;
    HouseholdRepository households(*t.store);
    const std::string rosa = addPerson(t, "Rosa");
    const std::string luis = addPerson(t, "Luis");
    const std::string eva = addPerson(t, "Eva");
    auto first = households.startHousehold(rosa, "");
    auto second = households.startHousehold(eva, "");
    REQUIRE(first.has_value());
    REQUIRE(second.has_value());
    REQUIRE(households.moveToHousehold(luis, *first, "sibling").has_value());

    auto headLeaves = households.leaveHousehold(rosa);
    REQUIRE_FALSE(headLeaves.has_value());
    CHECK(headLeaves.error().field == "relation_to_head");
    auto headMoves = households.moveToHousehold(rosa, *second, "sibling");
    REQUIRE_FALSE(headMoves.has_value());
    CHECK(stored(t, rosa).householdId == *first);

    // Luis moves to Eva's household, then Rosa, now alone, may go too: her
    // household is left with nobody and is tombstoned (no case belongs to it).
    REQUIRE(households.moveToHousehold(luis, *second, "other_relative").has_value());
    CHECK(stored(t, luis).householdId == *second);
    REQUIRE(households.moveToHousehold(rosa, *second, "sibling").has_value());
    CHECK(count(t, "SELECT deleted FROM households WHERE id = '" + *first + "'") == 1);

    // A member leaves and lives alone.
    REQUIRE(households.leaveHousehold(luis).has_value());
    CHECK(stored(t, luis).householdId.empty());
    CHECK(stored(t, luis).relationToHead.empty());
}

TEST_CASE("household: emptied but with a case of its own, it stays without a head") {
    test::TestStore t;
    HouseholdRepository households(*t.store);
    const std::string rosa = addPerson(t, "Rosa");
    auto home = households.startHousehold(rosa, "");
    REQUIRE(home.has_value());
    Case c;
    c.householdId = *home;
    c.officeId = t.store->session().officeId;
    c.openedDate = "2025-06-01";
    REQUIRE(CaseRepository(*t.store).open(c).has_value());
    REQUIRE(households.leaveHousehold(rosa).has_value());
    auto h = PersonRepository(*t.store).getHousehold(*home);
    REQUIRE(h.has_value());
    CHECK(h->headPersonId.empty());
}
