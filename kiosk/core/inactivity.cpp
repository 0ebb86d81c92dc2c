#include "kiosk/core/inactivity.hpp"

#include <algorithm>

namespace chasqui::kiosk {

IdlePhase InactivityTimer::phase(std::int64_t nowMs) const {
    const std::int64_t idle = nowMs - m_lastTouchMs;
    if (idle >= m_timeoutMs) return IdlePhase::Expired;
    if (idle >= m_timeoutMs - m_warningMs) return IdlePhase::Warning;
    return IdlePhase::Active;
}

int InactivityTimer::secondsLeft(std::int64_t nowMs) const {
    const std::int64_t left = std::max<std::int64_t>(0, m_timeoutMs - (nowMs - m_lastTouchMs));
    return static_cast<int>((left + 999) / 1000);
}

std::int64_t InactivityTimer::msUntilNextChange(std::int64_t nowMs) const {
    const std::int64_t idle = nowMs - m_lastTouchMs;
    const std::int64_t warnAt = m_timeoutMs - m_warningMs;
    if (idle < warnAt) return warnAt - idle;
    if (idle >= m_timeoutMs) return 0;
    const std::int64_t left = m_timeoutMs - idle;
    return std::max<std::int64_t>(1, left % 1000 == 0 ? 1000 : left % 1000);
}

}  // namespace chasqui::kiosk
