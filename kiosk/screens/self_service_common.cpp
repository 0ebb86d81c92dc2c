#include "kiosk/screens/self_service_common.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <imgui.h>

#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk::self_service {

std::string categoryKey(std::string_view category) {
    return fmt::format("category.{}", category);
}

const char* errorKey(const storage::Error& error) {
    switch (error.code) {
        case storage::ErrorCode::NotFound:
            return "services.error.gone";
        default:
            return "services.error.unreadable";
    }
}

std::string countText(const Ui& ui, int count) {
    if (count == 1) return ui.tr("services.count_one");
    return fill(ui.tr("services.count"), {std::to_string(count)});
}

void drawWorking(Ui& ui) {
    ImGui::Dummy(ImVec2(0.f, ui.px(ui.theme.spacing) * 2.f));
    muted(ui, fmt::format("{}  {}", icon::kClock, ui.tr("services.loading")));
}

namespace {
constexpr float kMinTitleWidth = 360.f;  // px at 100 %: below it a title goes under its speaker button

std::string speakerLabel(const Ui& ui) {
    return fmt::format("{}  {}", icon::kVolumeUp, ui.tr("speech.listen"));
}
}  // namespace

bool speakerButton(Ui& ui, const char* key, float width) {
    return button(ui, speakerLabel(ui), key, ImVec2(width, 0.f), Tone::Secondary);
}

float speakerButtonWidth(const Ui& ui) {
    const std::string shown = speakerLabel(ui);
    const float textWidth = ui.fonts.bold->CalcTextSizeA(ui.fonts.bold->FontSize, 1e9f, 0.f, shown.c_str()).x;
    return std::max(ui.theme.minTouch, textWidth + ui.px(ui.theme.spacing) * 2.5f);
}

bool titleWithSpeaker(Ui& ui, std::string_view title, const char* speakerKey, TitleStyle style) {
    const float width = ImGui::GetContentRegionAvail().x;
    const float pad = ui.px(ui.theme.spacing);
    const float speakerWidth = speakerButtonWidth(ui);
    // A narrow column (a service page at large text) would squeeze the title
    // into a few words a line: the button then goes on its own line above it.
    const bool ownLine = width - speakerWidth - pad < ui.px(kMinTitleWidth);
    ImVec2 start = ImGui::GetCursorPos();
    ImGui::SetCursorPos(ImVec2(start.x + width - speakerWidth, start.y));
    const bool tapped = speakerButton(ui, speakerKey, speakerWidth);
    const float belowButton = ImGui::GetCursorPosY();
    if (ownLine) start.y = belowButton;
    ImFont* font = style == TitleStyle::Heading ? ui.fonts.heading
                   : style == TitleStyle::Label ? ui.fonts.bold
                                                : ui.fonts.body;
    const bool muted = style == TitleStyle::Muted;
    const float buttonHeight = ImGui::GetItemRectSize().y;
    // Beside the button: centred on its height when it is one line.
    const float lift = ownLine ? 0.f : std::max(0.f, (buttonHeight - font->FontSize) * 0.5f);
    ImGui::SetCursorPos(ImVec2(start.x, start.y + lift));
    ImGui::PushFont(font);
    if (muted) ImGui::PushStyleColor(ImGuiCol_Text, ui.theme.mutedText);
    ImGui::PushTextWrapPos(ownLine ? start.x + width : start.x + width - speakerWidth - pad);
    ImGui::TextUnformatted(title.data(), title.data() + title.size());
    ImGui::PopTextWrapPos();
    if (muted) ImGui::PopStyleColor();
    ImGui::PopFont();
    ui.probe.text(title);
    ImGui::SetCursorPosY(std::max(belowButton, ImGui::GetCursorPosY()));
    return tapped;
}

void drawNotice(Ui& ui, const char* iconText, std::string_view message) {
    const float width = ImGui::GetContentRegionAvail().x;
    const float pad = ui.px(ui.theme.spacing);
    ImGui::Dummy(ImVec2(0.f, pad * 3.f));
    const ImVec2 iconSize = ui.fonts.icons->CalcTextSizeA(ui.fonts.icons->FontSize, 1e9f, 0.f, iconText);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddText(ui.fonts.icons, ui.fonts.icons->FontSize,
                                        ImVec2(at.x + (width - iconSize.x) * 0.5f, at.y), toU32(ui.theme.primary),
                                        iconText);
    ImGui::Dummy(ImVec2(width, iconSize.y + pad));
    // Narrower than the screen so the lines stay short enough to read.
    const float column = std::min(width, ui.px(1000.f));
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (width - column) * 0.5f);
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + column);
    ImGui::PushFont(ui.fonts.heading);
    ui.probe.text(message);
    ImGui::TextUnformatted(message.data(), message.data() + message.size());
    ImGui::PopFont();
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
}

}  // namespace chasqui::kiosk::self_service
