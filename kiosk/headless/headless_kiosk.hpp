#pragma once
// The real kiosk (KioskApp with its real screens, services and stores) in an
// ImGui context with no window: only a font atlas (the real Debian fonts) and
// a 1920x1080 DisplaySize. Input is injected through ImGuiIO; time comes from
// a ManualClock the caller moves. Used by the headless UI tests and by
// `chasqui-bench ui`. One HeadlessKiosk at a time: it owns the ImGui context.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/kiosk_app.hpp"
#include "storage/clock.hpp"

namespace chasqui::kiosk {

class HeadlessKiosk {
public:
    HeadlessKiosk(const std::filesystem::path& dataDir, storage::ManualClock& clock, KioskConfig config = {});
    ~HeadlessKiosk();
    HeadlessKiosk(const HeadlessKiosk&) = delete;
    HeadlessKiosk& operator=(const HeadlessKiosk&) = delete;

    KioskApp& app() { return *m_app; }
    const UiProbe& probe() { return m_app->probe(); }
    ScreenId screen() { return m_app->router().currentId(); }

    void frame();  // one frame of 1/60 s (the clock is not moved)
    // Waits for the worker to finish everything queued, drawing frames until
    // no results are left (results can queue more work).
    void settle();
    // Presses and releases the centre of the item drawn with `key` in the
    // last frame, then settles. False when no such item was drawn.
    bool tap(std::string_view key);
    // Types text as a physical keyboard would (into the focused field).
    void type(std::string_view utf8);
    // Drags a finger vertically from the centre of an item by `dy` pixels.
    bool drag(std::string_view key, float dy);
    bool has(std::string_view key) { return probe().find(key).has_value(); }
    bool drewText(std::string_view text) { return probe().drewText(text); }

    // Interactive items smaller than 48 px on either side, and repeated ids, in the last frame.
    std::vector<std::string> smallTargets();
    std::vector<std::string> duplicateIds() { return probe().duplicateIds(); }

private:
    storage::ManualClock& m_clock;
    std::unique_ptr<KioskApp> m_app;
    void* m_context = nullptr;  // ImGuiContext*
};

}  // namespace chasqui::kiosk
