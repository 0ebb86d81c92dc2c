#pragma once
// Search as you type over persons: accent- and case-insensitive prefix search
// on every name part, document number (any type), phone and case code, ranked;
// a name word also matches names that sound the same in Spanish ("Balderama"
// finds "Valderrama", "Llepes" finds "Yépez"; storage/search/phonetic_key.hpp),
// ranked below every spelling match.
// Backed by an FTS5 table kept in the same transaction as the person row:
// column `words` holds the folded names, identifiers and a birth-year token,
// column `sounds` the sound key of each name word. A query term matches
// `words:"term"*` OR, from four letters on, `sounds:"key"` (a prefix for the
// word being typed); terms are AND-ed.
//
// Measured (chasqui-bench storage --persons 100000, a 2-core machine shared
// with other builds, 2026-12-05): search p50 12 / p95 28 ms with the sound
// alternative on every term of three letters or more, 10.4 / 27.5 ms with it
// from four letters and exact except on the last term (this code); names typed as heard
// found the person in the first 20 for 103 of 125 queries. FTS5's trigram
// tokenizer was not measured (no time); it would tolerate letter typos the
// sound keys do not (a dropped letter), at the cost of a larger index and
// no help for "v"/"b" in short names.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/base/sqlite_db.hpp"

namespace chasqui::storage {

struct PersonMatch {
    std::string id;
    std::string caseCode;
    std::string givenNames;
    std::string familyName1;
    std::string familyName2;
    std::string birthDate;
    std::string docType;
    std::string docNumber;
    std::string nationality;
    std::string sex;
    std::string phone;
    std::int64_t rid = 0;
    double score = 0;  // search: relevance; duplicates: similarity in [0, 1]
};

// Refreshes the derived columns and the index entry of one person (by id).
Result<void> indexPerson(Db& db, const std::string& personId);
Result<void> rebuildSearchIndex(Db& db);

// Words a query is made of, normalized for matching ("Pérez-Gómez" -> perez, gomez;
// "TUM-03-00042" -> tum0300042).
std::vector<std::string> searchTerms(std::string_view query);
// Up to `limit` live persons matching every term as a prefix, best first.
// An empty or one-letter query returns nothing.
Result<std::vector<PersonMatch>> searchPersons(Db& db, std::string_view query, std::size_t limit = 20);
// Raw FTS query returning candidate rows (used by the duplicate finder).
Result<std::vector<PersonMatch>> personsMatching(Db& db, const std::string& ftsQuery, int limit);

}  // namespace chasqui::storage
