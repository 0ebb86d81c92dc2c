#include "kiosk/screens/case_widgets.hpp"

#include <algorithm>

#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk::casework {

namespace {
constexpr const char* kDash = "—";  // "not recorded"
}

Card::Card(Ui& ui) : m_ui(ui) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->ChannelsSplit(2);
    draw->ChannelsSetCurrent(1);
    m_start = ImGui::GetCursorScreenPos();
    m_width = ImGui::GetContentRegionAvail().x;
    m_pad = ui.px(ui.theme.spacing);
    ImGui::SetCursorScreenPos(ImVec2(m_start.x + m_pad, m_start.y + m_pad));
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + innerWidth());
}

void Card::end() {
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    const ImVec2 end(m_start.x + m_width, ImGui::GetItemRectMax().y + m_pad);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->ChannelsSetCurrent(0);
    draw->AddRectFilled(m_start, end, toU32(m_ui.theme.surface), m_ui.theme.rounding);
    draw->AddRect(m_start, end, toU32(m_ui.theme.secondaryActive), m_ui.theme.rounding, 0, 1.5f);
    draw->ChannelsMerge();
    ImGui::SetCursorScreenPos(m_start);
    ImGui::Dummy(ImVec2(m_width, end.y - m_start.y + m_pad * 0.5f));
}

void Card::paragraph(std::string_view text, bool mutedTone) {
    if (mutedTone) ImGui::PushStyleColor(ImGuiCol_Text, m_ui.theme.mutedText);
    ImGui::TextUnformatted(text.data(), text.data() + text.size());
    if (mutedTone) ImGui::PopStyleColor();
    m_ui.probe.text(text);
}

Chips::Chips(Ui& ui, float width) : m_ui(ui) {
    m_right = ImGui::GetCursorScreenPos().x + (width > 0.f ? width : ImGui::GetContentRegionAvail().x);
}

void Chips::add(std::string_view text, bool strong) {
    ImFont* font = m_ui.fonts.bold;
    const float padX = m_ui.px(12.f);
    const float padY = m_ui.px(6.f);
    const ImVec2 textSize = font->CalcTextSizeA(font->FontSize, 1e9f, 0.f, text.data(), text.data() + text.size());
    const ImVec2 size(textSize.x + padX * 2.f, textSize.y + padY * 2.f);
    if (!m_first) {
        ImGui::SameLine();
        if (ImGui::GetCursorScreenPos().x + size.x > m_right) ImGui::NewLine();
    }
    m_first = false;
    const ImVec2 min = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(min, ImVec2(min.x + size.x, min.y + size.y),
                        toU32(strong ? m_ui.theme.primary : m_ui.theme.secondary), size.y * 0.5f);
    draw->AddText(font, font->FontSize, ImVec2(min.x + padX, min.y + padY),
                  toU32(strong ? m_ui.theme.onPrimary : m_ui.theme.onSecondary), text.data(),
                  text.data() + text.size());
    ImGui::Dummy(size);
    m_ui.probe.text(text);
}

float footerHeight(const Ui& ui) {
    return std::max(ui.theme.minTouch, ui.px(ui.theme.buttonHeight)) + ImGui::GetStyle().ItemSpacing.y * 2.f +
           ui.px(4.f);
}

void footerNote(Ui& ui, std::string_view text, bool error) {
    const float buttonHeight = std::max(ui.theme.minTouch, ui.px(ui.theme.buttonHeight));
    const float y = ImGui::GetCursorPosY();
    // After SameLine next to a button, text is already lowered by the frame padding.
    ImGui::SetCursorPosY(y + (buttonHeight - ui.fonts.body->FontSize) * 0.5f - ImGui::GetStyle().FramePadding.y);
    if (error)
        errorText(ui, text);
    else
        muted(ui, text);
}

void keepInSight(Ui& ui, const char* fieldKey, std::string& scrolledFor) {
    if (ui.entry.isFocused(fieldKey)) {
        if (scrolledFor != fieldKey) {
            // Applied next frame, when the area has already shrunk above the keyboard.
            ImGui::SetScrollHereY(0.3f);
            scrolledFor = fieldKey;
        }
    } else if (scrolledFor == fieldKey) {
        scrolledFor.clear();
    }
}

void field(Ui& ui, std::string_view caption, std::string_view value) {
    muted(ui, caption);
    label(ui, value.empty() ? std::string_view(kDash) : value);
}

}  // namespace chasqui::kiosk::casework
