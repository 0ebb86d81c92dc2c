#include "kiosk/core/idle_countdown.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <imgui.h>

#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

CountdownPlace placeCountdown(ImVec2 display, float preferredWidth, float margin,
                              const std::optional<KeepClear>& keepClear) {
    const float width = std::min(display.x - margin * 2.f, preferredWidth);
    if (!keepClear) return {ImVec2(display.x * 0.5f, display.y * 0.5f), width};
    // Beside the part to keep clear, on its wider side, as wide as fits there.
    const float leftRoom = keepClear->min.x;
    const float rightRoom = display.x - keepClear->max.x;
    const bool left = leftRoom >= rightRoom;
    const float room = left ? leftRoom : rightRoom;
    const float fitted = std::min(width, room - margin * 2.f);
    const float centreX = left ? leftRoom * 0.5f : keepClear->max.x + rightRoom * 0.5f;
    return {ImVec2(centreX, display.y * 0.5f), std::max(fitted, 0.f)};
}

bool drawIdleCountdown(Ui& ui, int secondsLeft, bool signedIn) {
    const Theme& theme = ui.theme;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const CountdownPlace place =
        placeCountdown(display, std::min(display.x * 0.8f, ui.px(900.f)), ui.px(theme.spacing), ui.keepClear);
    ImGui::SetNextWindowPos(place.centre, ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(place.width, 0.f));
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
    const ImVec2 at = ImGui::GetWindowPos();
    const ImVec2 size = ImGui::GetWindowSize();
    ui.probe.item("idle.countdown", ImGui::GetID("###countdown.window"), at, ImVec2(at.x + size.x, at.y + size.y),
                  true);
    ImGui::End();
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor(2);
    return stay;
}

}  // namespace chasqui::kiosk
