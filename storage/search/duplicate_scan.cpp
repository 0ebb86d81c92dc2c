#include "storage/search/duplicate_scan.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include <fmt/format.h>

namespace chasqui::storage {

namespace {

struct Row {
    std::string id;
    std::string caseCode;
    std::string sourceId;
    ScoringKey key;
    std::vector<std::uint32_t> groups;  // sorted group numbers this person is in
};

// The import adds persons.source_id (schema 9); before it, every person was
// registered on a kiosk and has none.
Result<bool> hasSourceId(Db& db) {
    auto n = db.scalarInt("SELECT count(*) FROM pragma_table_info('persons') WHERE name = 'source_id'");
    if (!n) return std::unexpected(n.error());
    return *n > 0;
}

Result<std::vector<Row>> loadRows(Db& db) {
    auto withSource = hasSourceId(db);
    if (!withSource) return std::unexpected(withSource.error());
    auto stmt = db.prepare(fmt::format(
        "SELECT id, case_code, {}, given_names, family_name_1, family_name_2, birth_date, birth_date_estimated, "
        "doc_number, nationality FROM persons WHERE deleted = 0",
        *withSource ? "source_id" : "''"));
    if (!stmt) return std::unexpected(stmt.error());
    std::vector<Row> rows;
    for (;;) {
        auto row = stmt->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        Row r;
        r.id = stmt->text(0);
        r.caseCode = stmt->text(1);
        r.sourceId = stmt->text(2);
        r.key = scoringKey(stmt->text(3), stmt->text(4), stmt->text(5), stmt->text(6), stmt->integer(7) != 0,
                           stmt->text(8), stmt->text(9));
        rows.push_back(std::move(r));
    }
    stmt->reset();
    return rows;
}

std::vector<std::string> groupKeys(const ScoringKey& k) {
    std::vector<std::string> keys;
    const std::string year = k.birthDate.size() >= 4 ? k.birthDate.substr(0, 4) : std::string{};
    auto usable = [](const std::string& sound) { return sound.size() >= 2; };
    for (const auto& f : k.familySounds) {
        if (!usable(f)) continue;
        if (!year.empty()) keys.push_back(fmt::format("f|{}|{}", f, year));
        for (const auto& g : k.givenSounds)
            if (usable(g)) keys.push_back(fmt::format("fg|{}|{}", f, g));
    }
    if (!year.empty())
        for (const auto& g : k.givenSounds)
            if (usable(g)) keys.push_back(fmt::format("g|{}|{}", g, year));
    if (k.document.size() >= 4) keys.push_back("d|" + k.document);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
}

// The first group two persons share: a pair is scored only in that group, so
// once, without remembering which pairs were seen.
std::uint32_t firstShared(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
    auto i = a.begin();
    auto j = b.begin();
    while (i != a.end() && j != b.end()) {
        if (*i == *j) return *i;
        if (*i < *j)
            ++i;
        else
            ++j;
    }
    return UINT32_MAX;
}

}  // namespace

Result<DuplicateScan> findDuplicatePairs(Db& db, const DuplicateScanOptions& options) {
    auto rows = loadRows(db);
    if (!rows) return std::unexpected(rows.error());
    DuplicateScan scan;
    scan.persons = rows->size();
    std::unordered_map<std::string, std::uint32_t> groupOf;
    std::vector<std::vector<std::uint32_t>> members;
    for (std::uint32_t i = 0; i < rows->size(); ++i) {
        for (auto& key : groupKeys((*rows)[i].key)) {
            auto [it, added] = groupOf.try_emplace(std::move(key), static_cast<std::uint32_t>(members.size()));
            if (added) members.emplace_back();
            members[it->second].push_back(i);
            (*rows)[i].groups.push_back(it->second);
        }
    }
    groupOf.clear();
    // Groups too large to compare are dropped from each member's list too, so
    // that a pair is scored in the first group they share that is compared.
    std::vector<bool> skipped(members.size(), false);
    for (std::size_t g = 0; g < members.size(); ++g) {
        if (members[g].size() > options.maxGroup) {
            skipped[g] = true;
            ++scan.groupsSkipped;
        }
    }
    for (auto& r : *rows) {
        std::erase_if(r.groups, [&](std::uint32_t g) { return skipped[g]; });
        std::sort(r.groups.begin(), r.groups.end());
    }
    const std::size_t step = std::max<std::size_t>(1, members.size() / 20);
    for (std::uint32_t g = 0; g < members.size(); ++g) {
        if (options.progress && g % step == 0) options.progress(g, members.size());
        if (skipped[g]) continue;
        const auto& group = members[g];
        for (std::size_t x = 0; x < group.size(); ++x) {
            const Row& a = (*rows)[group[x]];
            for (std::size_t y = x + 1; y < group.size(); ++y) {
                const Row& b = (*rows)[group[y]];
                if (firstShared(a.groups, b.groups) != g) continue;
                ++scan.pairsScored;
                const PairScore s = scorePair(a.key, b.key);
                if (s.score < options.minScore) continue;
                const bool aFirst = a.caseCode != b.caseCode ? a.caseCode < b.caseCode : a.id < b.id;
                const Row& first = aFirst ? a : b;
                const Row& second = aFirst ? b : a;
                scan.pairs.push_back(
                    {first.id, second.id, first.caseCode, second.caseCode, first.sourceId, second.sourceId, s});
            }
        }
    }
    if (options.progress) options.progress(members.size(), members.size());
    std::sort(scan.pairs.begin(), scan.pairs.end(), [](const DuplicatePair& a, const DuplicatePair& b) {
        if (a.score.score != b.score.score) return a.score.score > b.score.score;
        if (a.caseCodeA != b.caseCodeA) return a.caseCodeA < b.caseCodeA;
        return a.caseCodeB < b.caseCodeB;
    });
    return scan;
}

}  // namespace chasqui::storage
