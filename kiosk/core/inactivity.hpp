#pragma once
// When the kiosk goes back to the welcome screen on its own. After
// `timeoutMs` without a touch it expires; during the last `warningMs` it is
// in Warning and the app shows a countdown that one tap cancels. Pure logic
// on timestamps from the app's clock, so tests drive it with a fake clock.

#include <cstdint>

namespace chasqui::kiosk {

enum class IdlePhase { Active, Warning, Expired };

class InactivityTimer {
public:
    InactivityTimer(std::int64_t timeoutMs, std::int64_t warningMs) : m_timeoutMs(timeoutMs), m_warningMs(warningMs) {}
    void touch(std::int64_t nowMs) { m_lastTouchMs = nowMs; }
    IdlePhase phase(std::int64_t nowMs) const;
    int secondsLeft(std::int64_t nowMs) const;  // until expiry, rounded up
    // How long the UI may sleep before the phase or the countdown changes.
    std::int64_t msUntilNextChange(std::int64_t nowMs) const;
    std::int64_t timeoutMs() const { return m_timeoutMs; }
    std::int64_t warningMs() const { return m_warningMs; }

private:
    std::int64_t m_timeoutMs;
    std::int64_t m_warningMs;
    std::int64_t m_lastTouchMs = 0;
};

}  // namespace chasqui::kiosk
