// A conflict that remains is shown in the reader's words: a set of codes left
// from before sets merged element by element (a case's needs) reads as the
// list of their names, never as "food_security,shelter".
#include <doctest/doctest.h>

#include <string>

#include "kiosk/core/translations.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/kiosk/support/kiosk_fixture.hpp"
#include "tests/support/conflict_seed.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using kiosk::ScreenId;

TEST_CASE("a conflict on a case's needs shows the needs' names in the reader's language, not codes") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    f.setup.reopen();
    auto person = storage::PersonRepository(*f.setup.store).add(test::samplePerson());
    REQUIRE(person.has_value());
    storage::Case c;
    c.personId = person->id;
    c.officeId = f.setup.store->session().officeId;
    c.openedDate = "2025-05-01";
    c.needs = {"food_security", "shelter"};
    auto caseId = storage::CaseRepository(*f.setup.store).open(c);
    REQUIRE(caseId.has_value());
    test::ConflictSeed needs;
    needs.entity = "case";
    needs.recordId = *caseId;
    needs.field = "needs";
    needs.kept = "food_security,shelter";
    needs.lost = "health";
    needs.keptAtMs = test::kTestNowMs - 3'600'000;
    needs.lostAtMs = test::kTestNowMs - 7'200'000;
    REQUIRE_FALSE(test::seedConflict(*f.setup.store, needs).empty());
    f.setup.store.reset();

    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    REQUIRE(k.tap("home.supervisor"));
    k.settle();
    REQUIRE(k.tap("super.conflicts"));
    k.settle();
    REQUIRE(k.screen() == ScreenId::Conflicts);
    const auto& i18n = k.app().i18n();
    CHECK(k.drewText(std::string(i18n.tr("vocab.sectors.food_security")) + ", " + i18n.tr("vocab.sectors.shelter")));
    CHECK(k.drewText(i18n.tr("vocab.sectors.health")));
    CHECK_FALSE(k.drewText("food_security,shelter"));
    CHECK_FALSE(k.drewText("health"));
}
