#include "kiosk/ui/keyboard_view.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <imgui_internal.h>

#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

namespace {

using Row = std::vector<std::string_view>;

const std::array<Row, 4> kLetters = {{
    {"á", "é", "í", "ó", "ú", "ü", "ç", "ã", "õ", "ê", "è", "ò"},
    {"q", "w", "e", "r", "t", "y", "u", "i", "o", "p", "-", "'"},
    {"a", "s", "d", "f", "g", "h", "j", "k", "l", "ñ", ".", "@"},
    {"z", "x", "c", "v", "b", "n", "m", ",", "à", "/", "_", "+"},
}};
const std::array<Row, 4> kSymbols = {{
    {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "#", "%"},
    {"-", "/", ":", ";", "(", ")", "$", "&", "@", "\"", "¿", "?"},
    {".", ",", "!", "¡", "'", "*", "=", "+", "_", "°", "ª", "º"},
    {"[", "]", "{", "}", "<", ">", "~", "|", "\\", "^", "€", "`"},
}};

constexpr float kRowHeight = 76.f;
// The keyboard takes at most this share of the screen's height: keys grow with
// the text size, and at 150 % five rows of them left no room for what is
// typed into (the staff home's search results).
constexpr float kMaxScreenShare = 0.42f;
constexpr float kRows = 5.f;  // the text keyboard's; the pads have four or five
// Between rows of the docked keyboard: smaller than the page's spacing, so
// that on a short screen the height goes to the keys rather than the gaps.
constexpr float kRowGap = 10.f;

float fullKeyHeight(const Ui& ui) {
    return std::max(ui.theme.minTouch, ui.px(kRowHeight));
}
float rowGap(const Ui& ui) {
    return ui.px(kRowGap);
}

// A key of the docked keyboard.
float keyHeight(const Ui& ui) {
    const float padding = ImGui::GetStyle().WindowPadding.y;
    const float cap = (ImGui::GetIO().DisplaySize.y * kMaxScreenShare - padding * 2.f) / kRows - rowGap(ui);
    return std::max(ui.theme.minTouch, std::min(fullKeyHeight(ui), cap));
}

// "kb.a" for ASCII letters and digits, "kb.u<hex>" for anything else: names
// an end-to-end script can compute from the text it wants to type.
std::string keyName(std::string_view character) {
    const unsigned char c = static_cast<unsigned char>(character[0]);
    if (character.size() == 1 && std::isalnum(c)) return fmt::format("kb.{}", character);
    unsigned int codepoint = 0;
    ImTextCharFromUtf8(&codepoint, character.data(), character.data() + character.size());
    return fmt::format("kb.u{:x}", codepoint);
}

void keyRow(Ui& ui, const Row& row, float keyWidth) {
    for (std::size_t i = 0; i < row.size(); ++i) {
        if (i > 0) ImGui::SameLine();
        const std::string shown = ui.entry.shift() ? upperOf(row[i]) : std::string(row[i]);
        const std::string key = keyName(row[i]);
        if (button(ui, shown, key.c_str(), ImVec2(keyWidth, keyHeight(ui)), Tone::Secondary)) ui.entry.type(row[i]);
    }
}

}  // namespace

float keyboardHeight(const Ui& ui) {
    if (!ui.entry.isOpen()) return 0.f;
    // Text: four rows of keys and the space bar row. Pads: four rows, and a
    // fifth for the wide Done key when the pad has an extra key (+ or -).
    const EntryMode mode = ui.entry.mode();
    const float rows = mode == EntryMode::Numeric ? 4.f : 5.f;
    return rows * (keyHeight(ui) + rowGap(ui)) + ImGui::GetStyle().WindowPadding.y * 2.f;
}

bool drawKeypad(Ui& ui, const char* key, float width, const char* actionLabel, bool docked) {
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float w = (width - spacing * 2.f) / 3.f;
    const float h = docked ? keyHeight(ui) : fullKeyHeight(ui);
    bool action = false;
    const EntryMode mode = ui.entry.mode();
    const std::array<std::string_view, 9> digits = {"1", "2", "3", "4", "5", "6", "7", "8", "9"};
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i % 3 != 0) ImGui::SameLine();
        const std::string k = fmt::format("{}.{}", key, digits[i]);
        if (button(ui, digits[i], k.c_str(), ImVec2(w, h), Tone::Secondary)) ui.entry.type(digits[i]);
    }
    const std::string backKey = fmt::format("{}.back", key);
    if (button(ui, icon::kBackspace, backKey.c_str(), ImVec2(w, h), Tone::Secondary)) ui.entry.backspace();
    ImGui::SameLine();
    const std::string zeroKey = fmt::format("{}.0", key);
    if (button(ui, "0", zeroKey.c_str(), ImVec2(w, h), Tone::Secondary)) ui.entry.type("0");
    ImGui::SameLine();
    const std::string actionKey = fmt::format("{}.ok", key);
    if (mode == EntryMode::Phone || mode == EntryMode::Date) {
        const char* extra = mode == EntryMode::Phone ? "+" : "/";
        const std::string extraKey = fmt::format("{}.extra", key);
        if (button(ui, extra, extraKey.c_str(), ImVec2(w, h), Tone::Secondary)) ui.entry.type(extra);
        if (button(ui, actionLabel, actionKey.c_str(), ImVec2(width, h), Tone::Primary)) action = true;
    } else if (button(ui, actionLabel, actionKey.c_str(), ImVec2(w, h), Tone::Primary)) {
        action = true;
    }
    return action;
}

void drawKeyboard(Ui& ui) {
    if (!ui.entry.isOpen()) return;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const float height = keyboardHeight(ui);
    ImGui::SetNextWindowPos(ImVec2(0.f, display.y - height));
    ImGui::SetNextWindowSize(ImVec2(display.x, height));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ui.theme.keyboardBackground);
    ImGui::Begin("###keyboard", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing);
    // Row gaps as keyboardHeight() counts them; no vertical frame padding, so
    // that a label stays centred on a key made short by a short screen.
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, rowGap(ui)));
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(ImGui::GetStyle().FramePadding.x, 0.f));
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float avail = ImGui::GetContentRegionAvail().x;
    if (ui.entry.mode() != EntryMode::Text && ui.entry.mode() != EntryMode::Name) {
        const float padWidth = std::min(avail, ui.px(720.f));
        ImGui::SetCursorPosX((display.x - padWidth) * 0.5f);
        ImGui::BeginGroup();
        if (drawKeypad(ui, "kb.pad", padWidth, ui.tr("keyboard.done"), true)) ui.entry.close();
        ImGui::EndGroup();
    } else {
        const float keyWidth = (avail - spacing * 11.f) / 12.f;
        const auto& rows = ui.entry.symbols() ? kSymbols : kLetters;
        for (const Row& row : rows) keyRow(ui, row, keyWidth);
        const float h = keyHeight(ui);
        if (button(ui, ui.entry.symbols() ? ui.tr("keyboard.letters") : ui.tr("keyboard.symbols"), "kb.page",
                   ImVec2(keyWidth * 2.f + spacing, h), Tone::Secondary))
            ui.entry.setSymbols(!ui.entry.symbols());
        ImGui::SameLine();
        if (button(ui, icon::kShift, "kb.shift", ImVec2(keyWidth, h),
                   ui.entry.shift() ? Tone::Primary : Tone::Secondary))
            ui.entry.setShift(!ui.entry.shift());
        ImGui::SameLine();
        if (button(ui, ui.tr("keyboard.space"), "kb.space", ImVec2(keyWidth * 5.f + spacing * 4.f, h), Tone::Secondary))
            ui.entry.type(" ");
        ImGui::SameLine();
        if (button(ui, icon::kBackspace, "kb.back", ImVec2(keyWidth * 2.f + spacing, h), Tone::Secondary))
            ui.entry.backspace();
        ImGui::SameLine();
        if (button(ui, ui.tr("keyboard.done"), "kb.done", ImVec2(keyWidth * 2.f + spacing, h), Tone::Primary))
            ui.entry.close();
    }
    ImGui::PopStyleVar(2);
    ImGui::End();
    ImGui::PopStyleColor();
}

void takePhysicalKeys(Ui& ui) {
    ImGuiIO& io = ImGui::GetIO();
    if (!ui.entry.isOpen()) return;
    for (ImWchar c : io.InputQueueCharacters) {
        if (c < 0x20) continue;
        char utf8[5] = {};
        ImTextCharToUtf8(utf8, c);
        ui.entry.type(utf8);
    }
    io.InputQueueCharacters.resize(0);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace))) ui.entry.backspace();
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)) ||
        ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
        ui.entry.close();
}

}  // namespace chasqui::kiosk
