#include "kiosk/core/idle_countdown.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <imgui.h>

#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

bool drawIdleCountdown(Ui& ui, int secondsLeft, bool signedIn) {
    const Theme& theme = ui.theme;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const float width = std::min(display.x * 0.8f, ui.px(900.f));
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(width, 0.f));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, theme.warningSurface);
    ImGui::PushStyleColor(ImGuiCol_Text, theme.onWarning);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, theme.rounding);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(ui.px(32.f), ui.px(32.f)));
    ImGui::Begin("###countdown", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_AlwaysAutoResize);
    heading(ui, fmt::format("{}  {}", icon::kClock, ui.tr("idle.title")));
    text(ui, fill(ui.tr(signedIn ? "idle.message_staff" : "idle.message_public"), {std::to_string(secondsLeft)}));
    const bool stay = button(ui, ui.tr("idle.stay"), "idle.stay", ImVec2(-1.f, 0.f));
    ImGui::End();
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor(2);
    return stay;
}

}  // namespace chasqui::kiosk
