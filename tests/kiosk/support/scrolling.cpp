#include "tests/kiosk/support/scrolling.hpp"

#include <algorithm>

#include <doctest/doctest.h>

namespace chasqui::test {

bool reveal(HeadlessKiosk& k, const std::string& key, const std::string& areaPrefix, float bottom) {
    for (int i = 0; i < 12; ++i) {
        auto item = k.probe().find(key);
        if (!item) return false;
        if (item->visible && item->min.y >= 0.f && item->max.y <= bottom) return true;
        std::string anchor;
        for (const auto& other : k.probe().items())
            // The lowest one wholly above `bottom`: one near the top may be
            // partly under the area's top edge, where a press misses the area.
            if (other.visible && other.key.rfind(areaPrefix, 0) == 0 && other.min.y > 150.f && other.max.y < bottom &&
                other.key.rfind("nav.", 0) != 0 && other.key.rfind("case.tab.", 0) != 0)
                anchor = other.key;
        // Nothing else in the area: the item itself, when half of it shows.
        if (anchor.empty() && (item->min.y + item->max.y) * 0.5f < bottom) anchor = key;
        if (anchor.empty() && item->max.y > bottom) {  // nothing to hold: the room just above the fold
            k.dragFrom(40.f, bottom - 60.f, -std::min(250.f, item->max.y - bottom + 24.f));
            continue;
        }
        if (anchor.empty()) return false;
        // Just as far as needed (at most 250 px), so the anchor stays in a small area.
        const float dy = item->max.y > bottom ? -std::min(250.f, item->max.y - bottom + 24.f) : 250.f;
        k.drag(anchor, dy);
    }
    return false;
}

bool tapInView(HeadlessKiosk& k, const std::string& key, const std::string& areaPrefix, float bottom) {
    return reveal(k, key, areaPrefix, bottom) && k.tap(key);
}

void dump(HeadlessKiosk& k) {
    for (const auto& item : k.probe().items())
        MESSAGE(item.key << " " << item.min.x << "," << item.min.y << " - " << item.max.x << "," << item.max.y
                         << (item.visible ? "" : " HIDDEN"));
}

}  // namespace chasqui::test
