#pragma once
// Likely duplicates of a person about to be registered. Blocking uses the
// search index (name sound keys, birth year) and the normalized document number
// of any type; each candidate is then scored on name similarity (Jaro-Winkler
// over normalized name parts, words that sound the same count as near-equal;
// tolerant to swapped family names and a missing second name or given name),
// date of birth (day and month swapped count as close), document and
// nationality.
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

// One person's names (folded words and their sound keys), birth date,
// document and nationality, prepared once to score many pairs
// (storage/search/duplicate_scan.hpp).
struct ScoringKey {
    std::vector<std::string> given, givenSounds;
    std::vector<std::string> family, familySounds;
    std::string birthDate;
    bool birthDateEstimated = false;
    std::string document;  // compactIdentifier of the number, any type
    std::string nationality;
};
ScoringKey scoringKey(const std::string& givenNames, const std::string& familyName1, const std::string& familyName2,
                      const std::string& birthDate, bool birthDateEstimated, const std::string& docNumber,
                      const std::string& nationality);

struct PairScore {
    double score = 0;
    double nameScore = 0;
    double birthScore = 0;
    bool sameDocument = false;
    bool sameNationality = false;
};
// The score of scoreCandidate; symmetric except that either estimated birth date widens the date tolerance.
PairScore scorePair(const ScoringKey& a, const ScoringKey& b);

}  // namespace chasqui::storage
