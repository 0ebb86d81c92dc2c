#include "kiosk/screens/case_text.hpp"

#include <charconv>

#include <fmt/format.h>

#include "kiosk/services/person_row.hpp"

namespace chasqui::kiosk::casework {

namespace {

bool known(const Ui& ui, const std::string& key) {
    return ui.i18n.has(key, ui.i18n.language()) || ui.i18n.has(key, "es");
}

bool parseDate(std::string_view iso, int& y, int& m, int& d) {
    if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return false;
    const auto num = [&](std::size_t at, std::size_t len, int& out) {
        const char* first = iso.data() + at;
        auto [ptr, ec] = std::from_chars(first, first + len, out);
        return ec == std::errc() && ptr == first + len;
    };
    return num(0, 4, y) && num(5, 2, m) && num(8, 2, d) && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

}  // namespace

std::string vocabLabel(const Ui& ui, std::string_view list, std::string_view code) {
    if (code.empty()) return {};
    const std::string key = fmt::format("vocab.{}.{}", list, code);
    if (!known(ui, key)) return std::string(code);
    return ui.tr(key);
}

std::vector<Option> vocabOptions(const Ui& ui, std::string_view list, storage::vocab::List codes) {
    std::vector<Option> out;
    out.reserve(codes.size());
    for (std::string_view code : codes) out.push_back(Option{std::string(code), vocabLabel(ui, list, code)});
    return out;
}

std::string vocabLabels(const Ui& ui, std::string_view list, const std::vector<std::string>& codes,
                        std::string_view none) {
    if (codes.empty()) return std::string(none);
    std::string out;
    for (const auto& code : codes) {
        if (!out.empty()) out += ", ";
        out += vocabLabel(ui, list, code);
    }
    return out;
}

std::string countryLabel(const Ui& ui, std::string_view iso3) {
    if (iso3.empty()) return {};
    const std::string key = fmt::format("vocab.nationalities.{}", iso3);
    return known(ui, key) ? std::string(ui.tr(key)) : std::string(iso3);
}

std::string displayDate(std::string_view iso) {
    int y = 0, m = 0, d = 0;
    if (!parseDate(iso, y, m, d)) return std::string(iso);
    return fmt::format("{:02}/{:02}/{:04}", d, m, y);
}

std::optional<int> ageOn(std::string_view birthIso, std::string_view todayIso) {
    int by = 0, bm = 0, bd = 0, ty = 0, tm = 0, td = 0;
    if (!parseDate(birthIso, by, bm, bd) || !parseDate(todayIso, ty, tm, td)) return std::nullopt;
    int age = ty - by;
    if (tm < bm || (tm == bm && td < bd)) --age;
    if (age < 0) return std::nullopt;
    return age;
}

std::string fullName(const storage::Person& person) {
    return personName(person.givenNames, person.familyName1, person.familyName2);
}

std::string trimmed(std::string_view text) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!text.empty() && space(text.front())) text.remove_prefix(1);
    while (!text.empty() && space(text.back())) text.remove_suffix(1);
    return std::string(text);
}

const char* errorKey(const storage::Error& error) {
    switch (error.code) {
        case storage::ErrorCode::InvalidInput:
            return "case.error.invalid";
        case storage::ErrorCode::NotFound:
            return "case.error.not_found";
        case storage::ErrorCode::PermissionDenied:
        case storage::ErrorCode::WrongCredential:
        case storage::ErrorCode::Throttled:
        case storage::ErrorCode::AccountLocked:
            return "case.error.session";
        case storage::ErrorCode::Damaged:
            return "case.error.damaged";
        case storage::ErrorCode::Io:
            return "case.error.disk";
        case storage::ErrorCode::AlreadyExists:
        case storage::ErrorCode::Internal:
            return "case.error.unexpected";
    }
    return "case.error.unexpected";
}

}  // namespace chasqui::kiosk::casework
