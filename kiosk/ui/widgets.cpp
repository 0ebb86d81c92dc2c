#include "kiosk/ui/widgets.hpp"

#include <algorithm>
#include <functional>

#include <fmt/format.h>
#include <imgui_internal.h>

#include "kiosk/ui/icons.hpp"

namespace chasqui::kiosk {

namespace {

struct ToneColors {
    ImVec4 bg, active, fg;
};

ToneColors colorsOf(const Ui& ui, Tone tone) {
    const Theme& t = ui.theme;
    switch (tone) {
        case Tone::Primary:
            return {t.primary, t.primaryActive, t.onPrimary};
        case Tone::Secondary:
            return {t.secondary, t.secondaryActive, t.onSecondary};
        case Tone::Danger:
            return {t.danger, t.primaryActive, t.onDanger};
        case Tone::OnTopBar:
            return {t.topBar, t.primaryActive, t.onTopBar};
    }
    return {t.primary, t.primaryActive, t.onPrimary};
}

void probeLast(Ui& ui, const char* key) {
    ui.probe.item(key, ImGui::GetItemID(), ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), ImGui::IsItemVisible());
}

constexpr float kOutlinePx = 2.f;

float touchHeight(const Ui& ui) {
    return std::max(ui.theme.minTouch, ui.px(ui.theme.buttonHeight));
}

void wrapped(Ui& ui, std::string_view value, const ImVec4* color) {
    ui.probe.text(value);
    if (color) ImGui::PushStyleColor(ImGuiCol_Text, *color);
    ImGui::PushTextWrapPos(0.f);
    ImGui::TextUnformatted(value.data(), value.data() + value.size());
    ImGui::PopTextWrapPos();
    if (color) ImGui::PopStyleColor();
}

}  // namespace

bool button(Ui& ui, std::string_view label, const char* key, ImVec2 size, Tone tone, bool enabled) {
    const ToneColors c = enabled ? colorsOf(ui, tone) : colorsOf(ui, Tone::Secondary);
    ImGui::PushStyleColor(ImGuiCol_Button, c.bg);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, c.bg);
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, c.active);
    ImGui::PushStyleColor(ImGuiCol_Text, enabled ? c.fg : ui.theme.mutedText);
    ImGui::PushFont(ui.fonts.bold);
    const std::string id = fmt::format("{}###{}", label, key);
    const ImVec2 textSize = ImGui::CalcTextSize(label.data(), label.data() + label.size());
    ImVec2 sized = size;
    if (sized.x <= 0.f) sized.x = std::max(ui.theme.minTouch, textSize.x + ui.px(ui.theme.spacing) * 2.5f);
    if (sized.y <= 0.f) sized.y = touchHeight(ui);
    sized.x = std::max(sized.x, ui.theme.minTouch);
    sized.y = std::max(sized.y, ui.theme.minTouch);
    if (!enabled) ImGui::BeginDisabled();
    bool pressed = ImGui::Button(id.c_str(), sized);
    if (!enabled) ImGui::EndDisabled();
    // A pale (unselected or disabled) button has an outline: its fill alone is
    // too close to the paper to be seen as a button (WCAG 1.4.11, 3:1).
    if (!enabled || tone == Tone::Secondary)
        ImGui::GetWindowDrawList()->AddRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), toU32(ui.theme.border),
                                            ImGui::GetStyle().FrameRounding, 0, kOutlinePx);
    ImGui::PopFont();
    ImGui::PopStyleColor(4);
    ui.probe.text(label);
    probeLast(ui, key);
    return pressed && enabled && !ui.scroll.dragging();
}

bool tile(Ui& ui, const char* iconText, std::string_view label, const char* key, ImVec2 size) {
    ImGui::PushID(key);
    const bool pressed = ImGui::InvisibleButton("##tile", size);
    ImGui::PopID();
    const ImVec2 min = ImGui::GetItemRectMin();
    const ImVec2 max = ImGui::GetItemRectMax();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const bool held = ImGui::IsItemActive();
    draw->AddRectFilled(min, max, toU32(held ? ui.theme.secondaryActive : ui.theme.surface), ui.theme.rounding);
    draw->AddRect(min, max, toU32(ui.theme.border), ui.theme.rounding, 0, 2.f);
    ImVec2 iconSize = ui.fonts.icons->CalcTextSizeA(ui.fonts.icons->FontSize, 1e9f, 0.f, iconText);
    // The word is large: many people who use the tiles read little.
    ImFont* font = ui.fonts.heading;
    const float pad = ui.px(ui.theme.spacing);
    const float wrap = size.x - pad * 2.f;
    ImVec2 textSize = font->CalcTextSizeA(font->FontSize, 1e9f, wrap, label.data(), label.data() + label.size());
    const float gap = pad * 0.5f;
    // A narrow, short tile at the largest text size (three to a row on a
    // 1280-pixel screen) cannot hold the icon and a long word in heading size:
    // the word keeps its place in bold body size, then the icon gives way.
    const float room = size.y - pad;
    if (iconSize.y + gap + textSize.y > room) {
        font = ui.fonts.bold;
        textSize = font->CalcTextSizeA(font->FontSize, 1e9f, wrap, label.data(), label.data() + label.size());
    }
    const bool withIcon = iconSize.y + gap + textSize.y <= room;
    if (!withIcon) iconSize = ImVec2(0.f, -gap);
    // Icon and word centred together, so a short tile (large text) still holds both inside its border.
    const float iconY = min.y + std::max(0.f, (size.y - iconSize.y - gap - textSize.y) * 0.5f);
    if (withIcon)
        draw->AddText(ui.fonts.icons, ui.fonts.icons->FontSize, ImVec2(min.x + (size.x - iconSize.x) * 0.5f, iconY),
                      toU32(ui.theme.primary), iconText);
    draw->AddText(font, font->FontSize, ImVec2(min.x + (size.x - textSize.x) * 0.5f, iconY + iconSize.y + gap),
                  toU32(ui.theme.text), label.data(), label.data() + label.size(), wrap);
    ui.probe.text(label);
    probeLast(ui, key);
    return pressed && !ui.scroll.dragging();
}

bool listRow(Ui& ui, const char* key, std::string_view title, std::string_view subtitle, const char* iconText) {
    const float width = ImGui::GetContentRegionAvail().x;
    const float line = ui.fonts.bold->FontSize;
    const float pad = ui.px(ui.theme.spacing);
    float x0 = pad + (iconText != nullptr ? line * 1.6f : 0.f);
    const float subtitleWidth = width - x0 - line * 2.f;
    // A long subtitle wraps: the row grows to hold it instead of spilling out.
    const float subtitleHeight = subtitle.empty()
                                     ? 0.f
                                     : ui.fonts.body
                                           ->CalcTextSizeA(ui.fonts.body->FontSize, 1e9f, subtitleWidth,
                                                           subtitle.data(), subtitle.data() + subtitle.size())
                                           .y;
    const float height = std::max(touchHeight(ui), line * 1.15f + subtitleHeight + pad * 1.5f);
    ImGui::PushID(key);
    const bool pressed = ImGui::InvisibleButton("##row", ImVec2(width, height));
    ImGui::PopID();
    const ImVec2 min = ImGui::GetItemRectMin();
    const ImVec2 max = ImGui::GetItemRectMax();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(min, max, toU32(ImGui::IsItemActive() ? ui.theme.secondaryActive : ui.theme.surface),
                        ui.theme.rounding);
    const float x = min.x + x0;
    if (iconText != nullptr)
        draw->AddText(ui.fonts.bold, line, ImVec2(min.x + pad, min.y + pad * 0.75f), toU32(ui.theme.primary), iconText);
    const float textWidth = subtitleWidth;
    draw->PushClipRect(min, ImVec2(max.x - line * 1.5f, max.y), true);
    draw->AddText(ui.fonts.bold, line, ImVec2(x, min.y + pad * 0.75f), toU32(ui.theme.text), title.data(),
                  title.data() + title.size(), 0.f);
    if (!subtitle.empty())
        draw->AddText(ui.fonts.body, ui.fonts.body->FontSize, ImVec2(x, min.y + pad * 0.75f + line * 1.15f),
                      toU32(ui.theme.mutedText), subtitle.data(), subtitle.data() + subtitle.size(), textWidth);
    draw->PopClipRect();
    draw->AddText(ui.fonts.bold, line, ImVec2(max.x - line * 1.3f, min.y + (height - line) * 0.5f),
                  toU32(ui.theme.mutedText), icon::kChevronRight);
    ui.probe.text(title);
    ui.probe.text(subtitle);
    probeLast(ui, key);
    return pressed && !ui.scroll.dragging();
}

void text(Ui& ui, std::string_view value) {
    wrapped(ui, value, nullptr);
}
void muted(Ui& ui, std::string_view value) {
    wrapped(ui, value, &ui.theme.mutedText);
}
void errorText(Ui& ui, std::string_view value) {
    wrapped(ui, value, &ui.theme.errorText);
}
void successText(Ui& ui, std::string_view value) {
    wrapped(ui, value, &ui.theme.successText);
}

void label(Ui& ui, std::string_view value) {
    ImGui::PushFont(ui.fonts.bold);
    wrapped(ui, value, nullptr);
    ImGui::PopFont();
}

void heading(Ui& ui, std::string_view value) {
    ImGui::PushFont(ui.fonts.heading);
    wrapped(ui, value, nullptr);
    ImGui::PopFont();
}

void banner(Ui& ui, const char* iconText, std::string_view message, Tone tone) {
    const ImVec4 bg = tone == Tone::Danger ? ui.theme.warningSurface : ui.theme.secondary;
    const ImVec4 fg = tone == Tone::Danger ? ui.theme.onWarning : ui.theme.onSecondary;
    const float pad = ui.px(ui.theme.spacing);
    const float width = ImGui::GetContentRegionAvail().x;
    ImFont* font = ui.fonts.bold;
    const float wrap = width - pad * 3.f - font->FontSize * 1.5f;
    const ImVec2 size =
        font->CalcTextSizeA(font->FontSize, 1e9f, wrap, message.data(), message.data() + message.size());
    const ImVec2 min = ImGui::GetCursorScreenPos();
    const ImVec2 max(min.x + width, min.y + size.y + pad * 2.f);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(min, max, toU32(bg), ui.theme.rounding);
    draw->AddText(font, font->FontSize, ImVec2(min.x + pad, min.y + pad), toU32(fg), iconText);
    draw->AddText(font, font->FontSize, ImVec2(min.x + pad * 2.f + font->FontSize * 1.2f, min.y + pad), toU32(fg),
                  message.data(), message.data() + message.size(), wrap);
    ImGui::Dummy(ImVec2(width, max.y - min.y));
    ui.probe.text(message);
}

void progressBar(Ui& ui, float fraction, std::string_view overlay) {
    const std::string text(overlay);
    ImGui::PushStyleColor(ImGuiCol_FrameBg, ui.theme.secondary);
    ImGui::PushStyleColor(ImGuiCol_Text, ui.theme.text);
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ui.theme.secondaryActive);
    ImGui::ProgressBar(std::clamp(fraction, 0.f, 1.f), ImVec2(-1.f, touchHeight(ui) * 0.75f), text.c_str());
    ImGui::PopStyleColor(3);
    ui.probe.text(overlay);
}

bool textField(Ui& ui, std::string_view labelText, const char* key, std::string& value, EntryMode mode,
               std::size_t maxBytes, std::string_view error, float width, bool secret) {
    label(ui, labelText);
    const float w = width > 0.f ? width : ImGui::GetContentRegionAvail().x;
    const float h = std::max(ui.theme.minTouch, ui.fonts.body->FontSize + ui.px(ui.theme.spacing) * 1.6f);
    ImGui::PushID(key);
    const bool tapped = ImGui::InvisibleButton("##field", ImVec2(w, h));
    ImGui::PopID();
    const bool focused = ui.entry.isFocused(key);
    if (tapped && !ui.scroll.dragging()) ui.entry.focus(key, &value, mode, maxBytes, secret);
    const ImVec2 min = ImGui::GetItemRectMin();
    const ImVec2 max = ImGui::GetItemRectMax();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(min, max, toU32(ui.theme.surface), ui.theme.rounding * 0.6f);
    const ImVec4 edge = !error.empty() ? ui.theme.errorText : (focused ? ui.theme.primary : ui.theme.border);
    draw->AddRect(min, max, toU32(edge), ui.theme.rounding * 0.6f, 0, focused ? 3.f : 2.f);
    std::string shown = secret ? std::string(value.size(), '*') : value;
    if (focused) shown += "|";
    const float pad = ui.px(ui.theme.spacing);
    draw->PushClipRect(min, max, true);
    draw->AddText(ui.fonts.body, ui.fonts.body->FontSize,
                  ImVec2(min.x + pad, min.y + (h - ui.fonts.body->FontSize) * 0.5f), toU32(ui.theme.text),
                  shown.c_str());
    draw->PopClipRect();
    if (!secret) ui.probe.text(value);
    probeLast(ui, key);
    if (!error.empty()) {
        const std::string message = fmt::format("{} {}", icon::kWarning, error);
        errorText(ui, message);
    }
    return ui.entry.takeChanged(key);
}

namespace {

bool optionRow(Ui& ui, const char* key, const std::vector<Option>& options,
               const std::function<bool(const std::string&)>& selected, std::string& tappedCode) {
    bool tapped = false;
    const float right = ImGui::GetContentRegionAvail().x + ImGui::GetCursorScreenPos().x;
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    for (std::size_t i = 0; i < options.size(); ++i) {
        const Option& option = options[i];
        ImGui::PushFont(ui.fonts.bold);
        const float w = std::max(ui.theme.minTouch * 1.5f,
                                 ImGui::CalcTextSize(option.label.c_str()).x + ui.px(ui.theme.spacing) * 2.5f);
        ImGui::PopFont();
        if (i > 0) {
            ImGui::SameLine();
            if (ImGui::GetCursorScreenPos().x + w > right) ImGui::NewLine();
        }
        const std::string itemKey = fmt::format("{}.{}", key, option.code);
        const bool on = selected(option.code);
        if (button(ui, on ? fmt::format("{} {}", icon::kCheck, option.label) : option.label, itemKey.c_str(),
                   ImVec2(on ? w + ui.fonts.bold->FontSize * 1.2f : w, 0.f), on ? Tone::Primary : Tone::Secondary)) {
            tapped = true;
            tappedCode = option.code;
        }
    }
    (void)spacing;
    return tapped;
}

}  // namespace

bool choice(Ui& ui, std::string_view labelText, const char* key, const std::vector<Option>& options, std::string& value,
            std::string_view error) {
    if (!labelText.empty()) label(ui, labelText);
    std::string tapped;
    const bool changed = optionRow(
        ui, key, options, [&](const std::string& c) { return c == value; }, tapped);
    if (changed) value = tapped;
    if (!error.empty()) errorText(ui, fmt::format("{} {}", icon::kWarning, error));
    return changed;
}

bool multiChoice(Ui& ui, std::string_view labelText, const char* key, const std::vector<Option>& options,
                 std::vector<std::string>& values, std::string_view error) {
    if (!labelText.empty()) label(ui, labelText);
    std::string tapped;
    const auto has = [&](const std::string& c) { return std::find(values.begin(), values.end(), c) != values.end(); };
    const bool changed = optionRow(ui, key, options, has, tapped);
    if (changed) {
        if (has(tapped))
            values.erase(std::remove(values.begin(), values.end(), tapped), values.end());
        else
            values.push_back(tapped);
    }
    if (!error.empty()) errorText(ui, fmt::format("{} {}", icon::kWarning, error));
    return changed;
}

void beginScrollArea(Ui& ui, const char* key, ImVec2 size) {
    const ImGuiID id = ImGui::GetID(key);
    ImGui::BeginChild(id, size, false);
    if (ui.scroll.update(id, ui.dt)) ui.animate = true;
}

void endScrollArea(Ui&) {
    ImGui::EndChild();
}

}  // namespace chasqui::kiosk
