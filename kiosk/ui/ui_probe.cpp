#include "kiosk/ui/ui_probe.hpp"

#include <algorithm>
#include <map>

namespace chasqui::kiosk {

void UiProbe::beginFrame() {
    m_items.clear();
    m_texts.clear();
    m_shapes.clear();
}

void UiProbe::item(std::string_view key, ImGuiID id, ImVec2 min, ImVec2 max, bool visible) {
    m_items.push_back(ProbedItem{std::string(key), id, min, max, visible});
}

void UiProbe::text(std::string_view text) {
    m_texts.emplace_back(text);
}

void UiProbe::shape(std::string_view key, ImVec2 min, ImVec2 max) {
    m_shapes.push_back(ProbedShape{std::string(key), min, max});
}

std::optional<ProbedShape> UiProbe::findShape(std::string_view key) const {
    for (const auto& shape : m_shapes)
        if (shape.key == key) return shape;
    return std::nullopt;
}

std::optional<ProbedItem> UiProbe::find(std::string_view key) const {
    for (const auto& item : m_items)
        if (item.key == key) return item;
    return std::nullopt;
}

std::vector<std::string> UiProbe::duplicateIds() const {
    std::map<ImGuiID, int> seen;
    std::vector<std::string> out;
    for (const auto& item : m_items)
        if (++seen[item.id] == 2) out.push_back(item.key);
    return out;
}

bool UiProbe::drewText(std::string_view needle) const {
    return std::any_of(m_texts.begin(), m_texts.end(),
                       [&](const std::string& t) { return t.find(needle) != std::string::npos; });
}

}  // namespace chasqui::kiosk
