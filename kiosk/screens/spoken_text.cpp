#include "kiosk/screens/spoken_text.hpp"

#include <fmt/format.h>

#include "kiosk/screens/self_service_common.hpp"

namespace chasqui::kiosk::self_service {

namespace {

// Appends one sentence; a full stop unless it already ends in punctuation.
void say(std::string& out, std::string_view part) {
    while (!part.empty() && (part.back() == ' ' || part.back() == '\n')) part.remove_suffix(1);
    if (part.empty()) return;
    if (!out.empty()) out += ' ';
    out.append(part);
    const char last = part.back();
    if (last != '.' && last != '!' && last != '?' && last != ':') out += '.';
}

void fact(std::string& out, const Translations& i18n, std::string_view lang, const char* labelKey,
          std::string_view value) {
    if (value.empty()) return;
    say(out, fmt::format("{}: {}", i18n.tr(labelKey, lang), value));
}

}  // namespace

std::string spokenDigits(std::string_view number) {
    std::string out;
    bool groupOpen = false;
    for (char c : number) {
        if (c >= '0' && c <= '9') {
            if (!out.empty()) out += groupOpen ? " " : ", ";
            out += c;
            groupOpen = true;
        } else if (c == ' ' || c == '-' || c == '.') {
            groupOpen = false;
        }
    }
    return out;
}

std::string spokenWelcome(const Translations& i18n, std::string_view lang) {
    std::string out;
    for (const char* key : {"welcome.title", "welcome.subtitle", "welcome.language", "welcome.services",
                            "welcome.staff", "welcome.text_size"})
        say(out, i18n.tr(key, lang));
    return out;
}

std::string spokenCategories(const Translations& i18n, std::string_view lang,
                             const std::vector<std::string>& categoryCodes) {
    std::string out;
    say(out, i18n.tr("categories.prompt", lang));
    say(out, i18n.tr("categories.hint", lang));
    for (const auto& code : categoryCodes) say(out, i18n.tr(categoryKey(code), lang));
    return out;
}

std::string spokenServiceList(const Translations& i18n, std::string_view lang, std::string_view category,
                              const std::vector<storage::ServiceSummary>& rows) {
    std::string out;
    say(out, i18n.tr(categoryKey(category), lang));
    say(out, rows.size() == 1 ? std::string(i18n.tr("services.count_one", lang))
                              : fill(i18n.tr("services.count", lang), {std::to_string(rows.size())}));
    for (const auto& row : rows) {
        say(out, row.name);
        say(out, row.organization);
        say(out, row.districtName);
    }
    return out;
}

std::string spokenService(const Translations& i18n, std::string_view lang, const storage::Service& service,
                          const storage::ServiceText& words) {
    std::string out;
    say(out, words.name);
    say(out, service.organization);
    say(out, words.description);
    std::string where = service.address;
    if (!service.districtName.empty()) where += where.empty() ? service.districtName : ", " + service.districtName;
    fact(out, i18n, lang, "service.address", where);
    fact(out, i18n, lang, "service.hours", words.hours);
    fact(out, i18n, lang, "service.requirements", words.requirements);
    fact(out, i18n, lang, "service.cost", words.cost);
    std::string spoken;
    for (const auto& code : service.languagesSpoken) {
        if (!spoken.empty()) spoken += ", ";
        spoken += i18n.tr(fmt::format("service.language.{}", code), lang);
    }
    fact(out, i18n, lang, "service.languages", spoken);
    fact(out, i18n, lang, "service.phone", spokenDigits(service.phone));
    fact(out, i18n, lang, "service.whatsapp", spokenDigits(service.whatsapp));
    return out;
}

}  // namespace chasqui::kiosk::self_service
