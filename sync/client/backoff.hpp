#pragma once
// Exponential backoff with "full jitter" between sync attempts: the n-th wait
// (n counted from 0 since the last reset) is uniform in [0, min(cap, base*2^n)].
// Jitter spreads the retries of many kiosks that lost the same cell tower, so
// they do not all hit the server together when it comes back.
//
// Deterministic for a given seed (a small SplitMix64 generator, the same on
// every platform), so tests can check exact sequences. A plain value type:
// not thread-safe, owned by the sync loop that waits.
#include <chrono>
#include <cstdint>

namespace chasqui::sync {

class Backoff {
public:
    explicit Backoff(std::chrono::milliseconds base = std::chrono::seconds(2),
                     std::chrono::milliseconds cap = std::chrono::minutes(10), std::uint64_t seed = randomSeed());

    // The wait before the next attempt; counts one attempt.
    std::chrono::milliseconds next();
    // After a success: the next wait starts again from `base`.
    void reset() { m_attempts = 0; }
    // How many times next() was called since construction or reset().
    int attempts() const { return m_attempts; }

    // The current ceiling min(cap, base*2^attempts()) that next() draws below.
    std::chrono::milliseconds ceiling() const;

    // A seed from std::random_device, for production use.
    static std::uint64_t randomSeed();

private:
    std::uint64_t nextRandom();
    std::uint64_t uniformUpTo(std::uint64_t max);  // inclusive

    std::uint64_t m_baseMs;
    std::uint64_t m_capMs;
    std::uint64_t m_state;
    int m_attempts = 0;
};

}  // namespace chasqui::sync
