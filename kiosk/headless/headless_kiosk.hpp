#pragma once
// The real kiosk (wired by wireKiosk(), as main() does, with its real
// screens, services and stores) in an ImGui context with no window: only a
// font atlas (the real Debian fonts) and a 1920x1080 DisplaySize. Input is
// injected through ImGuiIO; time comes from a ManualClock the caller moves:
// it is the wall clock under the kiosk's TrustedClock, and its moves are the
// boot clock's too (the inactivity lock). No sync thread unless the test
// gives one (app().setSyncWorker). Used by the headless UI tests and by
// `chasqui-bench ui`. One HeadlessKiosk at a time: it owns the ImGui context.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/kiosk_app.hpp"
#include "kiosk/headless/kiosk_test_api.hpp"
#include "storage/base/clock.hpp"
#include "storage/base/trusted_clock.hpp"

namespace chasqui::kiosk {

// A boot clock that moves with a ManualClock (from 0 at construction).
class ManualBootClock final : public storage::BootClock {
public:
    explicit ManualBootClock(const storage::ManualClock& clock) : m_clock(clock), m_start(clock.nowMs()) {}
    std::int64_t bootMs() const override { return m_clock.nowMs() - m_start; }
    std::string bootId() const override { return "headless-kiosk"; }

private:
    const storage::ManualClock& m_clock;
    std::int64_t m_start;
};

class HeadlessKiosk {
public:
    // `makeSpeech` empty: the real espeak-ng speech, as in the kiosk.
    HeadlessKiosk(const std::filesystem::path& dataDir, storage::ManualClock& clock, KioskConfig config = {},
                  std::function<std::unique_ptr<speech::Speech>()> makeSpeech = {});
    ~HeadlessKiosk();
    HeadlessKiosk(const HeadlessKiosk&) = delete;
    HeadlessKiosk& operator=(const HeadlessKiosk&) = delete;

    // The running kiosk's parts, for tests to look at and poke.
    KioskTestApi& app() { return *m_api; }
    const storage::TrustedClock& trustedClock() const { return m_trusted; }
    const UiProbe& probe() { return m_app->ui.probe; }
    ScreenId screen() { return m_app->router.currentId(); }

    void frame();  // one frame of 1/60 s (the clock is not moved)
    // Waits for both runners (store and network) to finish everything
    // queued, drawing frames until no results are left (results can queue
    // more work).
    void settle();
    // Presses and releases the centre of the item drawn with `key` in the
    // last frame, then settles. False when no such item was drawn.
    bool tap(std::string_view key);
    // The same without settling: for a tap whose work waits on something the
    // test holds (a server that has not answered yet).
    bool press(std::string_view key);
    // Types text as a physical keyboard would (into the focused field).
    void type(std::string_view utf8);
    // Drags a finger vertically from the centre of an item by `dy` pixels.
    bool drag(std::string_view key, float dy);
    // The same from a point (the empty room of a list, where no item is).
    void dragFrom(float x, float y, float dy);
    bool has(std::string_view key) { return probe().find(key).has_value(); }
    bool drewText(std::string_view text) { return probe().drewText(text); }

    // Interactive items smaller than 48 px on either side, and repeated ids, in the last frame.
    std::vector<std::string> smallTargets();
    std::vector<std::string> duplicateIds() { return probe().duplicateIds(); }

private:
    storage::ManualClock& m_clock;
    ManualBootClock m_boot;
    storage::TrustedClock m_trusted;
    std::unique_ptr<KioskApp> m_app;
    std::unique_ptr<KioskTestApi> m_api;
    void* m_context = nullptr;  // ImGuiContext*
};

}  // namespace chasqui::kiosk
