#pragma once
// Every likely duplicate pair in the store, for a supervisor reviewing a
// registry (`chasqui duplicates`). Blocking, never all pairs: persons are
// grouped by a family-name sound key with the birth year, a given-name sound
// key with the birth year, a family and a given sound key together (any birth
// date), and the normalized document number (any type); only persons sharing
// a group are scored (storage/search/duplicate_finder.hpp), each pair once.
// Groups larger than `maxGroup` (a very common name in one year at a million
// persons) are left out and counted, so the run stays bounded; their members
// still meet through their other groups.
//
// Reads the whole store's live persons into memory (about 300 bytes each).
// Not thread-safe with writes on the same Db; reports progress through the
// callback, never personal data.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/base/sqlite_db.hpp"
#include "storage/search/duplicate_finder.hpp"

namespace chasqui::storage {

struct DuplicatePair {
    // a < b by case code (then id).
    std::string idA, idB;
    std::string caseCodeA, caseCodeB;
    std::string sourceIdA, sourceIdB;  // empty for persons registered on a kiosk
    PairScore score;
};

struct DuplicateScanOptions {
    double minScore = kLikelyDuplicate;
    std::size_t maxGroup = 2000;
    // Called now and then with (groups done, groups in all).
    std::function<void(std::size_t, std::size_t)> progress;
};

struct DuplicateScan {
    std::vector<DuplicatePair> pairs;  // best score first
    std::size_t persons = 0;
    std::size_t pairsScored = 0;
    std::size_t groupsSkipped = 0;  // larger than maxGroup
};

Result<DuplicateScan> findDuplicatePairs(Db& db, const DuplicateScanOptions& options = {});

}  // namespace chasqui::storage
