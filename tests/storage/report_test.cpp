// The monthly 5W report: built through the real repositories on a real
// SQLCipher store, with a small population whose every count is known.
#include <doctest/doctest.h>

#include <string>
#include <tuple>
#include <vector>

#include "storage/keys/staff_admin.hpp"
#include "storage/records/audit_log.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "storage/reports/report_5w.hpp"
#include "tests/support/test_store.hpp"

namespace {

using namespace chasqui::storage;
using chasqui::test::TestStore;

Person person(const std::string& name, const std::string& sex, const std::string& birthDate,
              const std::string& nationality, const std::string& populationType) {
    Person p = chasqui::test::samplePerson();
    p.givenNames = name;
    p.sex = sex;
    p.birthDate = birthDate;
    p.nationality = nationality;
    p.populationType = populationType;
    if (nationality != "VEN") {
        p.docType = "passport";
        p.docNumber = "AB123456";
    }
    return p;
}

// TUM (the session's office, district 240101) and LIM (150101) deliver
// assistance to six live persons in 2025-05, with records in April and June,
// a deleted record and a deleted household member that must not count.
struct KnownPopulation {
    TestStore s;
    PersonRepository persons{*s};
    CaseRepository cases{*s};
    std::string tum = s->session().officeId;
    std::string lim;
    std::string ana, boy, grandmother, father, daughter, removedChild, lucho;
    std::string deletedAssistance;

    KnownPopulation() {
        auto office = s->write<std::string>([](RecordWriter& w) {
            return w.insert("office", {{"code", std::string("LIM")},
                                       {"name", std::string("Oficina Lima")},
                                       {"district", std::string("150101")}});
        });
        REQUIRE(office);
        lim = *office;

        ana = add(person("Ana", "female", "1990-04-12", "VEN", "in_destination"));
        // Turns 6 on 2025-05-20: 0-5 the day before, 6-11 on the day.
        boy = add(person("Beto", "male", "2019-05-20", "COL", "in_transit"));
        grandmother = add(person("Carmen", "female", "1960-01-01", "VEN", "in_destination"));
        father = add(person("Daniel", "male", "1985-07-01", "VEN", "in_destination"));
        daughter = add(person("Elena", "female", "2010-03-03", "VEN", "in_destination"));
        removedChild = add(person("Fabiola", "female", "2012-08-08", "VEN", "in_destination"));
        lucho = add(person("Lucho", "male", "1980-02-02", "VEN", "in_destination"));

        // The family lives in 150132; the boy's household has no district.
        auto family = persons.addHousehold(Household{{}, grandmother, "150132"});
        REQUIRE(family);
        REQUIRE(persons.joinHousehold(grandmother, *family, "head"));
        REQUIRE(persons.joinHousehold(father, *family, "child"));
        REQUIRE(persons.joinHousehold(daughter, *family, "grandchild"));
        REQUIRE(persons.joinHousehold(removedChild, *family, "grandchild"));
        REQUIRE(persons.remove(removedChild));
        auto boyHome = persons.addHousehold(Household{{}, boy, ""});
        REQUIRE(boyHome);
        REQUIRE(persons.joinHousehold(boy, *boyHome, "head"));

        const std::string anaCase = openCase(ana, "");
        assist(anaCase, "2025-05-03", "food_security", "food_kit", tum);
        assist(anaCase, "2025-05-20", "food_security", "hot_meal", tum);
        deletedAssistance = assist(anaCase, "2025-05-21", "food_security", "food_voucher", tum);
        assist(anaCase, "2025-04-30", "health", "primary_care", tum);
        assist(anaCase, "2025-06-01", "health", "primary_care", tum);
        REQUIRE(s->writeVoid([&](RecordWriter& w) { return w.remove("assistance", deletedAssistance); }));

        const std::string boyCase = openCase(boy, "");
        assist(boyCase, "2025-05-19", "health", "primary_care", tum);
        assist(boyCase, "2025-05-20", "health", "primary_care", tum);

        assist(openCase("", *family), "2025-05-10", "wash", "hygiene_kit", tum);
        assist(openCase(grandmother, ""), "2025-05-01", "wash", "hygiene_kit", lim);
        assist(openCase(lucho, ""), "2025-05-31", "protection", "orientation", lim);
    }

    std::string add(const Person& p) {
        auto r = persons.add(p);
        REQUIRE(r);
        return r->id;
    }

    std::string openCase(const std::string& personId, const std::string& householdId) {
        Case c;
        c.personId = personId;
        c.householdId = householdId;
        c.officeId = tum;
        c.openedDate = "2025-03-01";
        auto r = cases.open(c);
        REQUIRE(r);
        return *r;
    }

    std::string assist(const std::string& caseId, const std::string& date, const std::string& sector,
                       const std::string& type, const std::string& officeId) {
        Assistance a;
        a.caseId = caseId;
        a.date = date;
        a.sector = sector;
        a.type = type;
        a.unit = "kit";
        a.officeId = officeId;
        a.staffId = s->session().staffId;
        auto r = cases.recordAssistance(a);
        REQUIRE(r);
        return *r;
    }

    std::int64_t exportAudits(const std::string& month) {
        auto n = s->db().scalarInt(
            "SELECT count(*) FROM audit WHERE action = 'export' AND entity = 'report' "
            "AND record_id = '" +
            month + "'");
        REQUIRE(n);
        return *n;
    }
};

// One line per row, so a failing check prints both tables whole.
std::string table(const Report5W& report) {
    std::string out;
    for (const auto& r : report.rows) {
        out += r.office + " " + r.district + " " + r.sector + " " + r.sex + " " + r.ageGroup + " " + r.nationality +
               " " + r.populationType + " " + std::to_string(r.assistanceCount) + " " +
               std::to_string(r.peopleReached) + "\n";
    }
    return out;
}

std::string sectorTable(const Report5W& report) {
    std::string out;
    for (const auto& t : report.sectors)
        out += t.sector + " " + std::to_string(t.assistanceCount) + " " + std::to_string(t.peopleReached) + "\n";
    return out;
}

std::string countTable(const std::vector<Report5WCount>& counts) {
    std::string out;
    for (const auto& c : counts) out += c.code + " " + std::to_string(c.peopleReached) + "\n";
    return out;
}

}  // namespace

TEST_CASE("the 5W report counts each group of the month exactly") {
    KnownPopulation p;
    auto report = buildReport5W(*p.s, "2025-05");
    REQUIRE(report);
    CHECK(report->month == "2025-05");
    CHECK(report->officeCode == "TUM");
    CHECK(report->officeId == p.tum);
    CHECK(report->generatedAt == chasqui::test::kTestNowMs);
    // Ana: two food records, one person; the deleted third record and her
    // April and June health records are absent. The boy is 0-5 on 19 May and
    // 6-11 on his birthday. The family case reaches its three live members in
    // the household's district; the grandmother's own case at LIM keeps that
    // district; Lucho, with no household, gets LIM's district.
    CHECK(table(*report) ==
          "LIM 150101 protection male 18-59 VEN in_destination 1 1\n"
          "LIM 150132 wash female 60+ VEN in_destination 1 1\n"
          "TUM 150132 wash female 12-17 VEN in_destination 1 1\n"
          "TUM 150132 wash female 60+ VEN in_destination 1 1\n"
          "TUM 150132 wash male 18-59 VEN in_destination 1 1\n"
          "TUM 240101 food_security female 18-59 VEN in_destination 2 1\n"
          "TUM 240101 health male 0-5 COL in_transit 1 1\n"
          "TUM 240101 health male 6-11 COL in_transit 1 1\n");
    // Sectors in vocabulary order; wash reached the grandmother twice.
    CHECK(sectorTable(*report) ==
          "food_security 2 1\n"
          "wash 2 3\n"
          "health 2 1\n"
          "protection 1 1\n");
    CHECK(report->assistanceCount == 7);
    CHECK(report->peopleReached == 6);
    // Ana was helped in April too: a repeat beneficiary; the other five are new.
    CHECK(report->newPeople == 5);
    CHECK(report->repeatPeople == 1);
}

TEST_CASE("the 5W report counts each disaggregation in distinct people, the way a chart shows it") {
    KnownPopulation p;
    auto report = buildReport5W(*p.s, "2025-05");
    REQUIRE(report);
    // The grandmother was reached by two wash records (her own case at LIM
    // and the family's at TUM): one woman, one person of 60+, not two.
    CHECK(countTable(report->bySex) ==
          "female 3\n"
          "male 3\n");
    // The boy turned 6 during the month: he is in both of his groups.
    CHECK(countTable(report->byAgeGroup) ==
          "0-5 1\n"
          "6-11 1\n"
          "12-17 1\n"
          "18-59 3\n"
          "60+ 1\n");
    CHECK(countTable(report->byNationality) ==
          "VEN 5\n"
          "COL 1\n");
    CHECK(countTable(report->byPopulationType) ==
          "in_destination 5\n"
          "in_transit 1\n");
    // Most people first: the family's district, then Tumbes (Ana, the boy), then Lima (Lucho).
    CHECK(countTable(report->byDistrict) ==
          "150132 3\n"
          "240101 2\n"
          "150101 1\n");
}

TEST_CASE("the 5W report counts the people of an assisted household, not the household") {
    // Spec section 1 and 7b: the 5W counts persons ("for whom"), each once.
    // One hygiene kit to a household of four is one assistance and four
    // people reached, each in their own sex and age group.
    TestStore s;
    PersonRepository persons{*s};
    CaseRepository cases{*s};
    std::vector<std::string> family;
    for (const auto& [name, sex, born] :
         std::vector<std::tuple<std::string, std::string, std::string>>{{"Rosa", "female", "1988-01-01"},
                                                                        {"Jose", "male", "1986-02-02"},
                                                                        {"Mia", "female", "2016-03-03"},
                                                                        {"Leo", "male", "2022-04-04"}}) {
        auto added = persons.add(person(name, sex, born, "VEN", "in_transit"));
        REQUIRE(added);
        family.push_back(added->id);
    }
    auto home = persons.addHousehold(Household{{}, family[0], "240101"});
    REQUIRE(home);
    for (std::size_t i = 0; i < family.size(); ++i)
        REQUIRE(persons.joinHousehold(family[i], *home, i == 0 ? "head" : i == 1 ? "spouse" : "child"));
    Case c;
    c.householdId = *home;
    c.officeId = s->session().officeId;
    c.openedDate = "2025-05-01";
    auto caseId = cases.open(c);
    REQUIRE(caseId);
    Assistance a;
    a.caseId = *caseId;
    a.date = "2025-05-02";
    a.sector = "wash";
    a.type = "hygiene_kit";
    a.unit = "kit";
    a.officeId = s->session().officeId;
    a.staffId = s->session().staffId;
    REQUIRE(cases.recordAssistance(a));

    // Mia was seen on her own in April: she is a repeat beneficiary, her family is new.
    Case own;
    own.personId = family[2];
    own.officeId = s->session().officeId;
    own.openedDate = "2025-04-01";
    auto ownCase = cases.open(own);
    REQUIRE(ownCase);
    Assistance april = a;
    april.caseId = *ownCase;
    april.date = "2025-04-20";
    REQUIRE(cases.recordAssistance(april));

    auto report = buildReport5W(*s, "2025-05");
    REQUIRE(report);
    CHECK(report->assistanceCount == 1);
    CHECK(report->peopleReached == 4);
    CHECK(report->newPeople == 3);
    CHECK(report->repeatPeople == 1);
    CHECK(sectorTable(*report) == "wash 1 4\n");
    CHECK(countTable(report->bySex) == "female 2\nmale 2\n");
    CHECK(countTable(report->byAgeGroup) == "0-5 1\n6-11 1\n18-59 2\n");
    CHECK(countTable(report->byDistrict) == "240101 4\n");
}

TEST_CASE("the 5W report of a neighbouring month holds only that month") {
    KnownPopulation p;
    auto april = buildReport5W(*p.s, "2025-04");
    REQUIRE(april);
    CHECK(table(*april) == "TUM 240101 health female 18-59 VEN in_destination 1 1\n");
    auto june = buildReport5W(*p.s, "2025-06");
    REQUIRE(june);
    CHECK(table(*june) == "TUM 240101 health female 18-59 VEN in_destination 1 1\n");
    // Ana's first help is in April (new); by June she has been helped before (repeat).
    CHECK(april->newPeople == 1);
    CHECK(april->repeatPeople == 0);
    CHECK(june->newPeople == 0);
    CHECK(june->repeatPeople == 1);
    auto march = buildReport5W(*p.s, "2025-03");
    REQUIRE(march);
    CHECK(march->rows.empty());
    CHECK(march->sectors.empty());
    CHECK(march->peopleReached == 0);
    CHECK(reportToCsv(*march) ==
          "month,office,district,sector,sex,age_group,nationality,population_type,assistance_count,people_reached\r\n");
}

TEST_CASE("building the 5W report writes an export audit entry") {
    KnownPopulation p;
    CHECK(p.exportAudits("2025-05") == 0);
    REQUIRE(buildReport5W(*p.s, "2025-05"));
    CHECK(p.exportAudits("2025-05") == 1);
    AuditLog log(p.s->db());
    auto problems = log.verify();
    REQUIRE(problems);
    CHECK(problems->empty());
}

TEST_CASE("the 5W report refuses a malformed month and audits nothing") {
    KnownPopulation p;
    for (const char* month : {"", "2025-5", "2025-13", "2025-00", "2014-12", "2100-01", "25-05", "2025/05",
                              "2025-05-01", " 2025-05", "abcd-ef", "2025-0a", "-2025-05"}) {
        CAPTURE(month);
        auto report = buildReport5W(*p.s, month);
        REQUIRE_FALSE(report);
        CHECK(report.error().code == ErrorCode::InvalidInput);
        CHECK(report.error().field == "month");
        CHECK(report.error().message.find("YYYY-MM") != std::string::npos);
    }
    auto n = p.s->db().scalarInt("SELECT count(*) FROM audit WHERE action = 'export'");
    REQUIRE(n);
    CHECK(*n == 0);
    CHECK(buildReport5W(*p.s, "2015-01"));
    CHECK(buildReport5W(*p.s, "2099-12"));
}

TEST_CASE("the 5W report is for supervisors and administrators") {
    TestStore s;
    StaffAdmin admin(*s, KdfParams::minimumForTests());
    REQUIRE(admin.add("Sara Staff", "sara.staff", "staff", "135792"));
    auto staff = PersonalStore::signIn(s.dataDir, "sara.staff", "135792", s.clock);
    REQUIRE(staff);
    auto report = buildReport5W(**staff, "2025-05");
    REQUIRE_FALSE(report);
    CHECK(report.error().code == ErrorCode::PermissionDenied);
}

TEST_CASE("the 5W CSV has the agreed header, one line per row, and RFC 4180 quoting") {
    KnownPopulation p;
    auto report = buildReport5W(*p.s, "2025-05");
    REQUIRE(report);
    const std::string csv = reportToCsv(*report);
    const std::string header =
        "month,office,district,sector,sex,age_group,nationality,population_type,assistance_count,people_reached\r\n";
    REQUIRE(csv.starts_with(header));
    CHECK(csv.substr(header.size()).starts_with("2025-05,LIM,150101,protection,male,18-59,VEN,in_destination,1,1\r\n"));
    CHECK(csv.ends_with("2025-05,TUM,240101,health,male,6-11,COL,in_transit,1,1\r\n"));
    std::size_t lines = 0;
    for (std::size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 2)) ++lines;
    CHECK(lines == report->rows.size() + 1);

    Report5W odd;
    odd.month = "2025-05";
    odd.rows.push_back({"A,B", "say \"hi\"", "two\nlines", "male", "60+", "VEN", "in_transit", 3, 2});
    CHECK(reportToCsv(odd) ==
          header + "2025-05,\"A,B\",\"say \"\"hi\"\"\",\"two\nlines\",male,60+,VEN,in_transit,3,2\r\n");

    // A cell a spreadsheet would run as a formula is written as text.
    Report5W formulas;
    formulas.month = "2025-05";
    formulas.rows.push_back({"=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "60+", "VEN", "in_transit", 1, 1});
    CHECK(reportToCsv(formulas) ==
          header + "2025-05,\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-2,'@SUM(A1),60+,VEN,in_transit,1,1\r\n");
}

TEST_CASE("the 5W report's age groups follow birthdays to the day") {
    CHECK(ageGroupOn("2019-05-20", "2025-05-19") == "0-5");
    CHECK(ageGroupOn("2019-05-20", "2025-05-20") == "6-11");
    CHECK(ageGroupOn("2013-06-01", "2025-05-31") == "6-11");
    CHECK(ageGroupOn("2013-06-01", "2025-06-01") == "12-17");
    CHECK(ageGroupOn("2007-05-31", "2025-05-30") == "12-17");
    CHECK(ageGroupOn("2007-05-31", "2025-05-31") == "18-59");
    CHECK(ageGroupOn("1965-05-01", "2025-04-30") == "18-59");
    CHECK(ageGroupOn("1965-05-01", "2025-05-01") == "60+");
    // A 29 February birthday is reached on 1 March in a common year.
    CHECK(ageGroupOn("2016-02-29", "2022-02-28") == "0-5");
    CHECK(ageGroupOn("2016-02-29", "2022-03-01") == "6-11");
    CHECK(ageGroupOn("2025-05-02", "2025-05-01") == "0-5");
    CHECK(ageGroupOn("", "2025-05-01") == "unknown");
    CHECK(ageGroupOn("1990-4-12", "2025-05-01") == "unknown");
}
