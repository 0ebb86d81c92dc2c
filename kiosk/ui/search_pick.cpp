#include "kiosk/ui/search_pick.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <imgui.h>

#include "storage/base/text.hpp"

namespace chasqui::kiosk {

namespace {

constexpr std::size_t kShown = 6;
constexpr std::size_t kQueryBytes = 60;

const Option* optionOf(const std::vector<Option>& options, std::string_view code) {
    for (const auto& o : options)
        if (o.code == code) return &o;
    return nullptr;
}

}  // namespace

std::vector<Option> matchingOptions(const std::vector<Option>& options, std::string_view query, std::size_t limit) {
    const std::string q = storage::foldForSearch(query);
    std::vector<Option> starts, words;
    if (q.empty()) return {};
    for (const auto& o : options) {
        const std::string name = storage::foldForSearch(o.label);
        if (name.rfind(q, 0) == 0) {
            starts.push_back(o);
            continue;
        }
        for (std::size_t at = name.find(q); at != std::string::npos; at = name.find(q, at + 1))
            if (at > 0 && (name[at - 1] == ' ' || name[at - 1] == '-')) {
                words.push_back(o);
                break;
            }
    }
    const auto byName = [](const Option& a, const Option& b) { return a.label < b.label; };
    std::sort(starts.begin(), starts.end(), byName);
    std::sort(words.begin(), words.end(), byName);
    starts.insert(starts.end(), words.begin(), words.end());
    if (starts.size() > limit) starts.resize(limit);
    return starts;
}

std::vector<Option> namedOptions(const Ui& ui, std::string_view list) {
    const std::string prefix = fmt::format("vocab.{}.", list);
    std::vector<Option> out;
    for (const auto& key : ui.i18n.keys("es"))
        if (key.rfind(prefix, 0) == 0 && key.size() > prefix.size() && key.substr(prefix.size()) != "other")
            out.push_back({key.substr(prefix.size()), ui.tr(key)});
    std::sort(out.begin(), out.end(), [](const Option& a, const Option& b) { return a.label < b.label; });
    return out;
}

std::string optionLabel(const std::vector<Option>& options, std::string_view code) {
    const Option* o = optionOf(options, code);
    return o != nullptr ? o->label : std::string();
}

void keepCode(std::vector<Option>& options, const std::string& code) {
    if (!code.empty() && optionOf(options, code) == nullptr) options.push_back({code, code});
}

bool searchPick(Ui& ui, std::string_view label, const char* key, std::string& query, std::string& picked,
                const std::vector<Option>& options, std::string_view error, float width) {
    bool changed = false;
    textField(ui, label, key, query, EntryMode::Name, kQueryBytes, error, width);
    const Option* current = optionOf(options, picked);
    if (!picked.empty() && (current == nullptr || current->label != query)) {
        // The text no longer names what was picked.
        picked.clear();
        changed = true;
    }
    if (!picked.empty() || query.empty()) return changed;
    const auto matches = matchingOptions(options, query, kShown);
    if (matches.empty()) {
        muted(ui, ui.tr("pick.none"));
        return changed;
    }
    // The matches wrap like a row of choices.
    const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
    for (std::size_t i = 0; i < matches.size(); ++i) {
        const Option& o = matches[i];
        const std::string id = fmt::format("{}.pick.{}", key, o.code);
        ImGui::PushFont(ui.fonts.bold);  // as button() measures its label
        const float w = ImGui::CalcTextSize(o.label.c_str()).x + ui.px(ui.theme.spacing) * 2.5f;
        ImGui::PopFont();
        if (i > 0) {
            ImGui::SameLine();
            if (ImGui::GetCursorScreenPos().x + w > right) ImGui::NewLine();
        }
        if (button(ui, o.label, id.c_str(), ImVec2(0.f, 0.f), Tone::Secondary)) {
            picked = o.code;
            query = o.label;
            ui.entry.close();
            changed = true;
        }
    }
    return changed;
}

}  // namespace chasqui::kiosk
