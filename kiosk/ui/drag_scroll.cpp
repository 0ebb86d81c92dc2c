#include "kiosk/ui/drag_scroll.hpp"

#include <cmath>

#include <imgui_internal.h>

namespace chasqui::kiosk {

namespace {
constexpr float kDragThresholdPx = 12.f;
constexpr float kFriction = 4.f;       // per second: velocity falls to 1/e in 0.25 s
constexpr float kStopVelocity = 30.f;  // px/s
}  // namespace

bool DragScroll::update(ImGuiID area, float dtSeconds) {
    ImGuiIO& io = ImGui::GetIO();
    Area& state = m_areas[area];
    const bool hovered =
        ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows | ImGuiHoveredFlags_AllowWhenBlockedByActiveItem);
    if (ImGui::IsMouseClicked(0) && hovered) {
        state.tracking = true;
        state.velocity = 0.f;
    }
    if (!io.MouseDown[0]) {
        if (state.tracking) m_dragging = false;
        state.tracking = false;
    }
    if (state.tracking && io.MouseDown[0]) {
        const float dragged = std::fabs(io.MousePos.y - io.MouseClickedPos[0].y);
        if (!m_dragging && dragged > kDragThresholdPx) {
            m_dragging = true;
            ImGui::ClearActiveID();  // the press was a drag: the button under it must not fire
        }
        if (m_dragging) {
            ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);
            if (dtSeconds > 0.f) state.velocity = -io.MouseDelta.y / dtSeconds;
            return true;
        }
        return false;
    }
    if (std::fabs(state.velocity) < kStopVelocity || dtSeconds <= 0.f) {
        state.velocity = 0.f;
        return false;
    }
    ImGui::SetScrollY(ImGui::GetScrollY() + state.velocity * dtSeconds);
    state.velocity *= std::exp(-kFriction * dtSeconds);
    const float y = ImGui::GetScrollY();
    if (y <= 0.f || y >= ImGui::GetScrollMaxY()) state.velocity = 0.f;
    return state.velocity != 0.f;
}

}  // namespace chasqui::kiosk
