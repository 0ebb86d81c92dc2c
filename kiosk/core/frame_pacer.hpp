#pragma once
// When the kiosk must draw again. It draws only when something changed: a
// few frames after input or a change of screen (so popups and layout
// settle), every frame while a widget animates, ten times a second while a
// job runs (a spinner; a result also wakes the window at once), and
// otherwise when the inactivity lock next changes (or never, until input).
// Also counts taps for the end-to-end probe file. Pure logic; UI thread.

#include <algorithm>
#include <cstdint>

namespace chasqui::kiosk {

class FramePacer {
public:
    static constexpr int kSettleFrames = 3;
    static constexpr std::int64_t kBusyMs = 100;

    void beginFrame() {
        if (m_extraFrames > 0) --m_extraFrames;
    }
    // A touch or typed text, or a new screen: draw a few frames more.
    void settle() { m_extraFrames = kSettleFrames; }
    // At the end of a frame. A tap is counted one frame after its release, so
    // what the probe publishes already shows what the tap changed.
    void endFrame(bool released, bool animating) {
        m_animating = animating;
        if (m_releaseSeen) ++m_taps;
        m_releaseSeen = released;
        if (released) m_extraFrames = std::max(m_extraFrames, 1);
    }
    // 0: at once; -1: until input. `msUntilLockChange` is the lock's answer (-1: no lock pending).
    std::int64_t msUntilNextFrame(bool workRunning, std::int64_t msUntilLockChange) const {
        if (m_extraFrames > 0 || m_animating) return 0;
        if (workRunning) return kBusyMs;
        return msUntilLockChange;
    }
    std::uint64_t taps() const { return m_taps; }
    bool animating() const { return m_animating; }  // the last frame asked for the next (a list still gliding)

private:
    int m_extraFrames = 0;
    bool m_animating = false;
    bool m_releaseSeen = false;
    std::uint64_t m_taps = 0;
};

}  // namespace chasqui::kiosk
