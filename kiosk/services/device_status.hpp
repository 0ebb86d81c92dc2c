#pragma once
// What staff should know about the kiosk itself: whether its clock is off
// from the server's (storage::TrustedClock::check) and whether its disk is
// running out of space (storage::diskSpace). Screens read the view model;
// only this service asks the clock and the file system, and at most once
// every kRefreshMs (the app calls update() each frame; the check itself runs
// when the interval has passed or after invalidate()). UI thread only.

#include <cstdint>
#include <functional>

#include "storage/base/data_dir.hpp"
#include "storage/base/disk_space.hpp"
#include "storage/base/trusted_clock.hpp"

namespace chasqui::kiosk {

struct DeviceStatusView {
    storage::ClockCheck::State clock = storage::ClockCheck::State::Unknown;
    std::int64_t clockOffsetMs = 0;  // wall clock minus the server's time (positive: ahead)
    bool diskLow = false;
    std::uint64_t diskFreeBytes = 0;
    bool clockOff() const {
        return clock == storage::ClockCheck::State::Ahead || clock == storage::ClockCheck::State::Behind;
    }
};

class DeviceStatus {
public:
    using DiskProbe = std::function<storage::DiskSpace(const storage::DataDir&)>;
    static constexpr std::int64_t kRefreshMs = 5'000;

    DeviceStatus(storage::DataDir dir, const storage::TrustedClock& clock, DiskProbe disk = storage::diskSpace)
        : m_dir(std::move(dir)), m_clock(clock), m_disk(std::move(disk)) {}

    // `monotonicMs` from a clock that never jumps (the boot clock).
    void update(std::int64_t monotonicMs);
    // The next update() checks again (a sync run ended, someone signed in).
    void invalidate() { m_stale = true; }
    const DeviceStatusView& view() const { return m_view; }
    // Tests: the free space a full or nearly full disk would report.
    void setDiskProbe(DiskProbe disk) {
        m_disk = std::move(disk);
        m_stale = true;
    }

private:
    storage::DataDir m_dir;
    const storage::TrustedClock& m_clock;
    DiskProbe m_disk;
    DeviceStatusView m_view;
    bool m_stale = true;
    std::int64_t m_checkedAtMs = 0;
};

}  // namespace chasqui::kiosk
