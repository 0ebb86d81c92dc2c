#include "storage/records/ids.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdlib>

#include <fmt/format.h>

#include "storage/base/secret.hpp"

namespace chasqui::storage {

std::string UuidV7Generator::next() {
    ensureSodium();
    std::int64_t ms = m_clock.nowMs();
    if (ms <= m_lastMs) {
        // Same (or earlier) millisecond: keep order with the counter, and borrow
        // the next millisecond when the counter runs out.
        ms = m_lastMs;
        if (++m_counter > 0x0FFF) {
            ++ms;
            m_counter = 0;
        }
    } else {
        m_counter = randombytes_uniform(0x0800);  // leave room to count up
    }
    m_lastMs = ms;
    std::array<unsigned char, 16> b{};
    randombytes_buf(b.data(), b.size());
    const auto t = static_cast<std::uint64_t>(ms);
    for (int i = 0; i < 6; ++i) b[static_cast<std::size_t>(i)] = static_cast<unsigned char>(t >> (40 - 8 * i));
    b[6] = static_cast<unsigned char>(0x70 | ((m_counter >> 8) & 0x0F));
    b[7] = static_cast<unsigned char>(m_counter & 0xFF);
    b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3F));
    std::array<char, 33> hex{};
    sodium_bin2hex(hex.data(), hex.size(), b.data(), b.size());
    const std::string h(hex.data(), 32);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

bool isUuid(const std::string& text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

std::string HlcStamp::encode() const {
    return fmt::format("{:012x}-{:04x}", wallMs, counter);
}

bool HlcStamp::decode(const std::string& text, HlcStamp& out) {
    if (text.size() != 17 || text[12] != '-') return false;
    char* end = nullptr;
    const std::string wall = text.substr(0, 12);
    const std::string count = text.substr(13);
    if (wall.find_first_not_of("0123456789abcdef") != std::string::npos ||
        count.find_first_not_of("0123456789abcdef") != std::string::npos)
        return false;
    out.wallMs = std::strtoll(wall.c_str(), &end, 16);
    out.counter = static_cast<std::uint32_t>(std::strtoul(count.c_str(), &end, 16));
    return true;
}

namespace {
// The encoding has four hex digits for the counter; past them the stamp moves
// to the next millisecond so that string order stays causal order.
HlcStamp carry(HlcStamp stamp) {
    if (stamp.counter > 0xFFFF) return {stamp.wallMs + 1, 0};
    return stamp;
}
}  // namespace

HlcStamp HybridLogicalClock::now() {
    const std::int64_t physical = m_clock.nowMs();
    if (physical > m_last.wallMs) {
        m_last = {physical, 0};
    } else {
        m_last = carry({m_last.wallMs, m_last.counter + 1});
    }
    return m_last;
}

void HybridLogicalClock::observe(const HlcStamp& remote) {
    const std::int64_t physical = m_clock.nowMs();
    const std::int64_t wall = std::max({physical, m_last.wallMs, remote.wallMs});
    std::uint32_t counter = 0;
    if (wall == m_last.wallMs && wall == remote.wallMs)
        counter = std::max(m_last.counter, remote.counter) + 1;
    else if (wall == m_last.wallMs)
        counter = m_last.counter + 1;
    else if (wall == remote.wallMs)
        counter = remote.counter + 1;
    m_last = carry({wall, counter});
}

}  // namespace chasqui::storage
