// Bad catalog files: each is refused with a message that names the line, and
// the catalog imported before stays exactly as it was.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include "storage/catalog/catalog_import.hpp"
#include "storage/catalog/catalog_store.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using namespace chasqui::storage;
namespace fs = std::filesystem;

namespace {

const fs::path kDemoJson = fs::path(CHASQUI_ASSETS_DIR) / "catalog" / "demo_catalog.json";
const fs::path kDemoCsv = fs::path(CHASQUI_ASSETS_DIR) / "catalog" / "demo_catalog_sample.csv";

int lineOf(const std::string& text, std::string_view needle) {
    const auto pos = text.find(needle);
    REQUIRE_MESSAGE(pos != std::string::npos, needle);
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
}

// Line where the JSON service with this id starts (the "{" above its id).
int serviceLine(const std::string& json, std::string_view id) {
    return lineOf(json, fmt::format("\"id\": \"{}\"", id)) - 1;
}

std::string replaceFirst(std::string text, std::string_view from, std::string_view to) {
    const auto pos = text.find(from);
    REQUIRE_MESSAGE(pos != std::string::npos, from);
    return text.replace(pos, from.size(), to);
}

std::string replaceAllOf(std::string text, std::string_view from, std::string_view to) {
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
    return text;
}

// A kiosk with the demo catalog imported; bad files are imported on top of it.
struct ImportFixture {
    test::TempDir dir;
    DataDir dataDir{dir.path() / "kiosk"};
    ManualClock clock{test::kTestNowMs};
    std::optional<CatalogStore> store;
    CatalogInfo before;
    std::string json = test::readBytes(kDemoJson);
    std::string csv = test::readBytes(kDemoCsv);

    ImportFixture() {
        auto opened = CatalogStore::open(dataDir, clock);
        REQUIRE(opened);
        store.emplace(std::move(*opened));
        auto info = importCatalogFile(*store, kDemoJson);
        REQUIRE(info);
        before = *info;
        clock.advance(3'600'000);
    }

    // Imports `content` as a file with this name; returns the error message.
    std::string rejected(const std::string& content, const std::string& name) {
        const fs::path path = dir.path() / name;
        std::ofstream(path, std::ios::binary) << content;
        auto result = importCatalogFile(*store, path);
        REQUIRE_FALSE(result);
        CHECK(result.error().code == ErrorCode::InvalidInput);
        auto after = store->info();
        REQUIRE(after);
        CHECK(after->version == before.version);
        CHECK(after->count == before.count);
        CHECK(after->importedAtMs == before.importedAtMs);
        CHECK(after->perCategory == before.perCategory);
        return result.error().message;
    }
    std::string rejectedJson(const std::string& content) { return rejected(content, "bad.json"); }
    std::string rejectedCsv(const std::string& content) { return rejected(content, "bad.csv"); }
};

bool mentions(const std::string& message, std::string_view part) {
    if (message.find(part) != std::string::npos) return true;
    MESSAGE("message was: " << message);
    return false;
}

}  // namespace

TEST_SUITE("catalog") {
    TEST_CASE("catalog import: malformed JSON names the line of the syntax error") {
        ImportFixture f;
        // A missing comma after the district of the shelter in Tacna.
        const std::string anchor = "\"district\": \"230101\",";
        const int line = lineOf(f.json, anchor);
        const std::string message = f.rejectedJson(replaceFirst(f.json, anchor, "\"district\": \"230101\""));
        CHECK(mentions(message, "not valid JSON"));
        CHECK(mentions(message, fmt::format("line {}:", line + 1)));  // found at the next key
    }

    TEST_CASE("catalog import: a truncated JSON file is refused") {
        ImportFixture f;
        const std::string half = f.json.substr(0, f.json.size() / 2);
        const std::string message = f.rejectedJson(half);
        CHECK(mentions(message, "not valid JSON"));
        const int lastLine = 1 + static_cast<int>(std::count(half.begin(), half.end(), '\n'));
        CHECK(mentions(message, fmt::format("line {}:", lastLine)));
    }

    TEST_CASE("catalog import: wrong JSON types are reported per field, with the service's line") {
        ImportFixture f;
        std::string bad = replaceFirst(f.json, "\"phone\": \"+51 900 000 002\"", "\"phone\": 51900000002");
        bad = replaceFirst(bad, "\"populations\": [\n        \"in_destination\",\n        \"host_community\"",
                           "\"populations\": [\n        7,\n        \"host_community\"");
        const std::string message = f.rejectedJson(bad);
        const int line = serviceLine(f.json, "demo-health-lima-1");
        CHECK(mentions(
            message,
            fmt::format("line {}: service 'demo-health-lima-1': phone must be a text in quotes, not number", line)));
        CHECK(mentions(message, "populations must be a list of codes"));
        CHECK(mentions(f.rejectedJson("[1, 2, 3]"), "a JSON object with a \"services\" list"));
        CHECK(mentions(f.rejectedJson("{\"services\": []}"), "the file lists no services"));
        CHECK(mentions(f.rejectedJson("{\"services\": [42]}"),
                       "line 1: service #1: each entry of \"services\" must be an object"));
    }

    TEST_CASE("catalog import: an unknown category is reported on its service's line") {
        ImportFixture f;
        const std::string bad = replaceFirst(f.json, "\"category\": \"shelter\"", "\"category\": \"housing\"");
        const int line = serviceLine(f.json, "demo-shelter-aguasverdes-1");
        CHECK(line == 366);
        const std::string message = f.rejectedJson(bad);
        CHECK(mentions(message, "The catalog was not imported (1 problem; nothing was changed)"));
        CHECK(mentions(message,
                       fmt::format("line {}: service 'demo-shelter-aguasverdes-1': category must be one of: health, "
                                   "regularization",
                                   line)));
        CHECK(mentions(message, "(got \"housing\")"));
    }

    TEST_CASE("catalog import: a duplicate id names both lines") {
        ImportFixture f;
        const std::string bad =
            replaceFirst(f.json, "\"id\": \"demo-health-lima-1\"", "\"id\": \"demo-health-tumbes-1\"");
        const std::string message = f.rejectedJson(bad);
        CHECK(mentions(
            message,
            fmt::format("line {}: service 'demo-health-tumbes-1': id 'demo-health-tumbes-1' is used twice "
                        "(first on line {})",
                        serviceLine(f.json, "demo-health-lima-1"), serviceLine(f.json, "demo-health-tumbes-1"))));
    }

    TEST_CASE("catalog import: invalid UTF-8 anywhere is refused with its line") {
        ImportFixture f;
        const std::string anchor = "Centro de Salud Frontera Norte";
        const std::string bad = replaceFirst(f.json, anchor, "Centro de Salud \xC3\x28 Norte");
        CHECK(
            mentions(f.rejectedJson(bad), fmt::format("line {}: the file is not valid UTF-8", lineOf(f.json, anchor))));
        const std::string badCsv = replaceFirst(f.csv, "Policía Nacional",
                                                "Polic\xED"
                                                "a Nacional");  // Latin-1 í
        CHECK(mentions(f.rejectedCsv(badCsv), "line 6: the file is not valid UTF-8"));
    }

    TEST_CASE("catalog import: oversized fields and files are refused") {
        ImportFixture f;
        const std::string longName(121, 'x');
        std::string bad =
            replaceFirst(f.json, "\"name\": \"Atención médica general y vacunas\"", "\"name\": \"" + longName + "\"");
        bad = replaceFirst(bad, "\"cost\": \"Gratis\"", "\"cost\": \"" + std::string(501, 'g') + "\"");
        const std::string message = f.rejectedJson(bad);
        const int line = serviceLine(f.json, "demo-health-tumbes-1");
        CHECK(mentions(message,
                       fmt::format("line {}: service 'demo-health-tumbes-1': texts.es.name is too long: at most 120 "
                                   "characters",
                                   line)));
        CHECK(mentions(message, "texts.ht.cost is too long: at most 500 characters"));
        CHECK(mentions(message, "(2 problems;"));

        std::string huge = f.json;
        huge.append(kMaxCatalogBytes, ' ');  // trailing spaces are valid JSON, but too much of it
        CHECK(mentions(f.rejectedJson(huge), "at most 20 MiB"));
        CHECK(mentions(parseCatalogJson(huge).error().message, "at most 20 MiB"));
    }

    TEST_CASE("catalog import: more than 5000 services are refused") {
        ImportFixture f;
        std::string many = "{\"services\": [";
        for (std::size_t i = 0; i <= kMaxCatalogServices; ++i)
            many += fmt::format("{}{{\"id\": \"s-{}\"}}", i ? "," : "", i);
        many += "]}";
        CHECK(mentions(f.rejectedJson(many), "it has 5001 services and at most 5000 are accepted"));
    }

    TEST_CASE("catalog import: many problems are listed together, up to 20") {
        ImportFixture f;
        const std::string bad = replaceAllOf(f.json, "\"last_verified\": \"2026-", "\"last_verified\": \"2026/");
        const std::string message = f.rejectedJson(bad);
        CHECK(mentions(message, "(28 problems; nothing was changed)"));
        CHECK(mentions(message, "... and 8 more"));
        CHECK(std::count(message.begin(), message.end(), '\n') == 21);
        CHECK(mentions(message, fmt::format("line {}: service 'demo-health-tumbes-1': last_verified must be a date",
                                            serviceLine(f.json, "demo-health-tumbes-1"))));
    }

    TEST_CASE("catalog import: field rules") {
        ImportFixture f;
        const auto tumbes = [&](std::string_view from, std::string_view to) {
            return f.rejectedJson(replaceFirst(f.json, from, to));
        };
        const std::string at =
            fmt::format("line {}: service 'demo-health-tumbes-1': ", serviceLine(f.json, "demo-health-tumbes-1"));
        CHECK(mentions(tumbes("\"phone\": \"+51 900 000 001\"", "\"phone\": \"12\""),
                       at + "phone must have 7 to 15 digits"));
        CHECK(mentions(tumbes("\"district\": \"240101\"", "\"district\": \"260101\""),
                       at + "district must be a 6-digit"));
        CHECK(mentions(tumbes("\"email\": \"saludfronteranorte@example.org\"", "\"email\": \"salud@\""),
                       at + "email must be"));
        CHECK(
            mentions(tumbes("\"id\": \"demo-health-tumbes-1\"", "\"id\": \"Demo_Health\""), "service #1: id must be"));
        CHECK(mentions(tumbes("\"address\"", "\"adress\""), at + "unknown field \"adress\""));
        CHECK(mentions(tumbes("\"es\",\n        \"en\"", "\"es\",\n        \"xx\""),
                       at + "languages_spoken must list codes"));
        CHECK(mentions(tumbes("\"last_verified\": \"2026-09-14\"", "\"last_verified\": \"2014-12-31\""),
                       at + "last_verified cannot be before 2015-01-01"));
        CHECK(mentions(tumbes("\"es\": {\n          \"name\": \"Atención", "\"de\": {\n          \"name\": \"Atención"),
                       at + "texts: the Spanish (es) texts are required"));
        CHECK(mentions(tumbes("\"cost\": \"Gratuito\"", "\"cost\": \"Gratuito\\u0007\""),
                       at + "texts.es.cost contains control characters"));
        CHECK(mentions(tumbes("\"format_version\": 1", "\"format_version\": 2"), "written for a newer Chasqui"));
        CHECK(mentions(tumbes("\"district_name\": \"Tumbes\"", "\"district_name\": \"TUMBES\""),
                       "district 240101 is named \"Tumbes\" here but \"TUMBES\""));
    }

    TEST_CASE("catalog import: short emergency numbers are accepted") {
        std::string json = test::readBytes(kDemoJson);
        auto parsed = parseCatalogJson(json);
        REQUIRE(parsed);
        std::set<std::string> phones;
        for (const auto& s : parsed->services) phones.insert(s.phone);
        CHECK(phones.contains("105"));
        CHECK(phones.contains("1818"));
    }

    TEST_CASE("catalog import: a byte-order mark from a spreadsheet is accepted") {
        auto csv = parseCatalogCsv("\xEF\xBB\xBF" + test::readBytes(kDemoCsv));
        REQUIRE_MESSAGE(csv, (csv ? "" : csv.error().message));
        CHECK(csv->services.size() == 3);
        auto json = parseCatalogJson("\xEF\xBB\xBF" + test::readBytes(kDemoJson));
        REQUIRE_MESSAGE(json, (json ? "" : json.error().message));
        CHECK(json->services.size() == 28);
    }

    TEST_CASE("catalog import: a CSV with an unterminated quote is refused with its line") {
        ImportFixture f;
        std::string bad = f.csv;
        bad += "demo-extra-1,Org,health,150101,Lima,\"Jr. Sin Cierre 1,+51 900 000 099\n";
        const int line = 1 + static_cast<int>(std::count(f.csv.begin(), f.csv.end(), '\n'));
        CHECK(
            mentions(f.rejectedCsv(bad), fmt::format("line {}: a quoted field starts here and is never closed", line)));
        // A quote closed too early shows up where the field goes on.
        CHECK(
            mentions(f.rejectedCsv(replaceFirst(f.csv, "\"Av. Abancay 560, of. 3\"", "\"Av. Abancay \"560\", of. 3\"")),
                     "line 4: text after the closing quote"));
    }

    TEST_CASE("catalog import: a CSV row with the wrong number of columns") {
        ImportFixture f;
        const std::string bad = replaceFirst(f.csv, "es;en,in_destination;in_transit;host_community,2026-09-14,en,",
                                             "es;en,in_destination;in_transit;host_community,en,");
        CHECK(mentions(f.rejectedCsv(bad), "line 3: expected 18 columns but found 17"));
        CHECK(mentions(f.rejectedCsv(replaceFirst(f.csv, "last_verified,", "verified,")),
                       "line 1: unknown column \"verified\""));
        CHECK(mentions(f.rejectedCsv("\n\n"), "the file is empty"));
        CHECK(mentions(f.rejectedCsv(f.csv.substr(0, f.csv.find('\n') + 1)), "no service rows"));
    }

    TEST_CASE("catalog import: CSV field rules name the row") {
        ImportFixture f;
        const std::string badDate = replaceAllOf(f.csv, ",2026-10-01,", ",2026-02-30,");
        CHECK(mentions(
            f.rejectedCsv(badDate),
            "line 6: service 'demo-emergency-lima-1': last_verified: 2026-02-30 is not a day of the calendar"));
        const std::string oneRowDiffers = replaceFirst(f.csv, "105,,,es,in_destination", "105,,,es;en,in_destination");
        CHECK(mentions(f.rejectedCsv(oneRowDiffers),
                       "line 7: service 'demo-emergency-lima-1': column languages_spoken differs from line 6"));
        const std::string twiceEn = replaceFirst(f.csv, "2026-09-14,en,", "2026-09-14,es,");
        CHECK(mentions(f.rejectedCsv(twiceEn),
                       "line 3: service 'demo-health-tumbes-1': the texts in language \"es\" are given "
                       "twice (also on line 2)"));
        const std::string badName = replaceFirst(f.csv, ",en,General medical care and vaccines,", ",en,,");
        CHECK(mentions(f.rejectedCsv(badName), "line 3: service 'demo-health-tumbes-1': texts.en.name is required"));
    }

    TEST_CASE("catalog import: only .json and .csv files") {
        ImportFixture f;
        CHECK(mentions(f.rejected(f.json, "catalog.txt"), "must end in .json or .csv"));
        auto missing = loadCatalogFile(f.dir.path() / "missing.json");
        REQUIRE_FALSE(missing);
        CHECK(missing.error().code == ErrorCode::NotFound);
        const fs::path upper = f.dir.path() / "DEMO.CSV";
        fs::copy_file(kDemoCsv, upper);
        auto info = importCatalogFile(*f.store, upper);
        REQUIRE(info);
        CHECK(info->count == 3);
    }

}  // TEST_SUITE
