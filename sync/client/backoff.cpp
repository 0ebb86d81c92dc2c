#include "sync/client/backoff.hpp"

#include <algorithm>
#include <limits>
#include <random>

namespace chasqui::sync {
namespace {

std::uint64_t nonNegativeMs(std::chrono::milliseconds value) {
    return value.count() < 0 ? 0 : static_cast<std::uint64_t>(value.count());
}

}  // namespace

Backoff::Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, std::uint64_t seed)
    : m_baseMs(nonNegativeMs(base)), m_capMs(nonNegativeMs(cap)), m_state(seed) {}

std::uint64_t Backoff::randomSeed() {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

std::chrono::milliseconds Backoff::ceiling() const {
    const std::uint64_t base = std::min(m_baseMs, m_capMs);
    const int shift = m_attempts;
    // base << shift without overflow: once it would pass the cap, the cap it is.
    if (base == 0) return std::chrono::milliseconds(0);
    if (shift >= 63 || base > (m_capMs >> shift)) return std::chrono::milliseconds(static_cast<std::int64_t>(m_capMs));
    return std::chrono::milliseconds(static_cast<std::int64_t>(base << shift));
}

std::chrono::milliseconds Backoff::next() {
    const auto limit = static_cast<std::uint64_t>(ceiling().count());
    if (m_attempts < std::numeric_limits<int>::max()) ++m_attempts;
    return std::chrono::milliseconds(static_cast<std::int64_t>(uniformUpTo(limit)));
}

// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and fully specified, so a
// seed gives the same waits with any standard library.
std::uint64_t Backoff::nextRandom() {
    std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// Rejection sampling keeps every value in [0, max] equally likely (a plain
// modulo would favour the small ones).
std::uint64_t Backoff::uniformUpTo(std::uint64_t max) {
    if (max == std::numeric_limits<std::uint64_t>::max()) return nextRandom();
    const std::uint64_t range = max + 1;
    const std::uint64_t threshold = (0 - range) % range;
    std::uint64_t value = nextRandom();
    while (value < threshold) value = nextRandom();
    return value % range;
}

}  // namespace chasqui::sync
