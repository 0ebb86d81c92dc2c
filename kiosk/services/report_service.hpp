#pragma once
// The monthly 5W report (storage/reports/report_5w.hpp) for a supervisor:
// built for the screen, or built afresh and written as CSV into a folder.
// Building is audited as an export, so every file written is audited too.
// ReportService::view() turns a built report into what the screen shows:
// the bar charts (one per sector and per disaggregation) and the table, with
// every label as a translation key and the code to fall back on, so the
// screen only draws and never decides which numbers go where.
//
// Threading: build() and exportCsv() on the worker thread only; view() is
// pure and runs anywhere. Errors are storage's: PermissionDenied (not a
// supervisor, or signed out), InvalidInput (a month that is not YYYY-MM),
// Io when the file cannot be written.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/services/staff_session.hpp"
#include "storage/base/error.hpp"
#include "storage/reports/report_5w.hpp"

namespace chasqui::kiosk {

using Report5W = storage::Report5W;
using Report5WRow = storage::Report5WRow;

// A word on the report: the catalog key that names it in the reader's
// language ("vocab.districts.240101"), and the code shown when no catalog
// has that key (a district the kiosk's list does not name).
struct ReportLabel {
    std::string key;
    std::string code;
};

struct ReportBar {
    ReportLabel label;
    std::int64_t people = 0;      // distinct persons reached: the bar's length
    std::int64_t assistance = 0;  // assistance records; sector chart only (0 elsewhere)
};

// One horizontal bar chart: people reached per value of one dimension.
struct ReportChart {
    std::string id;        // stable, for tests and ImGui ids: "sector", "sex", "age", ...
    std::string titleKey;  // "report.chart.sector", ...
    std::vector<ReportBar> bars;
    std::int64_t maxPeople = 0;   // the longest bar (bars are scaled to it)
    bool withAssistance = false;  // bars also say how many assistance records
};

// The table of every disaggregation line: cells in the order of kColumns.
struct ReportTableRow {
    std::array<ReportLabel, 6> cells;  // sector, sex, age, nationality, population, district
    std::int64_t assistance = 0;
    std::int64_t people = 0;
};

struct ReportView {
    // Header keys of the table, in the order of ReportTableRow's cells, then
    // the two count columns (assistance, people).
    static constexpr std::array<std::string_view, 8> kColumns{
        "report.col.sector",     "report.col.sex",      "report.col.age",        "report.col.nationality",
        "report.col.population", "report.col.district", "report.col.assistance", "report.col.people"};
    std::int64_t assistanceCount = 0;
    std::int64_t peopleReached = 0;
    std::int64_t newPeople = 0;       // of peopleReached: first helped this month
    std::int64_t repeatPeople = 0;    // helped in an earlier month too
    std::vector<ReportChart> charts;  // sector, sex, age, nationality, population type, district
    std::vector<ReportTableRow> rows;
};

class ReportService {
public:
    explicit ReportService(StaffSession& staff) : m_staff(staff) {}

    storage::Result<Report5W> build(const std::string& month);
    // Writes chasqui-5w-<office>-<month>.csv into `dir` (made first when
    // `createDir`: the configured export folder) and answers its path.
    storage::Result<std::filesystem::path> exportCsv(const std::string& month, const std::filesystem::path& dir,
                                                     bool createDir);

    // What the report screen shows of `report`. Charts with no bar are left out.
    static ReportView view(const Report5W& report);

private:
    StaffSession& m_staff;
};

}  // namespace chasqui::kiosk
