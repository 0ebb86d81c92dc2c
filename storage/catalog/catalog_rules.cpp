// Field rules of a service catalog, shared by both file formats and by
// CatalogStore::replaceAll.
#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "storage/base/validation.hpp"
#include "storage/base/vocabulary.hpp"
#include "storage/catalog/catalog_import_detail.hpp"

namespace chasqui::storage::catalog_detail {

namespace {

using namespace std::string_view_literals;

// Languages the catalog has texts in: the kiosk's UI languages plus those an
// organization may publish in (French for West African arrivals, Quechua, Aymara).
constexpr std::array kTextLanguages{"es"sv, "en"sv, "pt"sv, "ht"sv, "fr"sv, "qu"sv, "ay"sv};

bool allDigits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Emergency lines are short numbers (105 police, 116 fire, 1818 helpline).
Result<void> checkServicePhone(std::string_view field, std::string_view value) {
    if (value.size() >= 3 && value.size() <= 4 && allDigits(value)) return {};
    if (checkPhone(value)) return {};
    return invalid(std::string(field), fmt::format("{} must have 7 to 15 digits, optionally starting with + and the "
                                                   "country code (for example +51 987 654 321), or be a 3-4 digit "
                                                   "short number such as 105",
                                                   field));
}

Result<void> checkEmail(std::string_view value) {
    if (value.empty()) return {};
    const auto at = value.find('@');
    const std::string_view local = value.substr(0, at);
    const std::string_view domain = at == std::string_view::npos ? std::string_view{} : value.substr(at + 1);
    const bool charsOk = std::all_of(value.begin(), value.end(), [](char c) {
        return c > ' ' && c < 0x7F && std::string_view("<>()[]\\,;:\"").find(c) == std::string_view::npos;
    });
    const bool ok = value.size() <= 120 && charsOk && at != std::string_view::npos && !local.empty() &&
                    domain.find('@') == std::string_view::npos && domain.find('.') != std::string_view::npos &&
                    domain.find("..") == std::string_view::npos && domain.front() != '.' && domain.back() != '.';
    if (ok) return {};
    return invalid("email", "email must be empty or an address like name@example.org (at most 120 characters)");
}

Result<void> checkCodes(std::string_view field, const std::vector<std::string>& codes, vocab::List allowed) {
    for (const auto& code : codes) {
        if (!vocab::contains(allowed, code)) {
            return invalid(std::string(field), fmt::format("{} must list codes among: {} (got {})", field,
                                                           vocab::joinForMessage(allowed), shown(code)));
        }
    }
    if (std::set<std::string>(codes.begin(), codes.end()).size() != codes.size())
        return invalid(std::string(field), fmt::format("{}: a code is listed twice", field));
    return {};
}

void checkTexts(const Service& s, const ServiceSource& source, const std::string& who, Problems& problems) {
    if (!s.texts.contains("es")) {
        problems.add(source.line, who, "texts: the Spanish (es) texts are required; other languages fall back to them");
    }
    for (const auto& [lang, text] : s.texts) {
        const auto lineIt = source.textLines.find(lang);
        const int line = lineIt != source.textLines.end() ? lineIt->second : source.line;
        if (!vocab::contains(kTextLanguages, lang)) {
            problems.add(line, who,
                         fmt::format("texts: language {} is not supported; use one of: {}", shown(lang),
                                     vocab::joinForMessage(kTextLanguages)));
            continue;
        }
        const std::string prefix = "texts." + lang + ".";
        const std::array checks{
            checkText(prefix + "name", text.name, 1, 120),
            checkText(prefix + "description", text.description, 0, 2000, true),
            checkText(prefix + "hours", text.hours, 0, 500),
            checkText(prefix + "requirements", text.requirements, 0, 500, true),
            checkText(prefix + "cost", text.cost, 0, 500),
        };
        for (const auto& r : checks) {
            if (!r) problems.add(line, who, r.error().message);
        }
    }
}

void checkService(const Service& s, const ServiceSource& source, Problems& problems) {
    const std::string who = serviceLabel(s.id, source.index);
    const auto report = [&](const Result<void>& r) {
        if (!r) problems.add(source.line, who, r.error().message);
    };
    if (!isServiceId(s.id)) {
        problems.add(source.line, who,
                     "id must be 1-64 characters: lower-case letters a-z, digits and '-' "
                     "(for example demo-health-lima-1)");
    }
    report(checkText("organization", s.organization, 1, 200));
    if (!vocab::contains(vocab::serviceCategories(), s.category)) {
        problems.add(source.line, who,
                     fmt::format("category must be one of: {} (got {})",
                                 vocab::joinForMessage(vocab::serviceCategories()), shown(s.category)));
    }
    report(checkUbigeo("district", s.district));
    report(checkText("district_name", s.districtName, 1, 80));
    report(checkText("address", s.address, 0, 300));
    report(checkServicePhone("phone", s.phone));
    report(checkServicePhone("whatsapp", s.whatsapp));
    report(checkEmail(s.email));
    report(checkCodes("languages_spoken", s.languagesSpoken, vocab::languages()));
    report(checkCodes("populations", s.populations, vocab::populationTypes()));
    report(checkDate("last_verified", s.lastVerified, "2015-01-01", "2099-12-31"));
    checkTexts(s, source, who, problems);
}

}  // namespace

void checkCatalog(const std::vector<Service>& services, const std::vector<ServiceSource>& sources, Problems& problems) {
    std::map<std::string_view, int> idLines;
    // One name per district code, or the district filter would show two entries.
    using NameAndLine = std::pair<std::string_view, int>;
    std::map<std::string_view, NameAndLine> districtNames;
    for (std::size_t i = 0; i < services.size(); ++i) {
        const Service& s = services[i];
        const ServiceSource& source = sources[i];
        checkService(s, source, problems);
        const std::string who = serviceLabel(s.id, source.index);
        if (isServiceId(s.id)) {
            const auto [it, added] = idLines.emplace(s.id, source.line);
            if (!added) {
                problems.add(
                    source.line, who,
                    it->second > 0
                        ? fmt::format("id '{}' is used twice (first on line {}); ids must be unique", s.id, it->second)
                        : fmt::format("id '{}' is used twice; ids must be unique", s.id));
            }
        }
        if (checkUbigeo("district", s.district) && !s.districtName.empty()) {
            const auto [it, added] = districtNames.emplace(s.district, NameAndLine{s.districtName, source.line});
            if (!added && it->second.first != s.districtName) {
                problems.add(source.line, who,
                             fmt::format("district {} is named {} here but {}{}; use one name", s.district,
                                         shown(s.districtName), shown(it->second.first),
                                         it->second.second > 0 ? fmt::format(" on line {}", it->second.second) : ""));
            }
        }
    }
}

}  // namespace chasqui::storage::catalog_detail
