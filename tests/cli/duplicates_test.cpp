// `chasqui duplicates` as a supervisor runs it: the real binary on a real
// SQLCipher store holding a generated population and one injected pair.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "storage/demo/demo_population.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/cli/cli_run.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using test::has;

namespace {

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) out.push_back(line);
    }
    return out;
}

double scoreOf(const std::string& csvLine) {
    return std::stod(csvLine.substr(csvLine.rfind(',') + 1));
}

struct Kiosk {
    test::TestStore t;
    test::TempDir tmp;
    storage::RegisteredPerson cecilia, sesilia, carmen;

    Kiosk() {
        storage::demo::PersonGenerator people(11, t->today());
        storage::PersonRepository persons(*t.store);
        REQUIRE(t->writeVoid([&](storage::RecordWriter& w) -> storage::Result<void> {
            for (int i = 0; i < 300; ++i)
                if (auto r = persons.add(w, people.next()); !r) return std::unexpected(r.error());
            return {};
        }));
        storage::Person p = test::samplePerson();
        p.givenNames = "Cecilia";
        p.familyName1 = "Valderrama";
        p.familyName2 = "Yépez";
        p.birthDate = "1990-03-04";
        p.docType = "none";
        p.docNumber.clear();
        cecilia = add(persons, p);
        // The same woman typed as heard, day and month of birth swapped.
        p.givenNames = "Sesilia";
        p.familyName1 = "Balderama";
        p.familyName2 = "Llepes";
        p.birthDate = "1990-04-03";
        sesilia = add(persons, p);
        // Her sister: both family names, another given name and birth date.
        p.givenNames = "Carmen";
        p.familyName1 = "Valderrama";
        p.familyName2 = "Yépez";
        p.birthDate = "1993-11-20";
        carmen = add(persons, p);
        t.store.reset();
        std::ofstream(tmp.path() / "admin.pin") << test::kAdminPin << "\n";
        std::ofstream(tmp.path() / "staff.pin") << "73914682\n";
    }
    static storage::RegisteredPerson add(storage::PersonRepository& persons, const storage::Person& p) {
        auto added = persons.add(p);
        REQUIRE(added);
        return *added;
    }
    std::string auth(const std::string& login = test::kAdminLogin, const std::string& pin = "admin.pin") const {
        return fmt::format("--data {} --user {} --pin-file {}", t.dataDir.root.string(), login,
                           (tmp.path() / pin).string());
    }
    test::CliRun run(const std::string& args) const { return test::runChasqui(tmp, args); }
    // The CSV line of the pair, or empty.
    static std::string pairLine(const std::vector<std::string>& rows, const std::string& a, const std::string& b) {
        const std::string prefix = fmt::format("{},{},", std::min(a, b), std::max(a, b));
        for (const auto& row : rows)
            if (row.starts_with(prefix)) return row;
        return {};
    }
};

}  // namespace

TEST_CASE("duplicates lists a pair typed differently, once, as CSV, and not the sister") {
    Kiosk k;
    const auto r = k.run("duplicates --csv " + k.auth());
    REQUIRE(r.exitCode == 0);
    const auto rows = lines(r.out);
    REQUIRE_FALSE(rows.empty());
    CHECK(rows[0] == "person_a,person_b,source_id_a,source_id_b,score");
    const std::string pair = Kiosk::pairLine(rows, k.cecilia.caseCode, k.sesilia.caseCode);
    REQUIRE_FALSE(pair.empty());
    CHECK(has(pair, ",,,"));  // registered on the kiosk: no source ids
    CHECK(scoreOf(pair) >= 0.85);
    CHECK(Kiosk::pairLine(rows, k.cecilia.caseCode, k.carmen.caseCode).empty());
    CHECK(Kiosk::pairLine(rows, k.sesilia.caseCode, k.carmen.caseCode).empty());
    // Each pair once, a < b, best first.
    double previous = 2;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const auto comma = rows[i].find(',');
        const auto comma2 = rows[i].find(',', comma + 1);
        CHECK(rows[i].substr(0, comma) < rows[i].substr(comma + 1, comma2 - comma - 1));
        CHECK(scoreOf(rows[i]) <= previous);
        previous = scoreOf(rows[i]);
    }
    // Names stay out of stderr (progress and the summary).
    CHECK_FALSE(has(r.err, "Valderrama"));
    CHECK_FALSE(has(r.err, "Cecilia"));
    CHECK(has(r.err, "likely duplicates"));

    SUBCASE("the readable table names the same pair") {
        const auto table = k.run("duplicates " + k.auth());
        REQUIRE(table.exitCode == 0);
        CHECK(has(table.out, k.cecilia.caseCode));
        CHECK(has(table.out, k.sesilia.caseCode));
        CHECK_FALSE(has(table.out, "Valderrama"));
    }
    SUBCASE("--min-score filters") {
        const double score = scoreOf(pair);
        const auto high = k.run(fmt::format("duplicates --csv --min-score {:.3f} {}", score + 0.005, k.auth()));
        REQUIRE(high.exitCode == 0);
        const auto highRows = lines(high.out);
        REQUIRE_FALSE(highRows.empty());
        CHECK(highRows[0] == "person_a,person_b,source_id_a,source_id_b,score");
        CHECK(Kiosk::pairLine(highRows, k.cecilia.caseCode, k.sesilia.caseCode).empty());
        for (std::size_t i = 1; i < highRows.size(); ++i) CHECK(scoreOf(highRows[i]) >= score);
        // Lower, more pairs, each at least that score.
        const auto low = k.run("duplicates --csv --min-score 0.6 " + k.auth());
        REQUIRE(low.exitCode == 0);
        const auto lowRows = lines(low.out);
        CHECK(lowRows.size() > rows.size());
        for (std::size_t i = 1; i < lowRows.size(); ++i) CHECK(scoreOf(lowRows[i]) >= 0.6);
        CHECK(k.run("duplicates --csv --min-score 1.5 " + k.auth()).exitCode == 2);
        CHECK(k.run("duplicates --csv --min-score abc " + k.auth()).exitCode == 2);
    }
}

TEST_CASE("duplicates is for supervisors and administrators") {
    Kiosk k;
    REQUIRE(k.run(fmt::format("staff add {} --name 'Rosa Huamán' --role staff --new-pin-file {}", k.auth(),
                              (k.tmp.path() / "staff.pin").string()))
                .exitCode == 0);
    const auto denied = k.run("duplicates --csv " + k.auth("rosa.huaman", "staff.pin"));
    CHECK(denied.exitCode == 3);
    CHECK(denied.out.empty());
    CHECK(has(denied.err, "supervisors"));
    REQUIRE(k.run(fmt::format("staff add {} --name 'Julio Vega' --role supervisor --new-pin-file {}", k.auth(),
                              (k.tmp.path() / "staff.pin").string()))
                .exitCode == 0);
    const auto allowed = k.run("duplicates --csv " + k.auth("julio.vega", "staff.pin"));
    CHECK(allowed.exitCode == 0);
    CHECK(has(allowed.out, "person_a,person_b,source_id_a,source_id_b,score"));
}
