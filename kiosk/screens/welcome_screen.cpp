#include "kiosk/screens/welcome_screen.hpp"

#include <fmt/format.h>

#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

namespace {
constexpr float kScales[] = {1.f, 1.25f, 1.5f};
}

void WelcomeScreen::drawContent(Ui& ui) {
    const float width = ImGui::GetContentRegionAvail().x;
    const float height = ImGui::GetContentRegionAvail().y;
    const float pad = ui.px(ui.theme.spacing);
    ImGui::Dummy(ImVec2(0.f, height * 0.04f));
    ImGui::PushFont(ui.fonts.display);
    const char* title = ui.tr("welcome.title");
    ImGui::SetCursorPosX((width - ImGui::CalcTextSize(title).x) * 0.5f);
    ImGui::TextUnformatted(title);
    ui.probe.text(title);
    ImGui::PopFont();
    const char* subtitle = ui.tr("welcome.subtitle");
    ImGui::SetCursorPosX((width - ImGui::CalcTextSize(subtitle).x) * 0.5f);
    muted(ui, subtitle);
    ImGui::Dummy(ImVec2(0.f, pad));

    // Languages: each in its own name, so a person finds theirs without reading Spanish.
    label(ui, fmt::format("{}  {}", icon::kGlobe, ui.tr("welcome.language")));
    const auto& languages = Translations::languages();
    const float langWidth =
        (width - pad * static_cast<float>(languages.size() - 1)) / static_cast<float>(languages.size());
    for (std::size_t i = 0; i < languages.size(); ++i) {
        if (i > 0) ImGui::SameLine();
        const auto& lang = languages[i];
        const bool selected = m_ctx.i18n.language() == lang.code;
        const std::string key = "welcome.lang." + lang.code;
        if (button(ui, selected ? fmt::format("{}  {}", icon::kCheck, ui.tr(lang.nameKey)) : ui.tr(lang.nameKey),
                   key.c_str(), ImVec2(langWidth, ui.px(96.f)), selected ? Tone::Primary : Tone::Secondary))
            m_language = lang.code;
    }
    ImGui::Dummy(ImVec2(0.f, pad * 2.f));

    const float tileWidth = (width - pad) * 0.5f;
    const float tileHeight = std::min(height * 0.42f, ui.px(420.f));
    if (tile(ui, icon::kInfo, ui.tr("welcome.services"), "welcome.services", ImVec2(tileWidth, tileHeight)))
        m_intent = Intent::Services;
    ImGui::SameLine();
    if (tile(ui, m_session.signedIn ? icon::kUser : icon::kLock, ui.tr("welcome.staff"), "welcome.staff",
             ImVec2(tileWidth, tileHeight)))
        m_intent = Intent::Staff;
    ImGui::Dummy(ImVec2(0.f, pad));

    label(ui, fmt::format("{}  {}", icon::kTextSize, ui.tr("welcome.text_size")));
    for (std::size_t i = 0; i < std::size(kScales); ++i) {
        if (i > 0) ImGui::SameLine();
        const bool selected = m_ctx.prefs.textScale == kScales[i];
        const std::string key = fmt::format("welcome.size.{}", i);
        const std::string shown = fmt::format("{}%", static_cast<int>(kScales[i] * 100.f + 0.5f));
        if (button(ui, shown, key.c_str(), ImVec2(ui.px(160.f), 0.f), selected ? Tone::Primary : Tone::Secondary))
            m_textScale = kScales[i];
    }
}

void WelcomeScreen::afterDraw() {
    if (!m_language.empty()) m_ctx.i18n.setLanguage(m_language);
    if (m_textScale > 0.f) m_ctx.prefs.textScale = m_textScale;
    m_language.clear();
    m_textScale = 0.f;
    switch (m_intent) {
        case Intent::Services:
            m_ctx.nav.go(ScreenId::Categories);
            break;
        case Intent::Staff:
            m_ctx.nav.go(m_session.signedIn ? ScreenId::StaffHome : ScreenId::SignIn);
            break;
        case Intent::None:
            break;
    }
    m_intent = Intent::None;
}

}  // namespace chasqui::kiosk
