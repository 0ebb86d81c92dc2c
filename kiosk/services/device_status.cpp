#include "kiosk/services/device_status.hpp"

namespace chasqui::kiosk {

void DeviceStatus::update(std::int64_t monotonicMs) {
    if (!m_stale && monotonicMs - m_checkedAtMs < kRefreshMs && monotonicMs >= m_checkedAtMs) return;
    m_stale = false;
    m_checkedAtMs = monotonicMs;
    const storage::ClockCheck clock = m_clock.check();
    m_view.clock = clock.state;
    m_view.clockOffsetMs = clock.offsetMs;
    const storage::DiskSpace disk = m_disk ? m_disk(m_dir) : storage::DiskSpace{};
    // Unknown space (statvfs failed) is not a warning: nothing is known to be low.
    m_view.diskLow = disk.known && disk.low;
    m_view.diskFreeBytes = disk.freeBytes;
}

}  // namespace chasqui::kiosk
