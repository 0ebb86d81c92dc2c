#pragma once
// Touch scrolling for lists: a finger dragging inside a scroll area moves it,
// and it keeps gliding after release, slowing down (inertia). Once a press
// moved more than a few pixels it is a drag, not a tap: the item under the
// finger is released so it does not fire. UI thread only.

#include <map>

#include <imgui.h>

namespace chasqui::kiosk {

class DragScroll {
public:
    // Call right after BeginChild of a scroll area, every frame. Returns true
    // while the area is moving (the caller asks for another frame).
    bool update(ImGuiID area, float dtSeconds);
    bool dragging() const { return m_dragging; }
    void reset() {
        m_areas.clear();
        m_dragging = false;
    }

private:
    struct Area {
        float velocity = 0.f;  // px/s, positive scrolls down
        bool tracking = false;
    };
    std::map<ImGuiID, Area> m_areas;
    bool m_dragging = false;
};

}  // namespace chasqui::kiosk
