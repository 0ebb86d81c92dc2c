#include "kiosk/screens/welcome_screen.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "kiosk/screens/self_service_common.hpp"
#include "kiosk/screens/spoken_text.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

namespace {

constexpr float kScales[] = {1.f, 1.25f, 1.5f};
constexpr const char* kSeparator = "  \xc2\xb7  ";  // i18n: not UI (a middle dot between greetings)

// The greetings packed into as few lines as fit in `width` with `font`.
std::vector<std::string> greetingLines(const Translations& i18n, ImFont* font, float width) {
    std::vector<std::string> lines(1);
    for (const auto& lang : Translations::languages()) {
        const std::string greeting = i18n.tr("welcome.title", lang.code);
        const std::string longer = lines.back().empty() ? greeting : lines.back() + kSeparator + greeting;
        if (!lines.back().empty() && font->CalcTextSizeA(font->FontSize, 1e9f, 0.f, longer.c_str()).x > width)
            lines.push_back(greeting);
        else
            lines.back() = longer;
    }
    return lines;
}

// The greeting in every language, Spanish first, centred: a person who does
// not read Spanish sees theirs at once. In the largest letters when they fit
// on two lines, else one size smaller (large text on a narrow screen).
void drawGreetings(Ui& ui, const Translations& i18n, float width) {
    ImFont* font = ui.fonts.display;
    std::vector<std::string> lines = greetingLines(i18n, font, width);
    if (lines.size() > 2) {
        font = ui.fonts.heading;
        lines = greetingLines(i18n, font, width);
    }
    ImGui::PushFont(font);
    for (const auto& line : lines) {
        ImGui::SetCursorPosX(std::max(0.f, (width - ImGui::CalcTextSize(line.c_str()).x) * 0.5f));
        ImGui::TextUnformatted(line.c_str());
        ui.probe.text(line);
    }
    ImGui::PopFont();
}

}  // namespace

// Top to bottom: the greetings, the languages (with the speaker button on
// their label's line), the two ways in, the text size. The two large tiles take whatever height is left,
// so the text-size buttons stay on screen at every text size and screen size.
void WelcomeScreen::drawContent(Ui& ui) {
    const float width = ImGui::GetContentRegionAvail().x;
    const float height = ImGui::GetContentRegionAvail().y;
    const float pad = ui.px(ui.theme.spacing);
    const float top = ImGui::GetCursorPosY();
    drawGreetings(ui, m_ctx.i18n, width);
    const char* subtitle = ui.tr("welcome.subtitle");
    ImGui::SetCursorPosX(std::max(0.f, (width - ImGui::CalcTextSize(subtitle).x) * 0.5f));
    muted(ui, subtitle);
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));

    // Languages: each in its own name, so a person finds theirs without
    // reading Spanish. The speaker button on the right of their label.
    const std::string languageLabel = fmt::format("{}  {}", icon::kGlobe, ui.tr("welcome.language"));
    if (self_service::titleWithSpeaker(ui, languageLabel, "welcome.speak", self_service::TitleStyle::Label))
        m_speak = true;
    const float buttonHeight = std::max(ui.theme.minTouch, ui.px(ui.theme.buttonHeight));
    const auto& languages = Translations::languages();
    const float langWidth =
        (width - pad * static_cast<float>(languages.size() - 1)) / static_cast<float>(languages.size());
    for (std::size_t i = 0; i < languages.size(); ++i) {
        if (i > 0) ImGui::SameLine();
        const auto& lang = languages[i];
        const bool selected = m_ctx.i18n.language() == lang.code;
        const std::string key = "welcome.lang." + lang.code;
        if (button(ui, selected ? fmt::format("{}  {}", icon::kCheck, ui.tr(lang.nameKey)) : ui.tr(lang.nameKey),
                   key.c_str(), ImVec2(langWidth, buttonHeight), selected ? Tone::Primary : Tone::Secondary))
            m_language = lang.code;
    }
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));

    // What the text-size row below needs: its buttons and the spacing around them.
    const float sizeRow = buttonHeight + ImGui::GetStyle().ItemSpacing.y * 3.f + pad * 0.5f;
    const float left = top + height - ImGui::GetCursorPosY() - sizeRow;
    const float tileWidth = (width - pad) * 0.5f;
    const float tileHeight = std::clamp(left, ui.theme.minTouch * 2.f, ui.px(420.f));
    if (tile(ui, icon::kInfo, ui.tr("welcome.services"), "welcome.services", ImVec2(tileWidth, tileHeight)))
        m_intent = Intent::Services;
    ImGui::SameLine();
    if (tile(ui, m_session.signedIn ? icon::kUser : icon::kLock, ui.tr("welcome.staff"), "welcome.staff",
             ImVec2(tileWidth, tileHeight)))
        m_intent = Intent::Staff;
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));

    // The label on the buttons' line, centred on their height.
    const float rowTop = ImGui::GetCursorPosY();
    ImGui::SetCursorPosY(rowTop + (buttonHeight - ui.fonts.bold->FontSize) * 0.5f);
    label(ui, fmt::format("{}  {}", icon::kTextSize, ui.tr("welcome.text_size")));
    for (std::size_t i = 0; i < std::size(kScales); ++i) {
        ImGui::SameLine(0.f, i == 0 ? pad * 1.5f : -1.f);
        ImGui::SetCursorPosY(rowTop);
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
    if (m_speak) {
        const std::string& lang = m_ctx.i18n.language();
        m_ctx.speech.speak(lang, self_service::spokenWelcome(m_ctx.i18n, lang));
    }
    m_language.clear();
    m_textScale = 0.f;
    m_speak = false;
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

// The inactivity lock: whatever is being read is for the person who left.
void WelcomeScreen::dropPersonalData() {
    m_ctx.speech.stop();
}

}  // namespace chasqui::kiosk
