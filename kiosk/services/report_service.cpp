#include "kiosk/services/report_service.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "kiosk/services/store_access.hpp"
#include "storage/base/data_dir.hpp"

namespace chasqui::kiosk {

namespace fs = std::filesystem;

namespace {

ReportLabel vocabWord(std::string_view list, const std::string& code) {
    return {fmt::format("vocab.{}.{}", list, code), code};  // i18n: not UI (a catalog key)
}

// Age groups are numbers, but "years" and "unknown" are words: each has a key.
ReportLabel ageWord(const std::string& group) {
    return {fmt::format("report.age.{}", group), group};  // i18n: not UI (a catalog key)
}

ReportChart chartOf(std::string id, std::string titleKey, const std::vector<storage::Report5WCount>& counts,
                    ReportLabel (*word)(const std::string&)) {
    ReportChart chart{std::move(id), std::move(titleKey), {}, 0, false};
    for (const auto& c : counts) {
        chart.bars.push_back({word(c.code), c.peopleReached, 0});
        chart.maxPeople = std::max(chart.maxPeople, c.peopleReached);
    }
    return chart;
}

}  // namespace

ReportView ReportService::view(const Report5W& report) {
    ReportView v;
    v.assistanceCount = report.assistanceCount;
    v.peopleReached = report.peopleReached;
    v.newPeople = report.newPeople;
    v.repeatPeople = report.repeatPeople;
    ReportChart sectors{"sector", "report.chart.sector", {}, 0, true};  // i18n: not UI (keys)
    for (const auto& s : report.sectors) {
        sectors.bars.push_back({vocabWord("sectors", s.sector), s.peopleReached, s.assistanceCount});
        sectors.maxPeople = std::max(sectors.maxPeople, s.peopleReached);
    }
    const std::array charts{
        std::move(sectors),
        chartOf("sex", "report.chart.sex", report.bySex, [](const std::string& c) { return vocabWord("sexes", c); }),
        chartOf("age", "report.chart.age", report.byAgeGroup, ageWord),
        chartOf("nationality", "report.chart.nationality", report.byNationality,
                [](const std::string& c) { return vocabWord("nationalities", c); }),
        chartOf("population", "report.chart.population", report.byPopulationType,
                [](const std::string& c) { return vocabWord("population_types", c); }),
        chartOf("district", "report.chart.district", report.byDistrict,
                [](const std::string& c) { return vocabWord("districts", c); }),
    };
    for (const auto& chart : charts)
        if (!chart.bars.empty()) v.charts.push_back(chart);
    v.rows.reserve(report.rows.size());
    for (const auto& r : report.rows)
        v.rows.push_back({{vocabWord("sectors", r.sector), vocabWord("sexes", r.sex), ageWord(r.ageGroup),
                           vocabWord("nationalities", r.nationality), vocabWord("population_types", r.populationType),
                           vocabWord("districts", r.district)},
                          r.assistanceCount,
                          r.peopleReached});
    return v;
}

storage::Result<Report5W> ReportService::build(const std::string& month) {
    return withStore<Report5W>(m_staff,
                               [&](storage::PersonalStore& store) { return storage::buildReport5W(store, month); });
}

storage::Result<fs::path> ReportService::exportCsv(const std::string& month, const fs::path& dir, bool createDir) {
    return withStore<fs::path>(m_staff, [&](storage::PersonalStore& store) -> storage::Result<fs::path> {
        auto report = storage::buildReport5W(store, month);
        if (!report) return std::unexpected(report.error());
        const fs::path path = dir / fmt::format("chasqui-5w-{}-{}.csv", report->officeCode, month);  // i18n: not UI
        std::error_code ec;
        if (createDir) fs::create_directories(dir, ec);  // a failure shows as the write's
        if (auto written = storage::writeFileAtomically(path, storage::reportToCsv(*report)); !written)
            return std::unexpected(written.error());
        return path;
    });
}

}  // namespace chasqui::kiosk
