#include "kiosk/core/probe_file.hpp"

#include <cmath>
#include <functional>

#include <nlohmann/json.hpp>

#include "storage/base/data_dir.hpp"

namespace chasqui::kiosk {

void ProbeFile::update(const char* screen, const UiProbe& probe, bool keyboardOpen, std::uint64_t taps) {
    if (!enabled()) return;
    nlohmann::json items = nlohmann::json::array();
    for (const auto& item : probe.items()) {
        if (!item.visible) continue;
        items.push_back({{"key", item.key},
                         {"x", std::lround(item.min.x)},
                         {"y", std::lround(item.min.y)},
                         {"w", std::lround(item.width())},
                         {"h", std::lround(item.height())}});
    }
    const nlohmann::json doc = {{"screen", screen}, {"keyboard", keyboardOpen}, {"taps", taps}, {"items", items}};
    const std::string text = doc.dump();
    const std::uint64_t hash = std::hash<std::string>{}(text);
    if (hash == m_lastHash) return;
    if (storage::writeFileAtomically(m_path, text)) m_lastHash = hash;
}

}  // namespace chasqui::kiosk
