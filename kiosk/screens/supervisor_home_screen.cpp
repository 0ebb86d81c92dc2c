#include "kiosk/screens/supervisor_home_screen.hpp"

#include <array>

#include <fmt/format.h>

#include "kiosk/screens/supervisor_common.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

namespace {

struct ToolTile {
    const char* key;
    const char* icon;
    ScreenId screen;
};

constexpr std::array<ToolTile, 5> kTiles{{{"super.sync", icon::kRefresh, ScreenId::SyncPanel},
                                          {"super.conflicts", icon::kCodeFork, ScreenId::Conflicts},
                                          {"super.report", icon::kChart, ScreenId::Report},
                                          {"super.staff", icon::kUsers, ScreenId::StaffAccounts},
                                          {"super.enroll", icon::kTablet, ScreenId::Enrollment}}};

}  // namespace

void SupervisorHomeScreen::onEnter() {
    m_openConflicts = -1;
    if (!m_ctx.session.isSupervisor()) return;
    const std::uint64_t generation = ++m_generation;
    m_ctx.tasks.post([this, generation]() -> TaskRunner::Continuation {
        const std::int64_t count = m_conflicts.countOpen().value_or(-1);
        return [this, generation, count] {
            if (generation == m_generation) m_openConflicts = count;
        };
    });
}

void SupervisorHomeScreen::dropPersonalData() {
    ++m_generation;
    m_openConflicts = -1;
}

void SupervisorHomeScreen::drawContent(Ui& ui) {
    if (super::drawRefusal(ui, m_ctx.session, m_back)) return;
    const float width = ImGui::GetContentRegionAvail().x;
    const float pad = ui.px(ui.theme.spacing);
    heading(ui, fmt::format("{}  {}", icon::kCog, fill(ui.tr("super.hello"), {m_ctx.session.name})));
    muted(ui, ui.tr("super.intro"));
    ImGui::Dummy(ImVec2(0.f, pad));

    const float tileWidth = (width - pad * 2.f) / 3.f;
    const float tileHeight =
        std::max(ui.px(200.f), std::min((ImGui::GetContentRegionAvail().y - pad) * 0.5f, ui.px(320.f)));
    for (std::size_t i = 0; i < kTiles.size(); ++i) {
        const ToolTile& t = kTiles[i];
        if (i % 3 != 0) ImGui::SameLine(0.f, pad);
        std::string word = ui.tr(t.key);
        if (t.screen == ScreenId::Conflicts && m_openConflicts > 0)
            word = fill(ui.tr("super.conflicts_open"), {std::to_string(m_openConflicts)});
        if (tile(ui, t.icon, word, t.key, ImVec2(tileWidth, tileHeight))) m_go = t.screen;
        if (i == 2) ImGui::Dummy(ImVec2(0.f, pad * 0.25f));
    }
    if (m_openConflicts == 0) {
        ImGui::Dummy(ImVec2(0.f, pad));
        successText(ui, fmt::format("{}  {}", icon::kCheck, ui.tr("super.no_conflicts")));
    }
}

void SupervisorHomeScreen::afterDraw() {
    if (m_back) m_ctx.nav.back();
    m_back = false;
    if (m_go != ScreenId::SupervisorHome) m_ctx.nav.go(m_go);
    m_go = ScreenId::SupervisorHome;
}

}  // namespace chasqui::kiosk
