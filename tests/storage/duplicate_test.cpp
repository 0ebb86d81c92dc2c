// Duplicate candidates on a generated population with injected near-duplicates.
#include <doctest/doctest.h>

#include <fmt/core.h>

#include "storage/demo/demo_population.hpp"
#include "storage/records/person_repository.hpp"
#include "storage/search/duplicate_finder.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using namespace chasqui::storage;

TEST_CASE("scoring: the kinds of near-duplicates registrars make score high, different people low") {
    Person a = test::samplePerson();
    PersonMatch same{"x",   "TUM-01-00001", "María José", "Pérez", "Gómez", "1990-04-12", "cedula_ven", "V12345678",
                     "VEN", "female",       "",           1,       0};
    CHECK(scoreCandidate(a, same).score > 0.95);
    PersonMatch swapped = same;
    swapped.familyName1 = "Gómez";
    swapped.familyName2 = "Pérez";
    swapped.docNumber = "";
    CHECK(scoreCandidate(a, swapped).score >= kLikelyDuplicate);
    PersonMatch typo = swapped;
    typo.familyName1 = "Peres";
    typo.familyName2 = "";
    typo.givenNames = "Maria";
    CHECK(scoreCandidate(a, typo).score >= kLikelyDuplicate);
    PersonMatch otherDoc = same;
    otherDoc.docType = "passport";
    otherDoc.givenNames = "Josefina";
    otherDoc.birthDate = "1970-01-01";
    CHECK(scoreCandidate(a, otherDoc).sameDocument);
    CHECK(scoreCandidate(a, otherDoc).score >= 0.9);
    PersonMatch stranger{"y",   "TUM-01-00002", "Wilmer", "Rodríguez", "Briceño", "1975-11-02", "none", "",
                         "COL", "male",         "",       2,           0};
    CHECK(scoreCandidate(a, stranger).score < 0.5);
    PersonMatch sister = same;  // same family names, different given name and birth date
    sister.givenNames = "Carmen";
    sister.birthDate = "1994-08-30";
    sister.docNumber = "V19876543";
    CHECK(scoreCandidate(a, sister).score < kLikelyDuplicate);
}

TEST_CASE("duplicate detection on a generated population: precision and recall") {
    const int population = test::envInt("CHASQUI_DUP_POPULATION", 10000);
    const int injected = test::envInt("CHASQUI_DUP_INJECTED", 300);
    test::TestStore t;
    demo::PersonGenerator people(7, t->today());
    PersonRepository persons(*t.store);
    std::vector<std::pair<Person, std::string>> originals;  // person, id
    REQUIRE(t->writeVoid([&](RecordWriter& w) -> Result<void> {
        for (int i = 0; i < population; ++i) {
            Person p = people.next();
            auto added = persons.add(w, p);
            if (!added) return std::unexpected(added.error());
            if (static_cast<int>(originals.size()) < injected && i % (population / injected) == 0)
                originals.emplace_back(p, added->id);
        }
        return {};
    }));

    int truePositives = 0, falseNegatives = 0, falsePositives = 0, flagged = 0;
    int kind = 0;
    for (const auto& [original, id] : originals) {
        const Person probe = people.nearDuplicate(original, kind++ % 5);
        auto found = findDuplicates(t->db(), probe);
        REQUIRE(found);
        bool hit = false;
        for (const auto& c : *found) {
            if (c.score < kLikelyDuplicate) continue;
            ++flagged;
            if (c.person.id == id)
                hit = true;
            else
                ++falsePositives;
        }
        hit ? ++truePositives : ++falseNegatives;
    }
    // Fresh people (not in the store) should raise few warnings.
    int freshFlagged = 0;
    demo::PersonGenerator strangers(99991, t->today());
    for (int i = 0; i < injected; ++i) {
        Person fresh = strangers.next();
        fresh.docNumber = fresh.docType == "none" ? "" : fresh.docNumber + "7";
        if (fresh.docType == "dni") fresh.docNumber = fresh.docNumber.substr(0, 8);
        auto found = findDuplicates(t->db(), fresh);
        REQUIRE(found);
        for (const auto& c : *found)
            if (c.score >= kLikelyDuplicate) ++freshFlagged;
    }
    const double recall = static_cast<double>(truePositives) / static_cast<double>(truePositives + falseNegatives);
    const double precision = static_cast<double>(truePositives) /
                             static_cast<double>(std::max(1, truePositives + falsePositives + freshFlagged));
    MESSAGE(
        fmt::format("duplicates: population {}, injected {}: recall {:.3f}, precision {:.3f} "
                    "(flagged {}, wrong candidates {}, warnings on new people {})",
                    population, injected, recall, precision, flagged, falsePositives, freshFlagged));
    CHECK(recall >= 0.90);
    CHECK(precision >= 0.80);
}
