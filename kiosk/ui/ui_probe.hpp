#pragma once
// What the last frame drew, recorded by the kiosk's widgets: every
// interactive item (its stable test key, ImGui id and rectangle), every
// piece of text and the shapes screens choose to report (ProbedShape). Tests tap items by key, check the 48 px minimum
// and duplicate ids, and check that self-service screens never drew personal data. Cheap enough to stay on in
// production (a few hundred small strings). UI thread only.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

namespace chasqui::kiosk {

struct ProbedItem {
    std::string key;  // the "###key" part of the widget's label: stable across languages
    ImGuiID id = 0;
    ImVec2 min, max;
    bool visible = true;  // false when clipped out of its scroll area
    float width() const { return max.x - min.x; }
    float height() const { return max.y - min.y; }
};

// Something drawn that is not a widget (a chart's bar, a table cell), so
// tests can check where it went and how large it is.
struct ProbedShape {
    std::string key;
    ImVec2 min, max;
    float width() const { return max.x - min.x; }
    float height() const { return max.y - min.y; }
};

class UiProbe {
public:
    void beginFrame();
    void item(std::string_view key, ImGuiID id, ImVec2 min, ImVec2 max, bool visible);
    void text(std::string_view text);
    void shape(std::string_view key, ImVec2 min, ImVec2 max);

    const std::vector<ProbedItem>& items() const { return m_items; }
    const std::vector<std::string>& texts() const { return m_texts; }
    const std::vector<ProbedShape>& shapes() const { return m_shapes; }
    std::optional<ProbedItem> find(std::string_view key) const;
    std::optional<ProbedShape> findShape(std::string_view key) const;
    // Keys that appeared with the same ImGui id more than once in the frame.
    std::vector<std::string> duplicateIds() const;
    bool drewText(std::string_view needle) const;  // any text containing needle

private:
    std::vector<ProbedItem> m_items;
    std::vector<std::string> m_texts;
    std::vector<ProbedShape> m_shapes;
};

}  // namespace chasqui::kiosk
