#include "storage/reports/report_5w.hpp"

#include <algorithm>
#include <array>
#include <compare>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "storage/base/csv.hpp"
#include "storage/base/vocabulary.hpp"

namespace chasqui::storage {

namespace {

constexpr std::array<std::string_view, 6> kAgeGroups{"0-5", "6-11", "12-17", "18-59", "60+", "unknown"};
constexpr std::array<int, 4> kAgeGroupStarts{6, 12, 18, 60};  // first age of groups 1..4

// The month's assistance comes through the assistance(date) index; cases and
// persons are then read in sequential passes and matched here in memory.
// Looking them up by id per assistance row was six times slower at 100 000
// persons: the random reads thrash the page cache, and every miss decrypts a
// page.
constexpr const char* kDeliveriesSql =
    "SELECT rid, date, sector, office_id, case_id FROM assistance WHERE date >= ?1 AND date <= ?2 AND deleted = 0";
// Cases helped before the month: whoever they reach is a repeat beneficiary.
constexpr const char* kEarlierCasesSql = "SELECT DISTINCT case_id FROM assistance WHERE date < ?1 AND deleted = 0";
constexpr const char* kCasesSql = "SELECT id, person_id, household_id FROM cases WHERE deleted = 0";
constexpr const char* kPersonsSql =
    "SELECT rid, id, household_id, sex, birth_date, nationality, population_type FROM persons WHERE deleted = 0";
constexpr const char* kHouseholdsSql = "SELECT id, district FROM households WHERE deleted = 0 AND district <> ''";
// Tombstoned offices too, so a closed office still shows in the months it worked.
constexpr const char* kOfficesSql = "SELECT id, code, district FROM offices";

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

int digitsValue(std::string_view text) {
    int value = 0;
    for (char c : text) value = value * 10 + (c - '0');
    return value;
}

bool isIsoDate(std::string_view d) {
    if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
    for (std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U, 8U, 9U})
        if (!isDigit(d[i])) return false;
    return true;
}

std::size_t ageGroupIndex(std::string_view birthDate, std::string_view date) {
    if (!isIsoDate(birthDate) || !isIsoDate(date)) return kAgeGroups.size() - 1;
    int age = digitsValue(date.substr(0, 4)) - digitsValue(birthDate.substr(0, 4));
    // "MM-DD" compares as text; before this year's birthday the person is a year younger.
    if (date.substr(5) < birthDate.substr(5)) --age;
    std::size_t group = 0;
    while (group < kAgeGroupStarts.size() && age >= kAgeGroupStarts[group]) ++group;
    return group;
}

Result<void> checkMonth(std::string_view month) {
    const bool shaped = month.size() == 7 && month[4] == '-' &&
                        std::all_of(month.begin(), month.begin() + 4, isDigit) && isDigit(month[5]) &&
                        isDigit(month[6]);
    const int year = shaped ? digitsValue(month.substr(0, 4)) : 0;
    const int mon = shaped ? digitsValue(month.substr(5, 2)) : 0;
    if (year < 2015 || year > 2099 || mon < 1 || mon > 12)
        return invalid("month", "write the report month as YYYY-MM (for example 2025-05), from 2015-01 to 2099-12");
    return {};
}

// Position of a code in its closed list, so lines follow the order staff know
// (sectors as in the spec, not alphabetical); unknown codes (from a newer
// device) go last.
std::size_t rankIn(vocab::List list, std::string_view code) {
    return static_cast<std::size_t>(std::find(list.begin(), list.end(), code) - list.begin());
}

struct GroupKey {
    std::string office;
    std::string district;
    std::size_t sectorRank = 0;
    std::string sector;
    std::size_t sexRank = 0;
    std::string sex;
    std::size_t ageGroup = 0;
    std::string nationality;
    std::size_t populationRank = 0;
    std::string populationType;
    auto operator<=>(const GroupKey&) const = default;
};

// Ids seen by a group; duplicates are dropped once at the end, which is
// cheaper than a set per group while rows stream in.
struct Tally {
    std::vector<std::int64_t> assistance;
    std::vector<std::int64_t> people;
    void add(std::int64_t assistanceRid, std::int64_t personRid) {
        assistance.push_back(assistanceRid);
        people.push_back(personRid);
    }
};

std::int64_t countDistinct(std::vector<std::int64_t>& ids) {
    std::sort(ids.begin(), ids.end());
    return std::unique(ids.begin(), ids.end()) - ids.begin();
}

// Persons seen with one value of a disaggregation, keyed by (rank, code) so
// closed lists keep their vocabulary order.
using PeopleBy = std::map<std::pair<std::size_t, std::string>, std::vector<std::int64_t>>;

struct Tallies {
    std::map<GroupKey, Tally> groups;
    std::map<std::pair<std::size_t, std::string>, Tally> sectors;
    Tally total;
    PeopleBy sex, ageGroup, nationality, populationType, district;
};

// `mostFirst`: open lists (countries, districts) read best as the largest bar first.
std::vector<Report5WCount> peopleCounts(PeopleBy& by, bool mostFirst) {
    std::vector<Report5WCount> out;
    out.reserve(by.size());
    for (auto& [key, people] : by) out.push_back({key.second, countDistinct(people)});
    if (mostFirst)
        std::stable_sort(out.begin(), out.end(), [](const Report5WCount& a, const Report5WCount& b) {
            return a.peopleReached > b.peopleReached;
        });
    return out;
}

struct Delivery {
    std::int64_t rid = 0;
    std::string date;
    std::string sector;
    std::size_t office = 0;  // index into MonthData::offices
};

struct OfficePlace {
    std::string code;
    std::string district;
};

// A live person reached by at least one of the month's deliveries.
struct Reached {
    std::int64_t rid = 0;
    std::string householdId;
    std::string sex;
    std::string birthDate;
    std::string nationality;
    std::string populationType;
    std::vector<std::size_t> deliveries;  // indices into MonthData::deliveries
    bool reachedBefore = false;           // by live assistance dated before the month
};

struct MonthData {
    std::vector<Delivery> deliveries;
    std::unordered_map<std::string, std::vector<std::size_t>> byPerson;     // person case -> deliveries
    std::unordered_map<std::string, std::vector<std::size_t>> byHousehold;  // household case -> deliveries
    std::vector<Reached> reached;
    std::unordered_map<std::string, std::string> householdDistricts;  // of reached households; "" = none
    std::vector<OfficePlace> offices{OfficePlace{}};                  // [0]: an office not on this kiosk
};

template <typename OnRow>
Result<void> forEachRow(Stmt& stmt, OnRow&& onRow) {
    for (;;) {
        auto row = stmt.step();
        if (!row) {
            stmt.reset();
            return std::unexpected(row.error());
        }
        if (!*row) break;
        onRow(stmt);
    }
    stmt.reset();
    return {};
}

template <typename OnRow>
Result<void> forEachRow(Db& db, const std::string& sql, OnRow&& onRow) {
    auto stmt = db.prepare(sql);
    if (!stmt) return std::unexpected(stmt.error());
    return forEachRow(*stmt, std::forward<OnRow>(onRow));
}

Result<MonthData> loadMonth(Db& db, std::string_view month) {
    MonthData m;
    std::unordered_map<std::string, std::size_t> officeIndex;
    auto loaded = forEachRow(db, kOfficesSql, [&](const Stmt& s) {
        officeIndex.emplace(s.text(0), m.offices.size());
        m.offices.push_back({s.text(1), s.text(2)});
    });
    if (!loaded) return std::unexpected(loaded.error());
    auto deliveries = db.prepare(kDeliveriesSql);
    if (!deliveries) return std::unexpected(deliveries.error());
    deliveries->bind(1, fmt::format("{}-01", month)).bind(2, fmt::format("{}-31", month));
    std::unordered_map<std::string, std::vector<std::size_t>> byCase;
    loaded = forEachRow(*deliveries, [&](const Stmt& s) {
        byCase[s.text(4)].push_back(m.deliveries.size());
        const auto office = officeIndex.find(s.text(3));
        m.deliveries.push_back({s.integer(0), s.text(1), s.text(2), office == officeIndex.end() ? 0 : office->second});
    });
    if (!loaded) return std::unexpected(loaded.error());
    if (m.deliveries.empty()) return m;  // nothing to match: skip the scans

    std::unordered_set<std::string> earlierCases;
    auto earlier = db.prepare(kEarlierCasesSql);
    if (!earlier) return std::unexpected(earlier.error());
    earlier->bind(1, fmt::format("{}-01", month));
    loaded = forEachRow(*earlier, [&](const Stmt& s) { earlierCases.insert(s.text(0)); });
    if (!loaded) return std::unexpected(loaded.error());
    std::unordered_set<std::string> earlierPersons;
    std::unordered_set<std::string> earlierHouseholds;

    loaded = forEachRow(db, kCasesSql, [&](const Stmt& s) {
        if (earlierCases.contains(s.text(0))) {
            if (s.text(1).empty())
                earlierHouseholds.insert(s.text(2));
            else
                earlierPersons.insert(s.text(1));
        }
        auto found = byCase.find(s.text(0));
        if (found == byCase.end()) return;
        std::string person = s.text(1);
        auto& target = person.empty() ? m.byHousehold[s.text(2)] : m.byPerson[std::move(person)];
        target.insert(target.end(), found->second.begin(), found->second.end());
    });
    if (!loaded) return std::unexpected(loaded.error());

    loaded = forEachRow(db, kPersonsSql, [&](const Stmt& s) {
        const auto own = m.byPerson.find(s.text(1));
        std::string household = s.text(2);
        const auto shared = household.empty() ? m.byHousehold.end() : m.byHousehold.find(household);
        if (own == m.byPerson.end() && shared == m.byHousehold.end()) return;
        const bool before =
            earlierPersons.contains(s.text(1)) || (!household.empty() && earlierHouseholds.contains(household));
        Reached r{s.integer(0), std::move(household), s.text(3), s.text(4), s.text(5), s.text(6), {}, before};
        if (own != m.byPerson.end()) r.deliveries = own->second;
        if (shared != m.byHousehold.end())
            r.deliveries.insert(r.deliveries.end(), shared->second.begin(), shared->second.end());
        m.reached.push_back(std::move(r));
    });
    if (!loaded) return std::unexpected(loaded.error());
    // Districts only of the households reached, so memory follows the month, not the population.
    for (const Reached& r : m.reached)
        if (!r.householdId.empty()) m.householdDistricts.emplace(r.householdId, std::string());
    loaded = forEachRow(db, kHouseholdsSql, [&](const Stmt& s) {
        if (auto it = m.householdDistricts.find(s.text(0)); it != m.householdDistricts.end()) it->second = s.text(1);
    });
    if (!loaded) return std::unexpected(loaded.error());
    return m;
}

Tallies tally(const MonthData& m) {
    Tallies t;
    for (const Reached& person : m.reached) {
        const auto home = m.householdDistricts.find(person.householdId);
        const bool hasDistrict = home != m.householdDistricts.end() && !home->second.empty();
        for (std::size_t index : person.deliveries) {
            const Delivery& d = m.deliveries[index];
            const OfficePlace& office = m.offices[d.office];
            GroupKey key{office.code,
                         hasDistrict ? home->second : office.district,
                         rankIn(vocab::sectors(), d.sector),
                         d.sector,
                         rankIn(vocab::sexes(), person.sex),
                         person.sex,
                         ageGroupIndex(person.birthDate, d.date),
                         person.nationality,
                         rankIn(vocab::populationTypes(), person.populationType),
                         person.populationType};
            t.sectors[{key.sectorRank, key.sector}].add(d.rid, person.rid);
            t.sex[{key.sexRank, key.sex}].push_back(person.rid);
            t.ageGroup[{key.ageGroup, std::string(kAgeGroups[key.ageGroup])}].push_back(person.rid);
            t.nationality[{0, key.nationality}].push_back(person.rid);
            t.populationType[{key.populationRank, key.populationType}].push_back(person.rid);
            t.district[{0, key.district}].push_back(person.rid);
            t.groups[std::move(key)].add(d.rid, person.rid);
            t.total.add(d.rid, person.rid);
        }
    }
    return t;
}

}  // namespace

std::string_view ageGroupOn(std::string_view birthDate, std::string_view date) {
    return kAgeGroups[ageGroupIndex(birthDate, date)];
}

Result<Report5W> buildReport5W(PersonalStore& store, std::string_view month) {
    if (auto r = checkMonth(month); !r) return std::unexpected(r.error());
    if (!store.isOpen()) return fail(ErrorCode::PermissionDenied, "the store is locked; sign in again");
    if (!store.session().isSupervisor())
        return fail(ErrorCode::PermissionDenied,
                    "the monthly report is for supervisors and administrators; "
                    "ask your supervisor for it");
    // One transaction: every count comes from the same snapshot, and the
    // report leaves this function only with its export on the audit trail.
    return store.write<Report5W>([&](RecordWriter& writer) -> Result<Report5W> {
        auto data = loadMonth(store.db(), month);
        if (!data) return std::unexpected(data.error());
        Tallies tallies = tally(*data);

        Report5W report;
        report.month = std::string(month);
        report.generatedAt = store.clock().nowMs();
        report.officeId = store.session().officeId;
        report.officeCode = store.session().officeCode;
        report.rows.reserve(tallies.groups.size());
        for (auto& [key, seen] : tallies.groups) {
            report.rows.push_back({key.office, key.district, key.sector, key.sex, std::string(kAgeGroups[key.ageGroup]),
                                   key.nationality, key.populationType, countDistinct(seen.assistance),
                                   countDistinct(seen.people)});
        }
        for (auto& [sector, seen] : tallies.sectors)
            report.sectors.push_back({sector.second, countDistinct(seen.assistance), countDistinct(seen.people)});
        report.assistanceCount = countDistinct(tallies.total.assistance);
        report.peopleReached = countDistinct(tallies.total.people);
        for (const auto& person : data->reached) ++(person.reachedBefore ? report.repeatPeople : report.newPeople);
        report.bySex = peopleCounts(tallies.sex, false);
        report.byAgeGroup = peopleCounts(tallies.ageGroup, false);
        report.byNationality = peopleCounts(tallies.nationality, true);
        report.byPopulationType = peopleCounts(tallies.populationType, false);
        report.byDistrict = peopleCounts(tallies.district, true);

        if (auto r = writer.audit("export", "report", report.month); !r) return std::unexpected(r.error());
        return report;
    });
}

std::string reportToCsv(const Report5W& report) {
    std::string out =
        "month,office,district,sector,sex,age_group,nationality,population_type,assistance_count,people_reached\r\n";
    for (const auto& row : report.rows) {
        for (std::string_view field :
             {std::string_view(report.month), std::string_view(row.office), std::string_view(row.district),
              std::string_view(row.sector), std::string_view(row.sex), std::string_view(row.ageGroup),
              std::string_view(row.nationality), std::string_view(row.populationType)}) {
            // Codes today, but the file is opened in a spreadsheet: never a formula.
            out += csvEscape(spreadsheetSafe(field));
            out += ',';
        }
        out += fmt::format("{},{}\r\n", row.assistanceCount, row.peopleReached);
    }
    return out;
}

}  // namespace chasqui::storage
