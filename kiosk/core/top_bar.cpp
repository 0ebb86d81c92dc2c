#include "kiosk/core/top_bar.hpp"

#include <cfloat>
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
    // Right side: who is signed in and sign out, or the way home.
    const std::string right = session.signedIn ? fmt::format("{}  {}", icon::kSignOut, ui.tr("nav.sign_out"))
                                               : fmt::format("{}  {}", icon::kClose, ui.tr("nav.home"));
    ImGui::PushFont(ui.fonts.bold);
    const float rightWidth = ImGui::CalcTextSize(right.c_str()).x + pad * 2.5f;
    const float nameWidth = session.signedIn ? ImGui::CalcTextSize(session.name.c_str()).x + pad : 0.f;
    ImGui::PopFont();
    const float nameX = min.x + width - rightWidth - nameWidth - pad * 2.f;

    // Drawn directly: after SameLine, ImGui would align text to the button's
    // frame padding and the title would sit low. At large text on a narrow
    // screen the title and the name do not both fit in heading size: the
    // title goes to bold size first; if it still runs into the name, the
    // screen's title wins (the name shows on the staff home).
    const char* title = ui.tr(titleKey);
    const float titleX = ImGui::GetCursorScreenPos().x + pad;
    ImFont* titleFont = ui.fonts.heading;
    const auto titleEnd = [&] { return titleX + titleFont->CalcTextSizeA(titleFont->FontSize, FLT_MAX, 0.f, title).x; };
    const float limit = session.signedIn ? nameX - pad : min.x + width - rightWidth - pad * 2.f;
    if (titleEnd() > limit) titleFont = ui.fonts.bold;
    const bool showName = session.signedIn && titleEnd() <= nameX - pad;
    const ImVec2 titleMin(titleX, min.y + (height - titleFont->FontSize) * 0.5f);
    ImGui::GetWindowDrawList()->AddText(titleFont, titleFont->FontSize, titleMin, toU32(theme.onTopBar), title);
    ui.probe.text(title);
    ui.probe.shape("topbar.title", titleMin, ImVec2(titleEnd(), titleMin.y + titleFont->FontSize));

    if (showName) {
        // Drawn like the title (no frame padding), centred on the bar's middle.
        const ImVec2 nameMin(nameX, min.y + (height - ui.fonts.bold->FontSize) * 0.5f);
        ImGui::GetWindowDrawList()->AddText(ui.fonts.bold, ui.fonts.bold->FontSize, nameMin, toU32(theme.onTopBar),
                                            session.name.c_str());
        ui.probe.text(session.name);
        ui.probe.shape("topbar.name", nameMin,
                       ImVec2(nameMin.x + nameWidth - pad, nameMin.y + ui.fonts.bold->FontSize));
    }
    ImGui::SetCursorScreenPos(ImVec2(min.x + width - rightWidth - pad, min.y + pad * 0.5f));
    if (button(ui, right, session.signedIn ? "nav.sign_out" : "nav.home", ImVec2(rightWidth, buttonHeight),
               Tone::OnTopBar))
        tap = session.signedIn ? TopBarTap::SignOut : TopBarTap::Home;
    ImGui::SetCursorScreenPos(ImVec2(min.x, min.y + height));
    return tap;
}

}  // namespace chasqui::kiosk
