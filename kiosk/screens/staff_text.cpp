#include "kiosk/screens/staff_text.hpp"

#include <fmt/format.h>

#include "kiosk/services/person_row.hpp"

namespace chasqui::kiosk::staff {

namespace {

bool known(const Ui& ui, const std::string& key) {
    return ui.i18n.has(key, "es");
}

bool isIsoDate(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

int number(std::string_view s) {
    int out = 0;
    for (char c : s) out = out * 10 + (c - '0');
    return out;
}

}  // namespace

std::string vocabLabel(const Ui& ui, std::string_view list, std::string_view code) {
    const std::string key = fmt::format("vocab.{}.{}", list, code);
    return known(ui, key) ? std::string(ui.tr(key)) : std::string(code);
}

std::vector<Option> vocabOptions(const Ui& ui, std::string_view list, storage::vocab::List codes) {
    std::vector<Option> out;
    out.reserve(codes.size());
    for (auto code : codes) out.push_back({std::string(code), vocabLabel(ui, list, code)});
    return out;
}

std::string countryLabel(const Ui& ui, std::string_view iso3) {
    if (iso3.empty()) return {};
    return vocabLabel(ui, "nationalities", iso3);
}

std::string displayDate(std::string_view iso) {
    if (!isIsoDate(iso)) return std::string(iso);
    return fmt::format("{}/{}/{}", iso.substr(8, 2), iso.substr(5, 2), iso.substr(0, 4));
}

std::optional<int> ageOn(std::string_view birthIso, std::string_view todayIso) {
    if (!isIsoDate(birthIso) || !isIsoDate(todayIso)) return std::nullopt;
    int years = number(todayIso.substr(0, 4)) - number(birthIso.substr(0, 4));
    if (todayIso.substr(5) < birthIso.substr(5)) --years;
    if (years < 0) return std::nullopt;
    return years;
}

std::string joinName(std::string_view given, std::string_view family1, std::string_view family2) {
    return personName(given, family1, family2);
}

std::string trimmed(std::string_view text) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!text.empty() && space(text.front())) text.remove_prefix(1);
    while (!text.empty() && space(text.back())) text.remove_suffix(1);
    return std::string(text);
}

}  // namespace chasqui::kiosk::staff
