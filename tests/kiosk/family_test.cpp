// Families from the case view's household section: a household started by
// a person who came alone, a family of four linked (two new members in the
// short form, one person already registered, found by name), each with their
// relation to the head and all shown in the section; a person moved between
// households; the head kept while members remain; and the 5W report counting
// the four people of a household case.
#include <doctest/doctest.h>

#include <string>

#include "storage/records/case_repository.hpp"
#include "storage/records/household_repository.hpp"
#include "storage/reports/report_5w.hpp"
#include "tests/kiosk/support/desk_seed.hpp"

using namespace chasqui;

namespace {

void typeInto(test::HeadlessKiosk& k, const std::string& key, const std::string& text, const char* done = "kb.done") {
    REQUIRE_MESSAGE(k.tap(key), key);
    k.type(text);
    if (!k.has(done))
        for (const auto& item : k.probe().items())
            MESSAGE(item.key << " " << item.min.y << " " << item.max.y << (item.visible ? "" : " hidden"));
    REQUIRE_MESSAGE(k.tap(done), key);
}

// Searches by name in the open family form and taps the one result for `personId`.
void pick(test::HeadlessKiosk& k, const std::string& query, const std::string& personId) {
    REQUIRE(k.tap("family.search"));
    k.type(query);
    REQUIRE(k.tap("kb.done"));
    for (const auto& t : {"family.no_results", "home.search_failed"}) CHECK_FALSE(k.drewText(k.app().i18n().tr(t)));
    REQUIRE_MESSAGE(test::tapInView(k, "family.result." + personId, "family."), query);
}

void addNewMember(test::HeadlessKiosk& k, const char* given, const char* family, const char* sex, const char* birth,
                  const char* relation) {
    REQUIRE(k.tap("family.add_new"));
    typeInto(k, "family.given_names", given);
    typeInto(k, "family.family_name_1", family);
    REQUIRE(test::tapInView(k, std::string("family.sex.") + sex, "family."));
    REQUIRE(test::tapInView(k, "family.birth_date", "family."));
    k.type(birth);
    REQUIRE(k.tap("kb.pad.ok"));
    REQUIRE(test::tapInView(k, std::string("family.relation.") + relation, "family."));
    REQUIRE(k.tap("family.save"));
    k.settle();
    REQUIRE_MESSAGE(!k.has("family.save"), given << " was not saved");
}

std::vector<storage::Person> membersOf(test::KioskFixture& f, const std::string& householdId) {
    f.setup.reopen();
    auto members = storage::PersonRepository(*f.setup.store).householdMembers(householdId);
    REQUIRE(members.has_value());
    auto out = *members;
    f.setup.store.reset();
    return out;
}

std::string relationOf(const std::vector<storage::Person>& members, const std::string& given) {
    for (const auto& m : members)
        if (m.givenNames == given) return m.relationToHead;
    return "(not a member)";
}

}  // namespace

// A person with an open case, as the registration wizard leaves them.
std::string withCase(test::KioskFixture& f, const storage::Person& person) {
    const std::string id = test::seedPerson(f, person);
    f.setup.reopen();
    storage::Case c;
    c.personId = id;
    c.officeId = f.setup.store->session().officeId;
    c.consent = storage::Consent{true, "2025-06-01", {"registration"}};
    c.openedDate = "2025-06-01";
    REQUIRE(storage::CaseRepository(*f.setup.store).open(c).has_value());
    f.setup.store.reset();
    return id;
}

TEST_CASE("family: a family of four linked from the case view, shown in the household, counted as four in the 5W") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    // The head came alone (the wizard's "alone"); her husband was registered on his own before.
    const std::string carmen = withCase(f, test::deskPerson("Carmen", "Rojas", "1988-03-10"));
    storage::Person husband = test::deskPerson("Julio", "Paredes", "1985-11-02");
    husband.sex = "male";
    const std::string julio = test::seedPerson(f, husband);
    f.signIn(test::kStaffLogin, test::kStaffPin);
    test::showCase(f, carmen);
    REQUIRE(k.tap("case.tab.household"));
    CHECK(k.drewText(k.app().i18n().tr("case.household.none")));

    // A household with Carmen as head.
    REQUIRE(k.tap("family.start"));
    typeInto(k, "family.district_name", "tumb");  // found by part of its name
    REQUIRE(k.tap("family.district_name.pick.240101"));
    REQUIRE(k.tap("family.save"));
    CHECK(k.drewText(kiosk::fill(k.app().i18n().tr("case.household.district"), {"Tumbes"})));
    REQUIRE(k.has("family.add_new"));
    // Two children in the short form, and Julio, found by name.
    addNewMember(k, "Lucía", "Paredes", "female", "20072015", "child");
    addNewMember(k, "Mateo", "Paredes", "male", "05012019", "child");
    REQUIRE(k.tap("family.add_existing"));
    pick(k, "Julio", julio);
    REQUIRE(test::tapInView(k, "family.relation.spouse", "family."));
    REQUIRE(k.tap("family.save"));
    CHECK_FALSE(k.has("family.save"));

    // All four in the household section, with their relation to the head.
    const auto& tr = k.app().i18n();
    CHECK(k.drewText(kiosk::fill(tr.tr("family.count"), {"4"})));
    for (const char* name : {"Lucía Paredes", "Mateo Paredes", "Julio Paredes"}) CHECK_MESSAGE(k.drewText(name), name);
    CHECK(k.smallTargets().empty());
    CHECK(k.duplicateIds().empty());
    CHECK(k.app().i18n().missingKeys().empty());
    const storage::Person head = test::storedPerson(f, carmen);
    REQUIRE_FALSE(head.householdId.empty());
    const auto members = membersOf(f, head.householdId);
    CHECK(members.size() == 4);
    CHECK(relationOf(members, "Carmen") == "head");
    CHECK(relationOf(members, "Julio") == "spouse");
    CHECK(relationOf(members, "Lucía") == "child");
    CHECK(relationOf(members, "Mateo") == "child");
    for (const auto& m : members)  // typed DD/MM/AAAA, kept as ISO dates
        if (m.givenNames == "Lucía") CHECK(m.birthDate == "2015-07-20");

    // A household case with one food kit this month reaches the four of them.
    f.setup.reopen();
    storage::PersonalStore& store = *f.setup.store;
    storage::Case c;
    c.householdId = head.householdId;
    c.officeId = store.session().officeId;
    c.openedDate = "2025-06-01";
    auto caseId = storage::CaseRepository(store).open(c);
    REQUIRE(caseId.has_value());
    storage::Assistance a;
    a.caseId = *caseId;
    a.date = "2025-06-10";
    a.sector = "food_security";
    a.type = "food_kit";
    a.unit = "kit";
    a.officeId = store.session().officeId;
    a.staffId = store.session().staffId;
    REQUIRE(storage::CaseRepository(store).recordAssistance(a).has_value());
    auto report = storage::buildReport5W(store, "2025-06");
    REQUIRE(report.has_value());
    CHECK(report->peopleReached == 4);
    CHECK(report->assistanceCount == 1);
    f.setup.store.reset();
}

TEST_CASE("family: a person moved between households; the head stays while members remain") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    const std::string rosa = withCase(f, test::deskPerson("Rosa", "Huamán", "1980-05-05"));
    const std::string ana = withCase(f, test::deskPerson("Ana", "Huamán", "2005-05-05"));
    const std::string eva = withCase(f, test::deskPerson("Eva", "Torres", "1975-01-01"));
    f.setup.reopen();
    storage::HouseholdRepository households(*f.setup.store);
    auto first = households.startHousehold(rosa, "");
    auto second = households.startHousehold(eva, "");
    REQUIRE(first.has_value());
    REQUIRE(second.has_value());
    REQUIRE(households.moveToHousehold(ana, *first, "child").has_value());
    f.setup.store.reset();
    f.signIn(test::kStaffLogin, test::kStaffPin);

    // Rosa heads a household with Ana in it: she cannot be taken out.
    // (The store is read only at the end: a second connection reading while
    // the kiosk runs can hold a lock the kiosk's next write waits on.)
    const auto& tr = k.app().i18n();
    test::showCase(f, rosa);
    REQUIRE(k.tap("case.tab.household"));
    REQUIRE(k.tap("family.leave"));
    CHECK(k.drewText(tr.tr("family.error.head_leaves")));
    CHECK(k.drewText(kiosk::fill(tr.tr("family.count"), {"2"})));

    // Ana moves in with Eva, as her niece.
    test::showCase(f, ana);
    REQUIRE(k.tap("case.tab.household"));
    REQUIRE(k.tap("family.move"));
    pick(k, "Eva", eva);
    REQUIRE(test::tapInView(k, "family.relation.other_relative", "family."));
    REQUIRE(k.tap("family.save"));
    CHECK(k.drewText(tr.tr("family.done.moved")));
    CHECK(k.drewText("Eva Torres"));
    CHECK(k.drewText(kiosk::fill(tr.tr("family.count"), {"2"})));
    CHECK(k.drewText(tr.tr("vocab.relations_to_head.other_relative")));

    // Now alone in her household, Rosa may leave it; it goes with her.
    test::showCase(f, rosa);
    REQUIRE(k.tap("case.tab.household"));
    CHECK(k.drewText(kiosk::fill(tr.tr("family.count"), {"1"})));
    REQUIRE(k.tap("family.leave"));
    CHECK(k.drewText(tr.tr("case.household.none")));

    const storage::Person moved = test::storedPerson(f, ana);
    CHECK(moved.householdId == *second);
    CHECK(moved.relationToHead == "other_relative");
    CHECK(test::storedPerson(f, rosa).householdId.empty());
    CHECK(membersOf(f, *first).empty());
    CHECK(membersOf(f, *second).size() == 2);
    f.setup.reopen();
    auto gone = f.setup.store->db().scalarInt("SELECT deleted FROM households WHERE id = '" + *first + "'");
    REQUIRE(gone.has_value());
    CHECK(*gone == 1);
    f.setup.store.reset();
}
