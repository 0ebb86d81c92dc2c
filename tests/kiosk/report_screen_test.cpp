// The 5W report as people read it: bar charts of people reached per sector
// and per disaggregation, named in the reader's language (districts by
// name), and the table whose counts stand under their own headers and whose
// header row stays in sight while it scrolls. Checked on the view model
// (ReportService::view) and on what the screen drew (the UI probe's shapes).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "kiosk/services/report_service.hpp"
#include "storage/base/vocabulary.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/kiosk/support/kiosk_fixture.hpp"

using namespace chasqui;
using kiosk::ScreenId;

namespace {

std::string tr(test::HeadlessKiosk& k, const char* key) {
    return k.app().i18n().tr(key);
}

// Ana (woman, 35, VEN) helped in all 15 sectors, Beto (boy of 13, COL) in the
// first five, Carmen (woman of 70, VEN, living in San Juan de Lurigancho) in
// shelter only: 21 lines in the table, shelter reaching 3 people.
void seedMonth(test::KioskFixture& f) {
    f.setup.reopen();
    storage::PersonalStore& store = *f.setup.store;
    storage::PersonRepository persons(store);
    storage::CaseRepository cases(store);
    const auto person = [&](const char* name, const char* sex, const char* born, const char* nationality,
                            const char* document) {
        storage::Person p = test::samplePerson();
        p.givenNames = name;
        p.sex = sex;
        p.birthDate = born;
        p.nationality = nationality;
        p.docNumber = document;
        if (std::string(nationality) != "VEN") p.docType = "passport";
        auto added = persons.add(p);
        REQUIRE(added.has_value());
        return std::make_pair(added->id, test::openCaseFor(store, added->id, "2025-05-01"));
    };
    const auto assist = [&](const std::string& caseId, std::string_view sector) {
        storage::Assistance a;
        a.caseId = caseId;
        a.date = "2025-06-03";
        a.sector = std::string(sector);
        a.type = std::string(storage::vocab::assistanceTypes(sector).front());
        a.unit = "kit";
        a.officeId = store.session().officeId;
        a.staffId = store.session().staffId;
        REQUIRE(cases.recordAssistance(a).has_value());
    };
    const auto ana = person("Ana", "female", "1990-01-01", "VEN", "V-30.111.221");
    const auto beto = person("Beto", "male", "2012-01-01", "COL", "AB123456");
    const auto carmen = person("Carmen", "female", "1955-01-01", "VEN", "V-30.111.223");
    auto home = persons.addHousehold(storage::Household{{}, carmen.first, "150132"});
    REQUIRE(home.has_value());
    REQUIRE(persons.joinHousehold(carmen.first, *home, "head").has_value());
    const auto sectors = storage::vocab::sectors();
    for (std::size_t i = 0; i < sectors.size(); ++i) {
        assist(ana.second, sectors[i]);
        if (i < 5) assist(beto.second, sectors[i]);
    }
    assist(carmen.second, "shelter");
    f.setup.store.reset();
}

void openReport(test::KioskFixture& f) {
    auto& k = *f.kiosk;
    f.signIn(test::kSupervisorLogin, test::kSupervisorPin);
    REQUIRE(k.tap("home.supervisor"));
    k.settle();
    REQUIRE(k.tap("super.report"));
    k.settle();
    REQUIRE(k.screen() == ScreenId::Report);
}

float bar(test::HeadlessKiosk& k, const std::string& key) {
    auto shape = k.probe().findShape(key);
    REQUIRE_MESSAGE(shape.has_value(), key);
    return shape->width();
}

}  // namespace

TEST_CASE("report view model: one chart per sector and disaggregation, labels as catalog keys, rows in header order") {
    storage::Report5W r;
    r.assistanceCount = 4;
    r.peopleReached = 3;
    r.sectors = {{"shelter", 3, 3}, {"health", 1, 1}};
    r.bySex = {{"female", 2}, {"male", 1}};
    r.byAgeGroup = {{"12-17", 1}, {"60+", 1}};
    r.byNationality = {{"VEN", 2}, {"COL", 1}};
    r.byPopulationType = {{"in_destination", 3}};
    r.byDistrict = {{"150132", 1}, {"999999", 2}};
    r.rows = {{"TUM", "150132", "shelter", "female", "60+", "VEN", "in_destination", 1, 1}};
    const kiosk::ReportView v = kiosk::ReportService::view(r);
    CHECK(v.assistanceCount == 4);
    CHECK(v.peopleReached == 3);
    std::vector<std::string> ids;
    for (const auto& chart : v.charts) ids.push_back(chart.id);
    CHECK(ids == std::vector<std::string>{"sector", "sex", "age", "nationality", "population", "district"});
    const auto& sectors = v.charts[0];
    CHECK(sectors.withAssistance);
    CHECK(sectors.maxPeople == 3);
    REQUIRE(sectors.bars.size() == 2);
    CHECK(sectors.bars[0].label.key == "vocab.sectors.shelter");
    CHECK(sectors.bars[1].people == 1);
    CHECK(v.charts[2].bars[1].label.key == "report.age.60+");
    const auto& districts = v.charts[5];
    CHECK(districts.maxPeople == 2);
    CHECK(districts.bars[0].label.key == "vocab.districts.150132");
    CHECK(districts.bars[1].label.code == "999999");  // no name anywhere: the code is what is left
    // Each cell under its own header: sector, sex, age, nationality, population, district.
    REQUIRE(v.rows.size() == 1);
    CHECK(v.rows[0].cells[0].key == "vocab.sectors.shelter");
    CHECK(v.rows[0].cells[1].key == "vocab.sexes.female");
    CHECK(v.rows[0].cells[2].key == "report.age.60+");
    CHECK(v.rows[0].cells[3].key == "vocab.nationalities.VEN");
    CHECK(v.rows[0].cells[4].key == "vocab.population_types.in_destination");
    CHECK(v.rows[0].cells[5].key == "vocab.districts.150132");
    CHECK(kiosk::ReportView::kColumns[5] == "report.col.district");
    // A month with no help at all has no chart.
    CHECK(kiosk::ReportService::view(storage::Report5W{}).charts.empty());
}

TEST_CASE("report screen: bars scaled to the people they count, named in the reader's language") {
    test::KioskFixture f;
    seedMonth(f);
    openReport(f);
    auto& k = *f.kiosk;
    CHECK(k.drewText(kiosk::fill(tr(k, "report.totals"), {"21", "3"})));
    CHECK(k.drewText(kiosk::fill(tr(k, "report.new_repeat"), {"3", "0"})));
    for (const char* title : {"report.chart.sector", "report.chart.sex", "report.chart.age", "report.chart.nationality",
                              "report.chart.population", "report.chart.district"})
        CHECK_MESSAGE(k.drewText(tr(k, title)), title);
    // Sectors in the spec's order: shelter (3 people) is the longest bar,
    // food security (2) two thirds of it, education (Ana alone) a third.
    const float shelter = bar(k, "report.bar.sector.0");
    CHECK(shelter > 300.f);
    CHECK(std::fabs(bar(k, "report.bar.sector.1") - shelter * 2.f / 3.f) < 1.5f);
    CHECK(std::fabs(bar(k, "report.bar.sector.5") - shelter / 3.f) < 1.5f);
    CHECK(k.drewText(kiosk::fill(tr(k, "report.bar.people_assistance"), {"3", "3"})));
    // Two women, one man.
    CHECK(std::fabs(bar(k, "report.bar.sex.1") - bar(k, "report.bar.sex.0") / 2.f) < 1.5f);
    CHECK(k.drewText("Mujer"));
    CHECK(k.drewText("12 a 17 años"));
    CHECK(k.drewText("60 años o más"));
    CHECK(k.drewText("Colombia"));
    // Districts by name: Ana and Beto in the office's Tumbes, Carmen at home.
    CHECK(k.drewText("Tumbes"));
    CHECK(k.drewText("San Juan de Lurigancho"));
    CHECK_FALSE(k.drewText("150132"));
    CHECK_FALSE(k.drewText("240101"));
    CHECK(k.smallTargets().empty());
    CHECK(k.duplicateIds().empty());
    CHECK(k.app().i18n().missingKeys().empty());

    // A reader in English gets the same bars in English words (the welcome
    // screen's language choice, set directly here).
    k.app().i18n().setLanguage("en");
    k.frame();
    CHECK(k.drewText("People reached by district"));
    CHECK(k.drewText("12 to 17 years"));
    CHECK(k.drewText("San Juan de Lurigancho"));
}

TEST_CASE("report table: each count under its own header, and the header row stays while the lines scroll") {
    test::KioskFixture f;
    seedMonth(f);
    openReport(f);
    auto& k = *f.kiosk;
    REQUIRE(k.tap("report.show.table"));
    k.settle();
    const auto headAssistance = k.probe().findShape("report.head.6");
    const auto headPeople = k.probe().findShape("report.head.7");
    REQUIRE(headAssistance.has_value());
    REQUIRE(headPeople.has_value());
    CHECK(k.drewText(tr(k, "report.col.people")));
    int checked = 0;
    for (const auto& shape : k.probe().shapes()) {
        if (shape.key.rfind("report.cell.", 0) != 0) continue;
        const auto& head = shape.key.back() == '6' ? *headAssistance : *headPeople;
        // Right-aligned numbers end where their header's word ends, and
        // start inside that word's column, never under the neighbour's.
        CHECK_MESSAGE(std::fabs(shape.max.x - head.max.x) < 1.5f, shape.key);
        CHECK_MESSAGE(shape.min.x >= head.min.x - 1.f, shape.key);
        CHECK_MESSAGE(shape.min.y > head.max.y, shape.key);
        ++checked;
    }
    CHECK(checked >= 10);
    CHECK(k.drewText("San Juan de Lurigancho"));
    CHECK_FALSE(k.drewText("150132"));

    // 21 lines do not fit: dragging the table moves the lines, not the header.
    const auto firstRow = k.probe().findShape("report.cell.0.7");
    REQUIRE(firstRow.has_value());
    REQUIRE(k.drag("report.table", -900.f));
    k.settle();
    const auto headAfter = k.probe().findShape("report.head.7");
    REQUIRE(headAfter.has_value());
    CHECK(headAfter->min.y == doctest::Approx(headPeople->min.y));
    const auto firstAfter = k.probe().findShape("report.cell.0.7");
    CHECK((!firstAfter.has_value() || firstAfter->min.y < firstRow->min.y - 100.f));
    CHECK(k.probe().findShape("report.cell.20.7").has_value());  // the last line came into view
    CHECK(k.smallTargets().empty());
    CHECK(k.duplicateIds().empty());
}
