#include "kiosk/ui/typed_date.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace chasqui::kiosk {

namespace {

bool digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool separator(char c) {
    return c == '/' || c == '-';
}

}  // namespace

std::string isoFromTyped(std::string_view typed) {
    if (typed.size() == 10 && typed[4] == '-' && typed[7] == '-' && digits(typed.substr(0, 4)) &&
        digits(typed.substr(5, 2)) && digits(typed.substr(8, 2)))
        return std::string(typed);
    std::string_view day, month, year;
    if (digits(typed) && typed.size() == 8) {
        day = typed.substr(0, 2);
        month = typed.substr(2, 2);
        year = typed.substr(4, 4);
    } else {
        const auto first = std::find_if(typed.begin(), typed.end(), separator);
        if (first == typed.end()) return {};
        const auto second = std::find_if(first + 1, typed.end(), separator);
        if (second == typed.end()) return {};
        day = std::string_view(typed.begin(), first);
        month = std::string_view(first + 1, second);
        year = std::string_view(second + 1, typed.end());
    }
    if (!digits(day) || !digits(month) || !digits(year) || day.size() > 2 || month.size() > 2 || year.size() != 4)
        return {};
    return fmt::format("{}-{:0>2}-{:0>2}", year, month, day);
}

std::string storedDate(std::string_view typed) {
    if (typed.empty()) return {};
    std::string iso = isoFromTyped(typed);
    return iso.empty() ? std::string(typed) : iso;
}

std::string typedFromIso(std::string_view iso) {
    if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return std::string(iso);
    return fmt::format("{}/{}/{}", iso.substr(8, 2), iso.substr(5, 2), iso.substr(0, 4));
}

std::string withDateKey(std::string_view current, char key) {
    const auto separators = std::count(current.begin(), current.end(), '/');
    const auto last = current.rfind('/');
    const std::size_t segment = last == std::string_view::npos ? current.size() : current.size() - last - 1;
    std::string out(current);
    if (key == '/' || key == '-') {
        // A one-digit day or month ended by hand ("1/3/1990").
        if (separators >= 2 || segment == 0) return {};
        out += '/';
        return out;
    }
    if (key < '0' || key > '9') return {};
    if (separators == 2 && segment >= 4) return {};
    // After two digits of the day or of the month, the separator comes by itself.
    if (separators < 2 && segment >= 2) out += '/';
    out += key;
    return out;
}

}  // namespace chasqui::kiosk
