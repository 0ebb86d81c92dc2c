#pragma once
// The monthly 5W report (who, what, where, when, for whom) computed from the
// case data of this kiosk, and its CSV form. The report holds counts only,
// never names or ids, but producing it is an export of case data, so it is
// audited. Same threading rule as PersonalStore: call from its owning thread.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/db/personal_store.hpp"

namespace chasqui::storage {

// One line of the report: a combination of disaggregation values.
struct Report5WRow {
    std::string office;                // offices.code of the office that delivered the assistance
    std::string district;              // UBIGEO: the household's district, else that office's district
    std::string sector;                // sector code (vocabulary.hpp)
    std::string sex;                   // sex code
    std::string ageGroup;              // "0-5" | "6-11" | "12-17" | "18-59" | "60+" at the assistance date;
                                       // "unknown" only for an unreadable birth date
    std::string nationality;           // ISO 3166-1 alpha-3
    std::string populationType;        // population type code
    std::int64_t assistanceCount = 0;  // assistance records that reached someone in this group
    std::int64_t peopleReached = 0;    // distinct persons of this group reached
};

struct Report5WSectorTotal {
    std::string sector;
    std::int64_t assistanceCount = 0;  // assistance records of the sector in the month
    std::int64_t peopleReached = 0;    // distinct persons reached by the sector
};

// Distinct persons reached who have one value of one disaggregation (a sex,
// an age group, a nationality, a population type, a district).
struct Report5WCount {
    std::string code;
    std::int64_t peopleReached = 0;
};

// Distinct counts do not add up across lines: one household assistance
// reaches every member, so it is counted once in each group a member falls
// in, and a person helped by two sectors is one person in the grand total.
struct Report5W {
    std::string month;             // "YYYY-MM"
    std::int64_t generatedAt = 0;  // Unix milliseconds, UTC
    std::string officeId;          // office of the kiosk session that produced it
    std::string officeCode;
    std::vector<Report5WRow> rows;  // sorted by office, district, sector, sex, age group, nationality, population
    std::vector<Report5WSectorTotal> sectors;  // in vocabulary order, only sectors with assistance
    std::int64_t assistanceCount = 0;          // all assistance records counted in the month
    std::int64_t peopleReached = 0;            // distinct persons reached by any sector
    // Spec 7b: new and repeat beneficiaries. Of peopleReached, those no
    // earlier live assistance on this kiosk reached (new), and those it did
    // (repeat), household membership taken as it is now.
    std::int64_t newPeople = 0;
    std::int64_t repeatPeople = 0;
    // Each disaggregation on its own, counted as distinct persons (a person
    // helped by two sectors is one person of their sex, not two), so these
    // are the numbers a chart shows; summing `rows` would count people twice.
    // Sex and population type in vocabulary order, age groups youngest
    // first, nationality and district most people first (then by code).
    // A person whose birthday falls in the month may sit in two age groups;
    // a person reached at two offices' districts in two districts.
    std::vector<Report5WCount> bySex;
    std::vector<Report5WCount> byAgeGroup;
    std::vector<Report5WCount> byNationality;
    std::vector<Report5WCount> byPopulationType;
    std::vector<Report5WCount> byDistrict;
};

// Builds the report of `month` ("YYYY-MM", 2015-01 to 2099-12) from the live
// (not deleted) assistance records dated in that month, whose case and
// reached persons are live too. A person case reaches its person; a household
// case reaches every live member of the household (membership as it is now:
// the store keeps no membership history). Reads and the "export" audit entry
// for the month share one write transaction, so the counts are one snapshot
// and no report is returned unless its audit entry was committed. Reading is
// one indexed range over the month plus a sequential pass over cases and
// persons: about 0.1 s for a month of 10 000 assistance records at 100 000
// persons, 0.5 s when every one of them was reached (measured before the
// new/repeat split, which adds one pass over the case ids of all earlier
// assistance through the same date index).
// Errors: InvalidInput (field "month") for a malformed month; PermissionDenied
// when the store is locked or the signed-in role is not supervisor or admin
// (spec: the monthly report is a supervisor's tool); database errors as such.
Result<Report5W> buildReport5W(PersonalStore& store, std::string_view month);

// CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line break are
// quoted, quotes doubled) with the header
// month,office,district,sector,sex,age_group,nationality,population_type,assistance_count,people_reached
// and one line per report row, in the report's order.
std::string reportToCsv(const Report5W& report);

// Age group of a person born on `birthDate` at `date` (both "YYYY-MM-DD").
// A birthday counts from its own day; a 29 February birthday is reached on
// 1 March in common years. "unknown" when a date cannot be read; a date before
// birth (a data-entry slip) counts as "0-5".
std::string_view ageGroupOn(std::string_view birthDate, std::string_view date);

}  // namespace chasqui::storage
