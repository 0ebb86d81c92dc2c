#pragma once
// Record identity and ordering: UUIDv7 ids and hybrid logical clock stamps.
// An IdSource is used by one writer thread at a time.
#include <cstdint>
#include <string>

#include "storage/base/clock.hpp"

namespace chasqui::storage {

// RFC 9562 UUIDv7: 48-bit Unix milliseconds, version 7, then random bits with
// a monotonic counter inside one millisecond so ids sort in creation order.
class UuidV7Generator {
public:
    explicit UuidV7Generator(const Clock& clock) : m_clock(clock) {}
    std::string next();

private:
    const Clock& m_clock;
    std::int64_t m_lastMs = -1;
    std::uint32_t m_counter = 0;  // 12-bit rand_a used as a counter within a millisecond
};

bool isUuid(const std::string& text);

// Hybrid logical clock (Kulkarni et al.): physical milliseconds plus a logical
// counter, never going backwards even when the wall clock does. Encoded as a
// fixed-width hex string "pppppppppppp-cccc" so string order is causal order.
struct HlcStamp {
    std::int64_t wallMs = 0;
    std::uint32_t counter = 0;
    std::string encode() const;
    static bool decode(const std::string& text, HlcStamp& out);
    auto operator<=>(const HlcStamp&) const = default;
};

class HybridLogicalClock {
public:
    explicit HybridLogicalClock(const Clock& clock) : m_clock(clock) {}
    // Stamp for a local event.
    HlcStamp now();
    // Advances past a stamp received from another device (used by sync).
    void observe(const HlcStamp& remote);
    // Restores the last stamp persisted by this device, so a restart never reuses one.
    void restore(const HlcStamp& last) { m_last = std::max(m_last, last); }
    // Sets the last stamp, even backwards. Only for re-stamping changes that a
    // clock running ahead stamped and that no other replica ever accepted
    // (sync/client/clock_ahead.hpp); anywhere else it would break causality.
    void reset(const HlcStamp& last) { m_last = last; }
    HlcStamp last() const { return m_last; }

private:
    const Clock& m_clock;
    HlcStamp m_last;
};

}  // namespace chasqui::storage
