#pragma once
// Likely duplicates of a person about to be registered. Blocking uses the
// search index (name prefixes, birth year) and the normalized document number
// of any type; each candidate is then scored on name similarity (Jaro-Winkler
// over normalized name parts, tolerant to swapped family names and a missing
// second name or given name), date of birth, document and nationality.
// Returns scored candidates, best first — never a yes/no.
#include <string>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/base/model.hpp"
#include "storage/base/sqlite_db.hpp"
#include "storage/search/search_index.hpp"

namespace chasqui::storage {

struct DuplicateCandidate {
    PersonMatch person;
    double score = 0;       // 0..1
    double nameScore = 0;   // 0..1
    double birthScore = 0;  // 0..1
    bool sameDocument = false;
    bool sameNationality = false;
};

struct DuplicateOptions {
    double minScore = 0.70;  // candidates below are not returned
    std::size_t limit = 10;
};

// Thresholds the kiosk uses to word its warning.
constexpr double kLikelyDuplicate = 0.85;

Result<std::vector<DuplicateCandidate>> findDuplicates(Db& db, const Person& person, DuplicateOptions options = {});

// Scoring alone, exposed for tests.
DuplicateCandidate scoreCandidate(const Person& person, const PersonMatch& candidate);

}  // namespace chasqui::storage
