#include "kiosk/core/top_bar.hpp"

#include <string>

#include <fmt/format.h>
#include <imgui.h>

#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

namespace {
constexpr float kTopBarHeight = 96.f;
}

TopBarTap drawTopBar(Ui& ui, const char* titleKey, bool canGoBack, const SessionView& session) {
    TopBarTap tap = TopBarTap::None;
    const Theme& theme = ui.theme;
    const float height = ui.px(kTopBarHeight);
    const ImVec2 min = ImGui::GetCursorScreenPos();
    const float width = ImGui::GetIO().DisplaySize.x;
    ImGui::GetWindowDrawList()->AddRectFilled(min, ImVec2(min.x + width, min.y + height), toU32(theme.topBar));
    const float pad = ui.px(theme.spacing);
    const float buttonHeight = height - pad;
    ImGui::SetCursorScreenPos(ImVec2(min.x + pad, min.y + pad * 0.5f));
    if (canGoBack) {
        if (button(ui, fmt::format("{}  {}", icon::kBack, ui.tr("nav.back")), "nav.back", ImVec2(0.f, buttonHeight),
                   Tone::OnTopBar))
            tap = TopBarTap::Back;
        ImGui::SameLine();
    }
    // Drawn directly: after SameLine, ImGui would align text to the button's
    // frame padding and the title would sit low.
    const char* title = ui.tr(titleKey);
    ImGui::GetWindowDrawList()->AddText(
        ui.fonts.heading, ui.fonts.heading->FontSize,
        ImVec2(ImGui::GetCursorScreenPos().x + pad, min.y + (height - ui.fonts.heading->FontSize) * 0.5f),
        toU32(theme.onTopBar), title);
    ui.probe.text(title);

    // Right side: who is signed in and sign out, or the way home.
    const std::string right = session.signedIn ? fmt::format("{}  {}", icon::kSignOut, ui.tr("nav.sign_out"))
                                               : fmt::format("{}  {}", icon::kClose, ui.tr("nav.home"));
    ImGui::PushFont(ui.fonts.bold);
    const float rightWidth = ImGui::CalcTextSize(right.c_str()).x + pad * 2.5f;
    const float nameWidth = session.signedIn ? ImGui::CalcTextSize(session.name.c_str()).x + pad : 0.f;
    ImGui::PopFont();
    if (session.signedIn) {
        ImGui::SetCursorScreenPos(ImVec2(min.x + width - rightWidth - nameWidth - pad * 2.f,
                                         min.y + (height - ui.fonts.bold->FontSize) * 0.5f));
        ImGui::PushFont(ui.fonts.bold);
        ImGui::PushStyleColor(ImGuiCol_Text, theme.onTopBar);
        ImGui::TextUnformatted(session.name.c_str());
        ui.probe.text(session.name);
        ImGui::PopStyleColor();
        ImGui::PopFont();
    }
    ImGui::SetCursorScreenPos(ImVec2(min.x + width - rightWidth - pad, min.y + pad * 0.5f));
    if (button(ui, right, session.signedIn ? "nav.sign_out" : "nav.home", ImVec2(rightWidth, buttonHeight),
               Tone::OnTopBar))
        tap = session.signedIn ? TopBarTap::SignOut : TopBarTap::Home;
    ImGui::SetCursorScreenPos(ImVec2(min.x, min.y + height));
    return tap;
}

}  // namespace chasqui::kiosk
