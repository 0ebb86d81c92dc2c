#pragma once
// The kiosk's words in every language, from assets/i18n/<lang>/*.json (flat
// objects of "key": "text"). Every string the kiosk shows comes from here;
// tests/kiosk/translations_test.cpp fails when a key is missing in a language
// or a screen draws a literal. Loaded once at start, read-only afterwards:
// safe to read from any thread once loaded.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/error.hpp"

namespace chasqui::kiosk {

struct LanguageInfo {
    std::string code;     // es | en | pt | ht
    std::string nameKey;  // key of the language's own name, the same in every catalog
};

class Translations {
public:
    // Loads every catalog in `dir`; Damaged with the file and key on malformed
    // JSON, non-string values or invalid UTF-8.
    static storage::Result<Translations> load(const std::filesystem::path& dir);

    // The languages offered on the welcome screen, Spanish first.
    static const std::vector<LanguageInfo>& languages();

    void setLanguage(std::string_view code);
    const std::string& language() const { return m_language; }

    // Text of `key` in the current language; falls back to Spanish, then to
    // the key itself (visible, so a missing key is noticed, never a crash).
    const char* tr(std::string_view key) const;
    const char* tr(std::string_view key, std::string_view language) const;
    bool has(std::string_view key, std::string_view language) const;

    // Every key of a language (tests).
    std::vector<std::string> keys(std::string_view language) const;
    // Keys that were asked for but exist in no catalog (tests walk every screen and expect none).
    std::vector<std::string> missingKeys() const;

private:
    std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> m_texts;
    std::string m_language = "es";
    // Keys asked for but absent everywhere, kept so tr() can return a stable
    // pointer to them. Only tr() from the UI thread reaches this.
    mutable std::map<std::string, std::string, std::less<>> m_missing;
};

// "{0}"-style placeholders filled in order: fill(tr("sync.pending"), {"12"}).
std::string fill(std::string_view pattern, const std::vector<std::string>& values);

}  // namespace chasqui::kiosk
