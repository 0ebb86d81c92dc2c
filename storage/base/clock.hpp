#pragma once
// Wall clock behind an interface so tests can drive time (throttling, HLC,
// dates) without sleeping.
#include <cstdint>
#include <string>

namespace chasqui::storage {

class Clock {
public:
    virtual ~Clock() = default;
    // Milliseconds since the Unix epoch, UTC.
    virtual std::int64_t nowMs() const = 0;
    // The server's clock as just read from one of its answers. A clock that
    // learns the true time (TrustedClock) keeps it; the others ignore it.
    virtual void observeServerTime(std::int64_t /*serverMs*/) const {}
};

class SystemClock final : public Clock {
public:
    std::int64_t nowMs() const override;
};

// A clock that only moves when told to; for tests.
class ManualClock final : public Clock {
public:
    explicit ManualClock(std::int64_t startMs) : m_now(startMs) {}
    std::int64_t nowMs() const override { return m_now; }
    void advance(std::int64_t ms) { m_now += ms; }
    void set(std::int64_t ms) { m_now = ms; }

private:
    std::int64_t m_now;
};

// "YYYY-MM-DD" of a UTC timestamp in milliseconds.
std::string isoDate(std::int64_t epochMs);
// "YYYY-MM-DD" of a timestamp in the machine's local time zone: the day a
// person at the kiosk calls today (Peru is UTC-5: after 19:00 the UTC date is
// already tomorrow). Kiosks run with TZ=America/Lima or the system zone set.
std::string localDate(std::int64_t epochMs);
// "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string isoDateTime(std::int64_t epochMs);
// Days since 1970-01-01 of a civil date (proleptic Gregorian).
std::int64_t daysFromCivil(int year, unsigned month, unsigned day);

}  // namespace chasqui::storage
