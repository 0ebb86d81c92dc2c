#include "kiosk/screens/report_screen.hpp"

#include <sys/stat.h>

#include <algorithm>

#include <fmt/format.h>

#include "kiosk/screens/supervisor_common.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/clock.hpp"

namespace chasqui::kiosk {

namespace fs = std::filesystem;

namespace {

// A mount point sits on another device than the folder that holds it.
bool isMountPoint(const fs::path& dir) {
    struct stat self {};
    struct stat parent {};
    if (::stat(dir.c_str(), &self) != 0 || ::stat(dir.parent_path().c_str(), &parent) != 0) return false;
    return S_ISDIR(self.st_mode) && self.st_dev != parent.st_dev;
}

std::vector<fs::path> subfolders(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec)) out.push_back(it->path());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

std::vector<fs::path> exportTargets(const fs::path& exportDir) {
    std::vector<fs::path> out;
    if (!exportDir.empty()) out.push_back(exportDir);
    // Debian mounts a drive at /media/<user>/<label> (udisks2) or /media/<label>
    // (usbmount); other systems at /run/media/<user>/<label>.
    for (const auto& media : subfolders("/media")) {  // i18n: not UI
        if (isMountPoint(media)) {
            out.push_back(media);
            continue;
        }
        for (const auto& drive : subfolders(media))
            if (isMountPoint(drive)) out.push_back(drive);
    }
    for (const auto& user : subfolders("/run/media"))  // i18n: not UI
        for (const auto& drive : subfolders(user)) out.push_back(drive);
    return out;
}

std::string shiftMonth(const std::string& month, int delta) {
    if (month.size() != 7) return month;
    int year = std::stoi(month.substr(0, 4));
    int m = std::stoi(month.substr(5, 2)) - 1 + delta;
    year += m >= 0 ? m / 12 : -((11 - m) / 12);
    m = ((m % 12) + 12) % 12;
    return fmt::format("{:04}-{:02}", year, m + 1);
}

void ReportScreen::onEnter() {
    m_currentMonth = storage::isoDate(m_ctx.clock.nowMs()).substr(0, 7);
    if (m_month.empty()) m_month = m_currentMonth;
    m_exportedPath.clear();
    m_exportError.reset();
    load();
}

void ReportScreen::dropPersonalData() {
    // The report holds counts only, but it is case data: it goes with the session.
    ++m_generation;
    m_view.reset();
    m_showTable = false;
    m_error.reset();
    m_month.clear();
    m_targets.clear();
    m_exportedPath.clear();
    m_exportError.reset();
    m_loading = m_exporting = false;
}

bool ReportScreen::holdsPersonalData() const {
    return m_view.has_value() || !m_exportedPath.empty();
}

void ReportScreen::load() {
    if (!m_ctx.session.isSupervisor()) return;
    m_loading = true;
    m_error.reset();
    const std::uint64_t generation = ++m_generation;
    const std::string month = m_month;
    const fs::path exportDir = m_ctx.config.exportDir;
    m_ctx.tasks.post([this, generation, month, exportDir]() -> TaskRunner::Continuation {
        storage::Result<Report5W> report = m_reports.build(month);
        auto targets = exportTargets(exportDir);
        return [this, generation, report = std::move(report), targets = std::move(targets)]() mutable {
            if (generation != m_generation) return;
            m_loading = false;
            m_targets = std::move(targets);
            if (report) {
                m_view = ReportService::view(*report);
            } else {
                m_view.reset();
                m_error = report.error();
            }
        };
    });
}

void ReportScreen::exportTo(std::size_t target) {
    if (target >= m_targets.size() || m_exporting) return;
    m_exporting = true;
    m_exportedPath.clear();
    m_exportError.reset();
    const std::uint64_t generation = m_generation;
    const std::string month = m_month;
    const fs::path dir = m_targets[target];
    const bool configured = target == 0 && dir == m_ctx.config.exportDir;
    m_ctx.tasks.post([this, generation, month, dir, configured]() -> TaskRunner::Continuation {
        storage::Result<fs::path> written = m_reports.exportCsv(month, dir, configured);
        return [this, generation, dir, written = std::move(written)] {
            if (generation != m_generation) return;
            m_exporting = false;
            if (written) {
                m_exportedPath = written->string();
            } else {
                m_exportError = written.error();
                m_exportFailedPath = dir.string();
            }
        };
    });
}

void ReportScreen::drawContent(Ui& ui) {
    if (super::drawRefusal(ui, m_ctx.session, m_back)) return;
    const float pad = ui.px(ui.theme.spacing);
    const float big = ui.px(88.f);
    if (button(ui, fmt::format("{}  {}", icon::kBack, ui.tr("report.prev")), "report.prev", ImVec2(0.f, big),
               Tone::Secondary, !m_loading))
        m_shift = -1;
    ImGui::SameLine(0.f, pad * 2.f);
    // The month between the arrows, centred on their height (drawn, not laid
    // out as text, so it does not take the buttons' text baseline).
    const std::string month = fmt::format("{}  {}", icon::kCalendar, super::monthLabel(ui, m_month));
    ImFont* font = ui.fonts.heading;
    const ImVec2 monthSize = font->CalcTextSizeA(font->FontSize, 1e9f, 0.f, month.c_str());
    // Wide enough that the arrows stay put as month names change, but never
    // pushing "next month" off a narrow screen at large text.
    const std::string nextText = fmt::format("{}  {}", ui.tr("report.next"), icon::kNext);
    ImGui::PushFont(ui.fonts.bold);
    const float nextWidth = ImGui::CalcTextSize(nextText.c_str()).x + ui.px(ui.theme.spacing) * 2.5f;
    ImGui::PopFont();
    const float room = ImGui::GetContentRegionAvail().x - nextWidth - pad * 4.f;
    const float monthWidth = std::max(monthSize.x, std::min(ui.px(380.f), room));
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddText(
        font, font->FontSize, ImVec2(at.x + (monthWidth - monthSize.x) * 0.5f, at.y + (big - monthSize.y) * 0.5f),
        toU32(ui.theme.text), month.c_str());
    ImGui::Dummy(ImVec2(monthWidth, big));
    ui.probe.text(month);
    ImGui::SameLine(0.f, pad * 2.f);
    if (button(ui, nextText, "report.next", ImVec2(0.f, big), Tone::Secondary, !m_loading && m_month < m_currentMonth))
        m_shift = 1;
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));

    if (m_loading) {
        super::workingBanner(ui, ui.tr("report.loading"));
        return;
    }
    if (m_error) {
        banner(ui, icon::kWarning, super::errorText(ui, *m_error), Tone::Danger);
        return;
    }
    if (!m_view) return;
    if (m_view->assistanceCount > 0) {
        if (button(ui, fmt::format("{}  {}", icon::kChart, ui.tr("report.show_charts")), "report.show.charts",
                   ImVec2(0.f, ui.px(64.f)), m_showTable ? Tone::Secondary : Tone::Primary))
            m_showTap = 0;
        ImGui::SameLine(0.f, pad);
        if (button(ui, fmt::format("{}  {}", icon::kTable, ui.tr("report.show_table")), "report.show.table",
                   ImVec2(0.f, ui.px(64.f)), m_showTable ? Tone::Primary : Tone::Secondary))
            m_showTap = 1;
        ImGui::Dummy(ImVec2(0.f, pad * 0.25f));
    }
    if (m_showTable && m_view->assistanceCount > 0) {
        drawTable(ui);
        return;
    }
    // Everything under the month chooser scrolls with one finger, so even at
    // the largest text size the charts get the whole height.
    beginScrollArea(ui, "report.charts", ImVec2(0.f, ImGui::GetContentRegionAvail().y));
    // The area itself is what a finger drags: recorded so tests can drag it.
    const ImVec2 areaMin = ImGui::GetWindowPos();
    const ImVec2 areaSize = ImGui::GetWindowSize();
    ui.probe.item("report.charts", ImGui::GetID("report.charts"), areaMin,
                  ImVec2(areaMin.x + areaSize.x, areaMin.y + areaSize.y), true);
    drawExport(ui);
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
    if (m_view->assistanceCount == 0)
        banner(ui, icon::kInfo, fill(ui.tr("report.empty"), {super::monthLabel(ui, m_month)}));
    else
        drawCharts(ui);
    endScrollArea(ui);
}

void ReportScreen::drawExport(Ui& ui) {
    const float pad = ui.px(ui.theme.spacing);
    label(ui, fmt::format("{}  {}", icon::kDownload, ui.tr("report.export_title")));
    if (m_targets.empty()) {
        muted(ui, ui.tr("report.no_targets"));
    } else {
        for (std::size_t i = 0; i < m_targets.size(); ++i) {
            if (i > 0) ImGui::SameLine(0.f, pad);
            const std::string key = fmt::format("report.export.{}", i);
            const bool removable = !(i == 0 && m_targets[0] == m_ctx.config.exportDir);
            const std::string word = fill(ui.tr(removable ? "report.export_to_drive" : "report.export_to_folder"),
                                          {m_targets[i].filename().string()});
            if (button(ui, fmt::format("{}  {}", removable ? icon::kUpload : icon::kFile, word), key.c_str(),
                       ImVec2(0.f, ui.px(80.f)), Tone::Primary, !m_exporting))
                m_exportTap = i;
        }
    }
    if (m_exporting) super::workingBanner(ui, ui.tr("report.exporting"));
    if (!m_exportedPath.empty())
        successText(ui, fmt::format("{}  {}", icon::kCheck, fill(ui.tr("report.exported"), {m_exportedPath})));
    if (m_exportError)
        errorText(ui,
                  fmt::format("{}  {} {}", icon::kWarning, fill(ui.tr("report.export_failed"), {m_exportFailedPath}),
                              super::errorText(ui, *m_exportError)));
}

void ReportScreen::afterDraw() {
    if (m_back) m_ctx.nav.back();
    m_back = false;
    if (m_shift != 0 && !m_loading) {
        const std::string next = shiftMonth(m_month, m_shift);
        if (next <= m_currentMonth) {
            m_month = next;
            m_exportedPath.clear();
            m_exportError.reset();
            load();
        }
    }
    m_shift = 0;
    if (m_showTap >= 0) m_showTable = m_showTap == 1;
    m_showTap = -1;
    if (m_exportTap) exportTo(*m_exportTap);
    m_exportTap.reset();
}

}  // namespace chasqui::kiosk
