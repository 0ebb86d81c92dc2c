// What the case view keeps discreet and how it names places: sensitive
// vulnerabilities and needs (GBV, trafficking, LGBTIQ+) only as a neutral
// count until staff tap, hidden again on leaving; a district by its name.
#include <doctest/doctest.h>

#include <string>

#include "kiosk/screens/case_view_screen.hpp"
#include "storage/base/vocabulary.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/kiosk/support/case_seed.hpp"

using namespace chasqui;
using kiosk::ScreenId;

TEST_CASE("case view: sensitive vulnerabilities and needs stay hidden until staff tap, and hide again on leaving") {
    test::KioskFixture f;
    test::SeededCase s = test::seedMotherAndChild(f, false);
    {
        f.setup.reopen();
        storage::PersonalStore& store = *f.setup.store;
        s.caseId = test::openCaseFor(store, s.personId, "2025-06-01", [](storage::Case& c) {
            c.needs = {"health", "gbv"};
            c.vulnerabilities = {"pregnant_lactating", "gbv_survivor", "trafficking_victim"};
            c.consent = storage::Consent{true, "2025-06-01", {"registration"}};
        });
        const auto& session = store.session();
        for (const auto& [sector, type] : {std::pair{"gbv", "gbv_case_management"}, {"health", "primary_care"}})
            REQUIRE(storage::CaseRepository(store)
                        .recordAssistance(storage::Assistance{
                            {}, s.caseId, "2025-06-02", sector, type, 1, "session", session.officeId, session.staffId})
                        .has_value());
        f.setup.store.reset();
    }
    f.signIn(test::kStaffLogin, test::kStaffPin);
    test::openCaseView(f, s);
    auto& k = *f.kiosk;
    const auto& i18n = k.app().i18n();
    const std::string gbvSurvivor = i18n.tr("vocab.vulnerabilities.gbv_survivor");
    const std::string trafficking = i18n.tr("vocab.vulnerabilities.trafficking_victim");
    const std::string gbvNeed = i18n.tr("vocab.sectors.gbv");
    const std::string gbvAssistance = i18n.tr("vocab.assistance_types.gbv_case_management");
    const auto sensitiveDrawn = [&] {
        return k.drewText(gbvSurvivor) || k.drewText(trafficking) || k.drewText(gbvNeed) || k.drewText("Violencia") ||
               k.drewText("trata") || k.drewText(gbvAssistance);
    };

    REQUIRE(k.tap("case.tab.needs"));
    // The rest shows as before; the sensitive ones only as a neutral count.
    CHECK(k.drewText("Salud"));
    CHECK(k.drewText("Gestante o lactante"));
    CHECK_FALSE(sensitiveDrawn());
    CHECK(k.drewText(kiosk::fill(i18n.tr("case.sensitive.show"), {"2"})));
    CHECK(k.drewText(kiosk::fill(i18n.tr("case.sensitive.show"), {"1"})));
    test::checkTouchAndKeys(k);

    REQUIRE(k.tap("case.needs.vulnerabilities.sensitive"));
    CHECK(k.drewText(gbvSurvivor));
    CHECK(k.drewText(trafficking));
    CHECK(k.drewText(gbvNeed));  // one tap shows every sensitive word of this case
    CHECK(k.has("case.needs.vulnerabilities.sensitive.hide"));
    test::checkTouchAndKeys(k);
    // Shown, the words push the button down: bring it into view before the tap.
    REQUIRE(test::reveal(k, "case.needs.vulnerabilities.sensitive.hide", "case.needs."));
    REQUIRE(k.tap("case.needs.vulnerabilities.sensitive.hide"));
    CHECK_FALSE(k.has("case.needs.vulnerabilities.sensitive.hide"));
    // Back up to where the case's needs are summed up (further down, the needs
    // form lists every sector as a chip, the sensitive ones included).
    REQUIRE(test::reveal(k, "case.needs.vulnerabilities.sensitive", "case.needs."));
    CHECK_FALSE(sensitiveDrawn());

    // Shown, then the staff member records assistance and comes back: hidden again.
    REQUIRE(k.tap("case.needs.sectors.sensitive"));
    CHECK(k.drewText(gbvSurvivor));
    REQUIRE(k.tap("case.assist"));
    k.settle();
    REQUIRE(k.screen() == ScreenId::Assistance);
    REQUIRE(k.tap("nav.back"));
    k.settle();
    REQUIRE(k.screen() == ScreenId::CaseView);
    REQUIRE(k.tap("case.tab.needs"));
    CHECK_FALSE(sensitiveDrawn());

    // Every other tab of the case keeps them out too.
    for (const char* tab :
         {"case.tab.profile", "case.tab.household", "case.tab.assistance", "case.tab.referrals", "case.tab.notes"}) {
        REQUIRE(k.tap(tab));
        CHECK_MESSAGE(!sensitiveDrawn(), tab);
    }
    // Assistance in a sensitive sector: the other row as usual, this one a
    // neutral button that shows the sector and the type.
    REQUIRE(k.tap("case.tab.assistance"));
    CHECK(k.drewText(i18n.tr("vocab.assistance_types.primary_care")));
    std::string hiddenRow;
    for (const auto& item : k.probe().items())
        if (item.key.rfind("case.assistance.", 0) == 0 && item.key.ends_with(".sensitive")) hiddenRow = item.key;
    REQUIRE_FALSE(hiddenRow.empty());
    REQUIRE(k.tap(hiddenRow));
    CHECK(k.drewText(gbvNeed));
    CHECK(k.drewText(gbvAssistance));
    test::checkTouchAndKeys(k);
}

TEST_CASE("the sensitive codes are decided once, below the screens") {
    using namespace storage::vocab;
    for (auto code : vulnerabilities())
        CHECK_MESSAGE(sensitiveVulnerability(code) ==
                          (code == "gbv_survivor" || code == "trafficking_victim" || code == "lgbtiq"),
                      code);
    for (auto code : sectors())
        CHECK_MESSAGE(sensitiveSector(code) == (code == "gbv" || code == "trafficking_smuggling"), code);
}

TEST_CASE("case view: a household district no catalog service names is shown by its name, not its UBIGEO code") {
    test::KioskFixture f;
    test::SeededCase s;
    {
        f.setup.reopen();
        storage::PersonalStore& store = *f.setup.store;
        storage::PersonRepository persons(store);
        auto added = persons.add(test::samplePerson());
        REQUIRE(added.has_value());
        s.personId = added->id;
        s.caseCode = added->caseCode;
        auto home = persons.addHousehold(storage::Household{{}, s.personId, "150142"});
        REQUIRE(home.has_value());
        REQUIRE(persons.joinHousehold(s.personId, *home, "head").has_value());
        s.caseId = test::openCaseFor(store, s.personId, "2025-06-01");
        f.setup.store.reset();
    }
    f.signIn(test::kStaffLogin, test::kStaffPin);
    test::openCaseView(f, s);
    auto& k = *f.kiosk;
    REQUIRE(k.tap("case.tab.household"));
    CHECK(k.drewText("Villa El Salvador"));
    CHECK_FALSE(k.drewText("150142"));
}
