#include "storage/base/clock.hpp"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace chasqui::storage {

std::int64_t SystemClock::nowMs() const {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t daysFromCivil(int year, unsigned month, unsigned day) {
    // Howard Hinnant's algorithm.
    year -= month <= 2 ? 1 : 0;
    const int era = (year >= 0 ? year : year - 399) / 400;
    const auto yoe = static_cast<unsigned>(year - era * 400);
    const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

namespace {
void civilFromDays(std::int64_t z, int& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int>(yoe) + static_cast<int>(era) * 400 + (m <= 2 ? 1 : 0);
}
}  // namespace

std::string isoDate(std::int64_t epochMs) {
    std::int64_t days = epochMs / 86400000;
    if (epochMs < 0 && epochMs % 86400000 != 0) --days;
    int y = 0;
    unsigned m = 0, d = 0;
    civilFromDays(days, y, m, d);
    return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

std::string localDate(std::int64_t epochMs) {
    std::time_t seconds = static_cast<std::time_t>(epochMs / 1000);
    std::tm local{};
    if (localtime_r(&seconds, &local) == nullptr) return isoDate(epochMs);
    return fmt::format("{:04}-{:02}-{:02}", local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
}

std::string isoDateTime(std::int64_t epochMs) {
    std::int64_t days = epochMs / 86400000;
    std::int64_t rem = epochMs % 86400000;
    if (rem < 0) {
        rem += 86400000;
        --days;
    }
    int y = 0;
    unsigned m = 0, d = 0;
    civilFromDays(days, y, m, d);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, m, d, rem / 3600000, rem / 60000 % 60,
                       rem / 1000 % 60, rem % 1000);
}

}  // namespace chasqui::storage
