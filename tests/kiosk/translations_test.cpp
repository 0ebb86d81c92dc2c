// Every UI string comes from the catalogs in assets/i18n, in all four
// languages, and no screen draws a literal.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

#include "kiosk/core/translations.hpp"

using namespace chasqui;

namespace {

kiosk::Translations loadCatalogs() {
    auto t = kiosk::Translations::load(std::filesystem::path(CHASQUI_ASSETS_DIR) / "i18n");
    REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message));
    return *t;
}

std::set<std::string> placeholders(const std::string& text) {
    std::set<std::string> out;
    for (std::size_t i = 0; i + 2 < text.size(); ++i)
        if (text[i] == '{' && text[i + 1] >= '0' && text[i + 1] <= '9' && text[i + 2] == '}')
            out.insert(text.substr(i, 3));
    return out;
}

// String literals of a C++ line, ignoring // comments outside literals.
std::vector<std::string> literalsOf(const std::string& line) {
    std::vector<std::string> out;
    bool inString = false;
    std::string current;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (!inString) {
            if (c == '/' && i + 1 < line.size() && line[i + 1] == '/') break;
            if (c == '\'' && i + 2 < line.size()) {  // skip char literals like '"'
                i += line[i + 1] == '\\' ? 3 : 2;
                continue;
            }
            if (c == '"') {
                inString = true;
                current.clear();
            }
            continue;
        }
        if (c == '\\' && i + 1 < line.size()) {
            current += line[i + 1];
            ++i;
        } else if (c == '"') {
            inString = false;
            out.push_back(current);
        } else {
            current += c;
        }
    }
    return out;
}

// A literal is fine when it is a key or an id ([a-z0-9_.#]), has no letters
// at all (format strings, icons, punctuation), or the line says why it is not UI text.
bool allowedLiteral(const std::string& literal) {
    const bool key = std::all_of(literal.begin(), literal.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               std::string_view("_.#%{}:").find(c) != std::string_view::npos;
    });
    if (key) return true;
    return std::none_of(literal.begin(), literal.end(),
                        [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
}

}  // namespace

TEST_CASE("every key exists in every language, with the same placeholders") {
    const auto t = loadCatalogs();
    std::set<std::string> all;
    for (const auto& lang : kiosk::Translations::languages())
        for (const auto& key : t.keys(lang.code)) all.insert(key);
    CHECK(all.size() > 10);
    for (const auto& key : all) {
        for (const auto& lang : kiosk::Translations::languages()) {
            CHECK_MESSAGE(t.has(key, lang.code), "\"" << key << "\" is missing in " << lang.code);
            if (!t.has(key, lang.code)) continue;
            const std::string text = t.tr(key, lang.code);
            CHECK_MESSAGE(!text.empty(), key << " is empty in " << lang.code);
            CHECK_MESSAGE(placeholders(text) == placeholders(t.tr(key, "es")),
                          key << " has different placeholders in " << lang.code);
        }
    }
}

TEST_CASE("a catalog with a malformed file is refused with the file named") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / "chasqui-i18n-test";
    fs::remove_all(dir);
    for (const auto& lang : kiosk::Translations::languages()) {
        fs::create_directories(dir / lang.code);
        std::ofstream(dir / lang.code / "a.json") << R"({"k": "v"})";
    }
    CHECK(kiosk::Translations::load(dir).has_value());
    std::ofstream(dir / "pt" / "b.json") << R"({"k2": 5})";
    auto bad = kiosk::Translations::load(dir);
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().message.find("b.json") != std::string::npos);
    std::ofstream(dir / "pt" / "b.json") << R"({"k": "twice"})";
    CHECK_FALSE(kiosk::Translations::load(dir).has_value());
    std::ofstream(dir / "pt" / "b.json") << "{\"k3\": \"\xff\xfe\"}";
    CHECK_FALSE(kiosk::Translations::load(dir).has_value());
    fs::remove_all(dir);
}

TEST_CASE("no UI string is a literal in the kiosk's code") {
    namespace fs = std::filesystem;
    const fs::path root = fs::path(CHASQUI_SOURCE_DIR) / "kiosk";
    int files = 0;
    for (const char* folder : {"core", "ui", "screens", "services", "speech"}) {
        for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
            if (entry.path().extension() != ".cpp" && entry.path().extension() != ".hpp") continue;
            ++files;
            std::ifstream in(entry.path());
            std::string line;
            int number = 0;
            while (std::getline(in, line)) {
                ++number;
                if (line.rfind("#include", 0) == 0) continue;
                if (line.find("i18n: not UI") != std::string::npos) continue;
                for (const auto& literal : literalsOf(line))
                    CHECK_MESSAGE(allowedLiteral(literal), entry.path().filename().string()
                                                               << ":" << number << " draws a literal: \"" << literal
                                                               << "\" (put it in assets/i18n, or mark the line "
                                                                  "\"// i18n: not UI\" if it is never shown)");
            }
        }
    }
    CHECK(files > 10);
}

TEST_CASE("fill puts values into numbered placeholders") {
    CHECK(kiosk::fill("{0} de {1}", {"3", "5"}) == "3 de 5");
    CHECK(kiosk::fill("sin {9}", {"x"}) == "sin ");
    CHECK(kiosk::fill("{x}", {}) == "{x}");
}

TEST_CASE("every date the kiosk asks for is asked as day/month/year, the one way it takes them") {
    const auto t = loadCatalogs();
    for (const auto& lang : kiosk::Translations::languages())
        for (const auto& key : t.keys(lang.code)) {
            const std::string text = t.tr(key, lang.code);
            for (const char* iso : {"AAAA-MM-DD", "YYYY-MM-DD", "AAAA-MM-JJ"})
                CHECK_MESSAGE(text.find(iso) == std::string::npos, key << " in " << lang.code << " asks for " << iso);
        }
}
