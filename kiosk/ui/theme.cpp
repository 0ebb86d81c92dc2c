#include "kiosk/ui/theme.hpp"

#include <algorithm>
#include <cmath>

namespace chasqui::kiosk {

namespace {
float channel(float c) {
    return c <= 0.03928f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f);
}
float luminance(const ImVec4& c) {
    return 0.2126f * channel(c.x) + 0.7152f * channel(c.y) + 0.0722f * channel(c.z);
}
}  // namespace

float contrastRatio(const ImVec4& a, const ImVec4& b) {
    const float la = luminance(a);
    const float lb = luminance(b);
    return (std::max(la, lb) + 0.05f) / (std::min(la, lb) + 0.05f);
}

std::vector<std::pair<ImVec4, ImVec4>> Theme::textPairs() const {
    return {{text, background},        {text, surface},
            {mutedText, background},   {mutedText, surface},
            {onPrimary, primary},      {onPrimary, primaryActive},
            {onSecondary, secondary},  {onSecondary, secondaryActive},
            {onDanger, danger},        {onWarning, warningSurface},
            {errorText, background},   {errorText, surface},
            {successText, background}, {successText, surface},
            {onTopBar, topBar}};
}

std::vector<std::pair<ImVec4, ImVec4>> Theme::boundaryPairs() const {
    return {{border, background},  {border, surface},       {border, secondary},  {border, secondaryActive},
            {primary, background}, {primary, surface},      {danger, background}, {danger, surface},
            {errorText, surface},  {errorText, background}, {topBar, background}};
}

void applyTheme(const Theme& theme, float scale) {
    ImGuiStyle style;
    ImGui::StyleColorsLight(&style);
    style.WindowRounding = 0.f;
    style.ChildRounding = theme.rounding;
    style.FrameRounding = theme.rounding;
    style.PopupRounding = theme.rounding;
    style.GrabRounding = theme.rounding;
    style.ScrollbarRounding = theme.rounding;
    style.WindowBorderSize = 0.f;
    style.ChildBorderSize = 0.f;
    style.FrameBorderSize = 0.f;
    style.WindowPadding = ImVec2(theme.spacing * 1.5f, theme.spacing);
    style.FramePadding = ImVec2(theme.spacing, theme.spacing * 0.75f);
    style.ItemSpacing = ImVec2(theme.spacing, theme.spacing);
    style.ItemInnerSpacing = ImVec2(theme.spacing * 0.5f, theme.spacing * 0.5f);
    style.ScrollbarSize = 18.f;  // a visual cue only; lists scroll by dragging
    style.TouchExtraPadding = ImVec2(0.f, 0.f);
    style.ScaleAllSizes(scale);

    ImVec4* c = style.Colors;
    c[ImGuiCol_Text] = theme.text;
    c[ImGuiCol_TextDisabled] = theme.mutedText;
    c[ImGuiCol_WindowBg] = theme.background;
    c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_PopupBg] = theme.surface;
    c[ImGuiCol_Border] = theme.border;
    c[ImGuiCol_FrameBg] = theme.surface;
    c[ImGuiCol_FrameBgHovered] = theme.surface;
    c[ImGuiCol_FrameBgActive] = theme.secondary;
    c[ImGuiCol_Button] = theme.primary;
    c[ImGuiCol_ButtonHovered] = theme.primary;  // no hover feedback on a touch screen
    c[ImGuiCol_ButtonActive] = theme.primaryActive;
    c[ImGuiCol_Header] = theme.secondary;
    c[ImGuiCol_HeaderHovered] = theme.secondary;
    c[ImGuiCol_HeaderActive] = theme.secondaryActive;
    c[ImGuiCol_ScrollbarBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_ScrollbarGrab] = theme.border;
    c[ImGuiCol_ScrollbarGrabHovered] = theme.border;
    c[ImGuiCol_ScrollbarGrabActive] = theme.mutedText;
    c[ImGuiCol_CheckMark] = theme.primary;
    c[ImGuiCol_PlotHistogram] = theme.primary;
    c[ImGuiCol_Separator] = theme.border;
    c[ImGuiCol_ModalWindowDimBg] = ImVec4(0.1f, 0.1f, 0.1f, 0.45f);
    ImGui::GetStyle() = style;
}

}  // namespace chasqui::kiosk
