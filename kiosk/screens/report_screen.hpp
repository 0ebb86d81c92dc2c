#pragma once
// The monthly 5W report: a month chooser (previous / next, starting at the
// current month), then either the charts (totals, "export CSV" to the
// configured export folder or to any mounted removable drive, and one
// horizontal bar chart of people reached per sector and per
// disaggregation) or the table of every disaggregation line, whose header
// stays in sight while it scrolls. What is shown comes from
// ReportService::view; the screen only draws it (report_charts.cpp). The
// report is built on the worker (building it is audited as an export; so is
// every file written, since each export builds it afresh).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/services/report_service.hpp"

namespace chasqui::kiosk {

// Folders a CSV may go to: `exportDir` (when set) first, then mounted
// removable media under /media and /run/media. Reads the file system: worker only.
std::vector<std::filesystem::path> exportTargets(const std::filesystem::path& exportDir);

// "2025-05" for ("2025-06", -1).
std::string shiftMonth(const std::string& month, int delta);

class ReportScreen final : public Screen {
public:
    explicit ReportScreen(StaffContext& ctx) : m_ctx(ctx), m_reports(ctx.staff) {}
    ScreenId id() const override { return ScreenId::Report; }
    const char* titleKey() const override { return "report.title"; }
    bool needsSession() const override { return true; }
    void onEnter() override;
    void drawContent(Ui& ui) override;
    void afterDraw() override;
    void dropPersonalData() override;
    bool holdsPersonalData() const override;

private:
    void load();
    void exportTo(std::size_t target);
    void drawExport(Ui& ui);
    void drawCharts(Ui& ui);  // report_charts.cpp
    void drawTable(Ui& ui);   // report_charts.cpp

    StaffContext& m_ctx;
    ReportService m_reports;           // worker thread only
    std::string m_month;               // "YYYY-MM" shown
    std::string m_currentMonth;        // from the clock at onEnter
    std::optional<ReportView> m_view;  // of the month shown
    bool m_showTable = false;          // charts first: read at a glance
    std::optional<storage::Error> m_error;
    std::uint64_t m_generation = 0;
    bool m_loading = false;

    std::vector<std::filesystem::path> m_targets;
    bool m_exporting = false;
    std::string m_exportedPath;
    std::optional<storage::Error> m_exportError;
    std::string m_exportFailedPath;

    // Taps of this frame.
    int m_shift = 0;
    int m_showTap = -1;  // 0 charts, 1 table
    std::optional<std::size_t> m_exportTap;
    bool m_back = false;
};

}  // namespace chasqui::kiosk
