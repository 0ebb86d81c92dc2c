#include "storage/search/duplicate_finder.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <set>

#include <fmt/format.h>

#include "storage/base/clock.hpp"
#include "storage/base/text.hpp"
#include "storage/search/phonetic_key.hpp"

namespace chasqui::storage {

namespace {

// How alike two name words are: Jaro-Winkler on the spelling, and nearly a
// match when they sound the same ("balderama"/"valderrama" spell apart more
// than a one-letter typo but are the same name).
double wordSimilarity(const std::string& a, const std::string& aSound, const std::string& b,
                      const std::string& bSound) {
    const double spelled = jaroWinkler(a, b);
    if (!aSound.empty() && aSound == bSound) return std::max(spelled, 0.96);
    // Below about 0.88 two names are different names, not a typo
    // ("daniela"/"camila" 0.78): weigh them down, or one shared family name and
    // a close birth date make siblings and namesakes look like duplicates.
    return spelled >= 0.88 ? spelled : spelled * 0.7;
}

// Average over the words of the shorter list of their best match in the
// longer one: "maria jose" vs "maria" scores 1.0 (a missing second name is
// common), while "maria" vs "jose" scores low.
double wordSetSimilarity(const std::vector<std::string>& a, const std::vector<std::string>& aSounds,
                         const std::vector<std::string>& b, const std::vector<std::string>& bSounds) {
    if (a.empty() || b.empty()) return 0;
    const bool aShorter = a.size() <= b.size();
    const auto& shorter = aShorter ? a : b;
    const auto& shorterSounds = aShorter ? aSounds : bSounds;
    const auto& longer = aShorter ? b : a;
    const auto& longerSounds = aShorter ? bSounds : aSounds;
    double total = 0;
    for (std::size_t i = 0; i < shorter.size(); ++i) {
        double best = 0;
        for (std::size_t j = 0; j < longer.size(); ++j)
            best = std::max(best, wordSimilarity(shorter[i], shorterSounds[i], longer[j], longerSounds[j]));
        total += best;
    }
    return total / static_cast<double>(shorter.size());
}

std::vector<std::string> soundsOf(const std::vector<std::string>& words) {
    std::vector<std::string> out;
    out.reserve(words.size());
    for (const auto& w : words) out.push_back(phoneticKey(w));
    return out;
}

// The number in `digits`, 0 when it is not one (dates here were validated
// when stored; a damaged one only weakens its own candidate).
int number(std::string_view digits) {
    int value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return ec == std::errc{} && end == digits.data() + digits.size() ? value : 0;
}

std::int64_t dayNumber(std::string_view iso) {
    if (iso.size() != 10) return 0;
    return daysFromCivil(number(iso.substr(0, 4)), static_cast<unsigned>(number(iso.substr(5, 2))),
                         static_cast<unsigned>(number(iso.substr(8, 2))));
}

double birthSimilarity(const std::string& a, const std::string& other, bool estimated) {
    if (a.empty() || other.empty()) return 0.3;
    if (a == other) return 1.0;
    if (a.size() != 10 || other.size() != 10) return 0;
    const std::int64_t gap = std::llabs(dayNumber(a) - dayNumber(other));
    // Day and month swapped (04-12 vs 12-04) is a classic typing error.
    if (a.substr(0, 4) == other.substr(0, 4) && a.substr(5, 2) == other.substr(8, 2) &&
        a.substr(8, 2) == other.substr(5, 2))
        return 0.9;
    if (gap <= 31) return 0.8;
    if (gap <= 366) return estimated ? 0.7 : 0.35;
    if (gap <= 3 * 366 && estimated) return 0.4;
    return 0;
}

// The distinct sound keys of a name's words (one-letter words say nothing).
std::vector<std::string> soundKeys(const std::vector<std::string>& words) {
    std::vector<std::string> out;
    for (const auto& w : words) {
        if (w.size() < 2) continue;
        std::string key = phoneticKey(w);
        if (key.size() >= 2 && std::find(out.begin(), out.end(), key) == out.end()) out.push_back(std::move(key));
    }
    return out;
}

}  // namespace

ScoringKey scoringKey(const std::string& givenNames, const std::string& familyName1, const std::string& familyName2,
                      const std::string& birthDate, bool birthDateEstimated, const std::string& docNumber,
                      const std::string& nationality) {
    ScoringKey k;
    k.given = splitWords(foldForSearch(givenNames));
    k.family = splitWords(foldForSearch(familyName1 + " " + familyName2));
    k.givenSounds = soundsOf(k.given);
    k.familySounds = soundsOf(k.family);
    k.birthDate = birthDate;
    k.birthDateEstimated = birthDateEstimated;
    k.document = compactIdentifier(docNumber);
    k.nationality = nationality;
    return k;
}

PairScore scorePair(const ScoringKey& p, const ScoringKey& c) {
    PairScore out;
    const double givenSim = wordSetSimilarity(p.given, p.givenSounds, c.given, c.givenSounds);
    // Word sets make the order of family names irrelevant (swapped names).
    const double familySim = wordSetSimilarity(p.family, p.familySounds, c.family, c.familySounds);
    // Given and family names entered in each other's fields.
    const double crossed = (wordSetSimilarity(p.given, p.givenSounds, c.family, c.familySounds) +
                            wordSetSimilarity(p.family, p.familySounds, c.given, c.givenSounds)) /
                           2.0;
    out.nameScore = std::max(0.55 * familySim + 0.45 * givenSim, crossed * 0.95);
    out.birthScore = birthSimilarity(p.birthDate, c.birthDate, p.birthDateEstimated || c.birthDateEstimated);
    out.sameDocument = !p.document.empty() && p.document == c.document;
    out.sameNationality = !p.nationality.empty() && p.nationality == c.nationality;
    double score = 0.62 * out.nameScore + 0.30 * out.birthScore + (out.sameNationality ? 0.08 : 0.0);
    // A near-zero name match is not made a duplicate by birth date alone.
    if (out.nameScore < 0.6) score = std::min(score, 0.5);
    if (out.sameDocument) score = std::max(score, 0.9 + 0.1 * out.nameScore);
    out.score = std::clamp(score, 0.0, 1.0);
    return out;
}

DuplicateCandidate scoreCandidate(const Person& p, const PersonMatch& c) {
    const ScoringKey pk = scoringKey(p.givenNames, p.familyName1, p.familyName2, p.birthDate, p.birthDateEstimated,
                                     p.docNumber, p.nationality);
    const ScoringKey ck =
        scoringKey(c.givenNames, c.familyName1, c.familyName2, c.birthDate, false, c.docNumber, c.nationality);
    const PairScore s = scorePair(pk, ck);
    DuplicateCandidate out;
    out.person = c;
    out.score = s.score;
    out.nameScore = s.nameScore;
    out.birthScore = s.birthScore;
    out.sameDocument = s.sameDocument;
    out.sameNationality = s.sameNationality;
    return out;
}

Result<std::vector<DuplicateCandidate>> findDuplicates(Db& db, const Person& p, DuplicateOptions options) {
    const auto given = soundKeys(splitWords(foldForSearch(p.givenNames)));
    const auto family = soundKeys(splitWords(foldForSearch(p.familyName1 + " " + p.familyName2)));
    // Blocking keys are sound keys (storage/search/phonetic_key.hpp), so that
    // b/v, s/z/c, y/ll, h, ñ and doubled letters never keep a candidate out;
    // each selective enough to stay fast at a million persons: a family and a
    // given name with the birth year, one name with the birth year (a typo in
    // the others; day and month swapped keep the year), and a family and a
    // given name with any birth date. Family names are a set, so swapped
    // family names and a missing second name block alike.
    std::vector<std::string> years;
    if (p.birthDate.size() >= 4) {
        const int year = number(std::string_view(p.birthDate).substr(0, 4));
        years.push_back(fmt::format("y{}", year));
        if (p.birthDateEstimated) {
            years.push_back(fmt::format("y{}", year - 1));
            years.push_back(fmt::format("y{}", year + 1));
        }
    }
    std::vector<std::string> queries;
    for (const auto& y : years) {
        for (const auto& f : family)
            for (const auto& g : given)
                queries.push_back(fmt::format("sounds:\"{}\" AND sounds:\"{}\" AND words:\"{}\"", f, g, y));
        for (const auto& f : family) queries.push_back(fmt::format("sounds:\"{}\" AND words:\"{}\"", f, y));
        for (const auto& g : given) queries.push_back(fmt::format("sounds:\"{}\" AND words:\"{}\"", g, y));
    }
    for (const auto& f : family) {
        if (f.size() < 3) continue;
        for (const auto& g : given) queries.push_back(fmt::format("sounds:\"{}\" AND sounds:\"{}\"", f, g));
    }
    std::set<std::int64_t> seen;
    std::vector<DuplicateCandidate> scored;
    auto consider = [&](std::vector<PersonMatch>& found) {
        for (auto& m : found) {
            if (!seen.insert(m.rid).second || m.id == p.meta.id) continue;
            DuplicateCandidate c = scoreCandidate(p, m);
            if (c.score >= options.minScore) scored.push_back(std::move(c));
        }
    };
    for (const auto& q : queries) {
        auto found = personsMatching(db, q, 300);
        if (!found) return std::unexpected(found.error());
        consider(*found);
    }
    // The same document under any document type.
    const std::string doc = compactIdentifier(p.docNumber);
    if (!doc.empty()) {
        auto stmt = db.prepare(
            "SELECT p.id, p.case_code, p.given_names, p.family_name_1, p.family_name_2, p.birth_date, p.doc_type, "
            "p.doc_number, p.nationality, p.sex, p.phone, p.rid FROM persons p "
            "WHERE p.doc_number_norm = ? AND p.doc_number_norm <> '' AND p.deleted = 0 LIMIT 50");
        if (!stmt) return std::unexpected(stmt.error());
        stmt->bind(1, doc);
        std::vector<PersonMatch> found;
        for (;;) {
            auto row = stmt->step();
            if (!row) return std::unexpected(row.error());
            if (!*row) break;
            PersonMatch m{stmt->text(0),
                          stmt->text(1),
                          stmt->text(2),
                          stmt->text(3),
                          stmt->text(4),
                          stmt->text(5),
                          stmt->text(6),
                          stmt->text(7),
                          stmt->text(8),
                          stmt->text(9),
                          stmt->text(10),
                          stmt->integer(11),
                          0};
            found.push_back(std::move(m));
        }
        stmt->reset();
        consider(found);
    }
    std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
    if (scored.size() > options.limit) scored.resize(options.limit);
    return scored;
}

}  // namespace chasqui::storage
