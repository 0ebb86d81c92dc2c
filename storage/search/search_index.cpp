#include "storage/search/search_index.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "storage/base/text.hpp"
#include "storage/search/phonetic_key.hpp"

namespace chasqui::storage {

namespace {

bool looksLikeCaseCode(std::string_view compact) {
    // OFFICE (3 letters) + device (2-3 digits) + sequence (5+ digits)
    if (compact.size() < 10 || compact.size() > 16) return false;
    for (std::size_t i = 0; i < compact.size(); ++i) {
        const bool letter = std::isalpha(static_cast<unsigned char>(compact[i])) != 0;
        if (i < 3 ? !letter : letter) return false;
    }
    return true;
}

std::string indexWords(const std::string& given, const std::string& f1, const std::string& f2,
                       const std::string& caseCode, const std::string& docNorm, const std::string& phone,
                       const std::string& birthDate) {
    std::string words = foldForSearch(given + " " + f1 + " " + f2);
    std::string code = compactIdentifier(caseCode);
    std::transform(code.begin(), code.end(), code.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
    std::string doc = docNorm;
    std::transform(doc.begin(), doc.end(), doc.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
    words += " " + code;
    if (!doc.empty()) {
        words += " " + doc;
        // A cédula "V12345678" is quoted by its digits alone as often as not.
        const std::size_t firstDigit = doc.find_first_of("0123456789");
        if (firstDigit != std::string::npos && firstDigit > 0 && digitsOnly(doc).size() == doc.size() - firstDigit)
            words += " " + doc.substr(firstDigit);
    }
    const std::string digits = digitsOnly(phone);
    if (!digits.empty()) {
        words += " " + digits;
        // Also without the country code, as people say it: "+51 987..." -> "987...".
        if (digits.size() > 9) words += " " + digits.substr(digits.size() - 9);
    }
    // Birth-year token for duplicate blocking; "y" keeps it apart from numbers people type.
    if (birthDate.size() >= 4) words += " y" + birthDate.substr(0, 4);
    return words;
}

Result<std::vector<PersonMatch>> readMatches(Stmt& stmt) {
    std::vector<PersonMatch> out;
    for (;;) {
        auto row = stmt.step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        PersonMatch m;
        m.id = stmt.text(0);
        m.caseCode = stmt.text(1);
        m.givenNames = stmt.text(2);
        m.familyName1 = stmt.text(3);
        m.familyName2 = stmt.text(4);
        m.birthDate = stmt.text(5);
        m.docType = stmt.text(6);
        m.docNumber = stmt.text(7);
        m.nationality = stmt.text(8);
        m.sex = stmt.text(9);
        m.phone = stmt.text(10);
        m.rid = stmt.integer(11);
        out.push_back(std::move(m));
    }
    stmt.reset();
    return out;
}

}  // namespace

// Writes only what changed: on an encrypted store every page touched costs an
// encryption and a MAC at commit, so a new person gets one INSERT into the
// index (no DELETE of an entry that is not there) and an edit that leaves the
// indexed words alone (assistance, consent, status) writes nothing here.
Result<void> indexPerson(Db& db, const std::string& personId) {
    struct Indexed {
        std::int64_t rid;
        std::string docNorm;
        bool deleted;
        bool normChanged;
        std::string words;
        std::string sounds;
    };
    auto person = db.readOne(
        "SELECT rid, given_names, family_name_1, family_name_2, case_code, doc_type, doc_number, phone, birth_date, "
        "deleted, doc_number_norm FROM persons WHERE id = ?",
        [](const Stmt& s) {
            std::string docNorm = compactIdentifier(s.text(6));
            std::string words = indexWords(s.text(1), s.text(2), s.text(3), s.text(4), docNorm, s.text(7), s.text(8));
            const bool normChanged = s.text(10) != docNorm;
            std::string sounds = phoneticKeys(s.text(1) + " " + s.text(2) + " " + s.text(3));
            return Indexed{s.integer(0), std::move(docNorm), s.integer(9) != 0,
                           normChanged,  std::move(words),   std::move(sounds)};
        },
        personId);
    if (!person) return std::unexpected(person.error());
    if (!*person) return fail(ErrorCode::NotFound, "no person with that id");
    const auto& [rid, docNorm, deleted, normChanged, words, sounds] = **person;
    if (normChanged) {
        auto norm = db.prepare("UPDATE persons SET doc_number_norm = ? WHERE rid = ?");
        if (!norm) return std::unexpected(norm.error());
        norm->bind(1, docNorm).bind(2, rid);
        if (auto r = norm->run(); !r) return r;
    }
    // The sound keys follow from the names in `words`: comparing words is enough.
    auto indexed = db.readOne(
        "SELECT words FROM person_search WHERE rowid = ?", [](const Stmt& s) { return s.text(0); }, rid);
    if (!indexed) return std::unexpected(indexed.error());
    const bool present = indexed->has_value();
    const bool same = present && **indexed == words;
    if (same && !deleted) return {};
    if (present) {
        auto drop = db.prepare("DELETE FROM person_search WHERE rowid = ?");
        if (!drop) return std::unexpected(drop.error());
        drop->bind(1, rid);
        if (auto r = drop->run(); !r) return r;
    }
    if (deleted) return {};
    auto add = db.prepare("INSERT INTO person_search(rowid, words, sounds) VALUES (?, ?, ?)");
    if (!add) return std::unexpected(add.error());
    add->bind(1, rid).bind(2, words).bind(3, sounds);
    return add->run();
}

Result<void> rebuildSearchIndex(Db& db) {
    if (auto r = db.exec("DELETE FROM person_search"); !r) return r;
    auto ids = db.prepare("SELECT id FROM persons");
    if (!ids) return std::unexpected(ids.error());
    std::vector<std::string> all;
    for (;;) {
        auto row = ids->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        all.push_back(ids->text(0));
    }
    ids->reset();
    for (const auto& id : all)
        if (auto r = indexPerson(db, id); !r) return r;
    return {};
}

std::vector<std::string> searchTerms(std::string_view query) {
    if (query.size() > 200 || !isValidUtf8(query)) return {};
    const std::string compact = compactIdentifier(query);
    if (looksLikeCaseCode(compact) && query.find(' ') == std::string_view::npos) {
        std::string code = compact;
        std::transform(code.begin(), code.end(), code.begin(),
                       [](char c) { return static_cast<char>(std::tolower(c)); });
        return {code};
    }
    std::vector<std::string> terms;
    // Document numbers and phones are typed with separators: "V-12.345.678",
    // "AB-123456", "987 654 321". Names have no digits, so anything with a
    // digit and no letters-only word is taken as one identifier.
    const std::string digits = digitsOnly(query);
    const bool numeric = !digits.empty() && std::all_of(query.begin(), query.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || c == ' ' || c == '-' || c == '.' || c == '+';
    });
    if (numeric) {
        terms.push_back(digits);
        return terms;
    }
    if (!digits.empty() && query.find(' ') == std::string_view::npos) {
        std::string id = compact;
        std::transform(id.begin(), id.end(), id.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
        if (!id.empty()) return {id};
    }
    for (auto& word : splitWords(foldForSearch(query))) {
        if (terms.size() == 6) break;
        terms.push_back(word);
    }
    return terms;
}

Result<std::vector<PersonMatch>> personsMatching(Db& db, const std::string& ftsQuery, int limit) {
    auto stmt = db.prepare(
        "SELECT p.id, p.case_code, p.given_names, p.family_name_1, p.family_name_2, p.birth_date, p.doc_type, "
        "p.doc_number, p.nationality, p.sex, p.phone, p.rid FROM persons p WHERE p.rid IN "
        "(SELECT rowid FROM person_search WHERE person_search MATCH ? ORDER BY rowid DESC LIMIT ?) AND p.deleted = 0");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, ftsQuery).bind(2, limit);
    return readMatches(*stmt);
}

namespace {

// A term matches its spelling as a prefix, or, from four letters on, a word
// that sounds the same: exactly, or as a prefix for the last term (the word
// still being typed). Short terms and exact sound keys keep the OR cheap: a
// three-letter sound prefix would match as much as the spelling does.
std::string searchClause(const std::string& term, bool last) {
    // Terms are lower-case letters and digits (searchTerms), so quoting is
    // enough to keep them from being read as FTS5 syntax.
    std::string clause = fmt::format("words:\"{}\"*", term);
    const bool name = term.find_first_of("0123456789") == std::string::npos;
    if (name && term.size() >= 4) {
        const std::string key = phoneticKey(term);
        if (!key.empty()) clause = fmt::format("({} OR sounds:\"{}\"{})", clause, key, last ? "*" : "");
    }
    return clause;
}

}  // namespace

Result<std::vector<PersonMatch>> searchPersons(Db& db, std::string_view query, std::size_t limit) {
    const std::vector<std::string> terms = searchTerms(query);
    std::size_t letters = 0;
    for (const auto& t : terms) letters += t.size();
    if (terms.empty() || letters < 2) return std::vector<PersonMatch>{};
    std::string fts;
    for (std::size_t i = 0; i < terms.size(); ++i)
        fts += (fts.empty() ? "" : " AND ") + searchClause(terms[i], i + 1 == terms.size());
    // Most recent registrations first; the cap keeps one-letter-heavy queries fast.
    auto found = personsMatching(db, fts, 300);
    if (!found) return found;
    std::vector<std::string> termSounds;
    for (const auto& t : terms) termSounds.push_back(t.size() >= 4 ? phoneticKey(t) : std::string{});
    for (auto& m : *found) {
        const std::vector<std::string> names =
            splitWords(foldForSearch(m.givenNames + " " + m.familyName1 + " " + m.familyName2));
        std::vector<std::string> sounds;
        for (const auto& n : names) sounds.push_back(phoneticKey(n));
        const std::string family1 = foldForSearch(m.familyName1);
        std::string ids =
            compactIdentifier(m.docNumber) + " " + compactIdentifier(m.caseCode) + " " + digitsOnly(m.phone);
        std::transform(ids.begin(), ids.end(), ids.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
        double score = 0;
        for (std::size_t i = 0; i < terms.size(); ++i) {
            const std::string& t = terms[i];
            const std::string& key = termSounds[i];
            if (ids.find(t) != std::string::npos) score += 10;
            if (std::find(names.begin(), names.end(), t) != names.end()) {
                score += 3;
            } else if (std::any_of(names.begin(), names.end(),
                                   [&](const std::string& n) { return n.starts_with(t); })) {
                score += 2;
            } else if (!key.empty() && std::any_of(sounds.begin(), sounds.end(),
                                                   [&](const std::string& n) { return n.starts_with(key); })) {
                // Spelled differently but sounds the same: found, ranked below any spelling match.
                score += 1;
            }
            if (family1.starts_with(t)) score += 0.5;  // people are usually looked up by first family name
        }
        m.score = score;
    }
    std::stable_sort(found->begin(), found->end(), [](const PersonMatch& a, const PersonMatch& b) {
        if (a.score != b.score) return a.score > b.score;
        if (a.familyName1 != b.familyName1) return a.familyName1 < b.familyName1;
        return a.givenNames < b.givenNames;
    });
    if (found->size() > limit) found->resize(limit);
    return found;
}

}  // namespace chasqui::storage
