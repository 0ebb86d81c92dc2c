#pragma once
// The kiosk's best idea of the true time. Field devices lose their time (flat
// CMOS batteries, dates set by hand), so every contact with the server leaves
// a sample of the server's clock in DIR/sync/clock.json (no personal data; the
// sync thread writes it while the store is locked). TrustedClock answers
// "now" from the newest sample:
//   - same boot as the sample: the server's time then plus the time elapsed on
//     the boot clock (CLOCK_BOOTTIME), so setting the wall clock by hand, right
//     or wrong, changes nothing;
//   - after a restart: the wall clock plus the offset measured at the sample
//     (a wrong hardware clock usually stays wrong by the same amount), never
//     earlier than the sample itself (a clock that fell back to 2000 after a
//     flat battery does not date today's work in the past);
//   - no sample yet: the wall clock.
// Records' dates, the audit's times and the hybrid logical clock all read it,
// so a kiosk whose clock is wrong still dates work right once it has talked
// to the server. checkClock() tells staff when the wall clock is off.
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include "storage/base/clock.hpp"
#include "storage/base/data_dir.hpp"

namespace chasqui::storage {

// Where the wall clock may differ from the server's before staff are warned;
// also the margin inside which a change's stamp counts as "not ahead".
inline constexpr std::int64_t kClockToleranceMs = 2 * 60 * 1000;

struct ServerTimeSample {
    std::int64_t serverMs = 0;  // the server's clock, Unix ms
    std::int64_t localMs = 0;   // this machine's wall clock at the same moment
    std::string bootId;         // /proc/sys/kernel/random/boot_id then
    std::int64_t bootMs = 0;    // CLOCK_BOOTTIME then, ms
};

std::filesystem::path clockSamplePath(const DataDir& dir);
// Empty when there is none or it is unreadable (an unreadable sample is not an
// error: the wall clock is used and the next contact writes a new one).
std::optional<ServerTimeSample> loadServerTime(const DataDir& dir);
// Records the server's clock as seen now. Needs no key.
Result<void> saveServerTime(const DataDir& dir, std::int64_t serverMs, const Clock& wall);

// The boot clock and boot id of this machine; behind an interface for tests.
class BootClock {
public:
    virtual ~BootClock() = default;
    virtual std::int64_t bootMs() const = 0;
    virtual std::string bootId() const = 0;
};
class SystemBootClock final : public BootClock {
public:
    std::int64_t bootMs() const override;
    std::string bootId() const override;
};

// What the kiosk should tell staff about its clock.
struct ClockCheck {
    enum class State {
        Unknown,  // never talked to a server: nothing to compare with
        Ok,       // within kClockToleranceMs of the server's clock
        Ahead,    // the wall clock is ahead of the server's by offsetMs
        Behind,   // the wall clock is behind the server's by -offsetMs
    };
    State state = State::Unknown;
    std::int64_t offsetMs = 0;       // wall clock minus true time (positive: ahead)
    std::int64_t lastContactMs = 0;  // server time of the newest sample, 0 = never
};

// The time from the newest sample. Thread-safe: the UI, the worker and the
// sync thread may all read it while refresh() or observe() runs.
class TrustedClock final : public Clock {
public:
    TrustedClock(DataDir dir, const Clock& wall, const BootClock& boot);
    // A clock for a program that learns its data directory later (the CLI):
    // the wall clock until attach().
    TrustedClock(const Clock& wall, const BootClock& boot);
    // Reads the sample of `dir` and keeps later samples there.
    void attach(const DataDir& dir) const;
    std::int64_t nowMs() const override;
    // Re-reads DIR/sync/clock.json (after a sync run, at sign-in).
    void refresh() const;
    // Takes a sample just received and saves it (best effort: a full disk
    // keeps the sample in memory only).
    void observeServerTime(std::int64_t serverMs) const override;
    ClockCheck check() const;

private:
    mutable std::optional<DataDir> m_dir;
    const Clock& m_wall;
    const BootClock& m_boot;
    mutable std::mutex m_mutex;  // guards the sample below
    mutable std::optional<ServerTimeSample> m_sample;
    mutable bool m_sameBoot = false;
};

// For screens and the CLI that only need the check: reads the sample once.
ClockCheck checkClock(const DataDir& dir, const Clock& wall);

}  // namespace chasqui::storage
