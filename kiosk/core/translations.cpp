#include "kiosk/core/translations.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/base/data_dir.hpp"
#include "storage/base/text.hpp"

namespace chasqui::kiosk {

namespace {
constexpr std::size_t kMaxCatalogBytes = 1024 * 1024;
}

storage::Result<Translations> Translations::load(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    Translations out;
    for (const auto& lang : languages()) {
        // One folder per language, one file per area of the kiosk (common,
        // self_service, staff...), so each area's words live next to each other.
        std::vector<fs::path> files;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir / lang.code, ec))
            if (entry.path().extension() == ".json") files.push_back(entry.path());
        if (ec || files.empty())
            return storage::fail(
                storage::ErrorCode::NotFound,
                fmt::format("no translation catalogs in {}", (dir / lang.code).string()));  // i18n: not UI
        std::sort(files.begin(), files.end());
        auto& table = out.m_texts[lang.code];
        for (const auto& path : files) {
            auto text = storage::readSmallFile(path, kMaxCatalogBytes);
            if (!text)
                return storage::fail(storage::ErrorCode::Io,
                                     fmt::format("cannot read translation catalog {}: {}",  // i18n: not UI
                                                 path.string(), text.error().message));
            nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
            if (json.is_discarded() || !json.is_object())
                return storage::fail(
                    storage::ErrorCode::Damaged,
                    fmt::format("translation catalog {} is not a JSON object", path.string()));  // i18n: not UI
            for (const auto& [key, value] : json.items()) {
                if (!value.is_string() || !storage::isValidUtf8(value.get_ref<const std::string&>()))
                    return storage::fail(
                        storage::ErrorCode::Damaged,
                        fmt::format("translation catalog {}: \"{}\" is not valid text",  // i18n: not UI
                                    path.string(), key));
                if (!table.emplace(key, value.get<std::string>()).second)
                    return storage::fail(storage::ErrorCode::Damaged,
                                         fmt::format("translation catalog {}: \"{}\" is defined twice",  // i18n: not UI
                                                     path.string(), key));
            }
        }
    }
    return out;
}

const std::vector<LanguageInfo>& Translations::languages() {
    static const std::vector<LanguageInfo> kLanguages = {
        {"es", "language.es"}, {"en", "language.en"}, {"pt", "language.pt"}, {"ht", "language.ht"}};
    return kLanguages;
}

void Translations::setLanguage(std::string_view code) {
    for (const auto& lang : languages())
        if (lang.code == code) m_language = lang.code;
}

const char* Translations::tr(std::string_view key) const {
    return tr(key, m_language);
}

const char* Translations::tr(std::string_view key, std::string_view language) const {
    for (std::string_view lang : {language, std::string_view("es")}) {
        auto table = m_texts.find(lang);
        if (table == m_texts.end()) continue;
        auto it = table->second.find(key);
        if (it != table->second.end()) return it->second.c_str();
    }
    // Unknown key: show the key so the gap is visible. Keys are interned so
    // the pointer stays valid.
    auto [it, inserted] = m_missing.try_emplace(std::string(key), std::string(key));
    return it->second.c_str();
}

bool Translations::has(std::string_view key, std::string_view language) const {
    auto table = m_texts.find(language);
    return table != m_texts.end() && table->second.find(key) != table->second.end();
}

std::vector<std::string> Translations::keys(std::string_view language) const {
    std::vector<std::string> out;
    auto table = m_texts.find(language);
    if (table == m_texts.end()) return out;
    for (const auto& [key, value] : table->second) out.push_back(key);
    return out;
}

std::vector<std::string> Translations::missingKeys() const {
    std::vector<std::string> out;
    for (const auto& [key, value] : m_missing) out.push_back(key);
    return out;
}

std::string fill(std::string_view pattern, const std::vector<std::string>& values) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 2] == '}' && pattern[i + 1] >= '0' &&
            pattern[i + 1] <= '9') {
            const auto index = static_cast<std::size_t>(pattern[i + 1] - '0');
            if (index < values.size()) out += values[index];
            i += 2;
            continue;
        }
        out += pattern[i];
    }
    return out;
}

}  // namespace chasqui::kiosk
