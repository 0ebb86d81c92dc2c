#pragma once
// Realistic, clearly fictitious demo data: people as they come to a PAO
// (Venezuelan, Colombian, Haitian, Ecuadorian and Peruvian names, families,
// documents of every kind or none), with cases, needs, vulnerabilities,
// consent, one or two assistance entries and zero to two referrals each.
// Deterministic for a given seed. Used by `chasqui demo`, the benchmarks and
// the tests; never linked into the kiosk's production paths.
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/base/model.hpp"
#include "storage/db/personal_store.hpp"

namespace chasqui::storage::demo {

class PersonGenerator {
public:
    explicit PersonGenerator(std::uint64_t seed, std::string today = "2025-06-15");
    // A valid person (not saved). Document numbers are unique per generator.
    Person next();
    // A near-duplicate of `original` as registrars make them: a typo, swapped
    // family names, a missing second name, the other document type, a date of
    // birth off by a few days. `kind` picks one (0-4); -1 picks at random.
    Person nearDuplicate(const Person& original, int kind = -1);
    std::mt19937_64& rng() { return m_rng; }

private:
    std::mt19937_64 m_rng;
    std::string m_today;
    std::uint64_t m_serial = 0;
};

struct DemoCounts {
    int persons = 0;
    int households = 0;
    int cases = 0;
    int assistance = 0;
    int referrals = 0;
    int notes = 0;
};

struct DemoOptions {
    int persons = 200;
    std::uint64_t seed = 20250615;
    int batchSize = 250;  // persons per transaction
    // Service ids referrals may point to (from the catalog).
    std::vector<std::string> serviceIds{"demo-health-tumbes-1", "demo-regularization-lima-1", "demo-shelter-tacna-1",
                                        "demo-food-piura-1",    "demo-protection-tumbes-1",   "demo-legal-aid-sjl-1"};
    std::function<void(int done, int total)> progress;
};

// Writes a demo population through the real repositories (record, audit and
// change log, search index) as the signed-in staff member.
Result<DemoCounts> generateDemoPopulation(PersonalStore& store, const DemoOptions& options);

// A folded name word as staff type it when they hear it: one sound-alike
// change (b/v, s/z, c/s before e/i, y/ll, r/rr, qu/k, a silent h), chosen by
// `variant`; nullopt when none applies. For benchmarks and tests of search.
std::optional<std::string> spelledAsHeard(std::string_view foldedWord, std::size_t variant);

}  // namespace chasqui::storage::demo
