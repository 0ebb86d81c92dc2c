// RFC 4180 reader and writer used by the catalog importer and the 5W export.
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <string>
#include <vector>

#include "storage/base/csv.hpp"

using namespace chasqui::storage;

namespace {

std::vector<CsvRecord> parsed(std::string_view text) {
    auto records = parseCsv(text);
    REQUIRE_MESSAGE(records, (records ? "" : records.error().message));
    return *records;
}

using Fields = std::vector<std::string>;

}  // namespace

TEST_SUITE("csv") {
    TEST_CASE("csv: plain fields, empty fields, a trailing comma and no final line break") {
        const auto records = parsed("a,b,c\n1,,3\nx,y,");
        REQUIRE(records.size() == 3);
        CHECK(records[0].fields == Fields{"a", "b", "c"});
        CHECK(records[1].fields == Fields{"1", "", "3"});
        CHECK(records[2].fields == Fields{"x", "y", ""});
        CHECK(records[2].line == 3);
    }

    TEST_CASE("csv: quoted fields hold commas, doubled quotes and line breaks; lines count from the record start") {
        const auto records = parsed(
            "id,text\r\n1,\"a, b\"\r\n2,\"she said \"\"hola\"\"\"\r\n"
            "3,\"two\r\nlines\nthree\"\r\n4,end\r\n");
        REQUIRE(records.size() == 5);
        CHECK(records[1].fields == Fields{"1", "a, b"});
        CHECK(records[2].fields == Fields{"2", "she said \"hola\""});
        CHECK(records[3].fields == Fields{"3", "two\nlines\nthree"});  // CRLF inside a field becomes \n
        CHECK(records[3].line == 4);
        CHECK(records[4].line == 7);
        CHECK(records[4].fields == Fields{"4", "end"});
    }

    TEST_CASE("csv: empty lines are blank records, a final line break makes no extra record") {
        const auto records = parsed("a\n\n,,\nb\n");
        REQUIRE(records.size() == 4);
        CHECK(records[1].blank());
        CHECK(records[2].blank());
        CHECK_FALSE(records[3].blank());
        CHECK(records[3].line == 4);
        CHECK(parsed("").empty());
        CHECK(parsed("\"\"").at(0).fields == Fields{""});
    }

    TEST_CASE("csv: an unterminated quote names the line where the field starts") {
        const auto r = parseCsv("a,b\n1,2\n3,\"never\nclosed,4\n");
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ErrorCode::InvalidInput);
        CHECK(r.error().message.find("line 3: a quoted field starts here and is never closed") != std::string::npos);
    }

    TEST_CASE("csv: stray quotes are errors with their line") {
        const auto inside = parseCsv("a,b\n1,ab\"c\n");
        REQUIRE_FALSE(inside);
        CHECK(inside.error().message.find("line 2: a quote") != std::string::npos);
        const auto after = parseCsv("a,b\n\n1,\"ab\"c\n");
        REQUIRE_FALSE(after);
        CHECK(after.error().message.find("line 3: text after the closing quote") != std::string::npos);
    }

    TEST_CASE("csv: csvEscape quotes only what needs quoting") {
        CHECK(csvEscape("plain") == "plain");
        CHECK(csvEscape("") == "");
        CHECK(csvEscape("a,b") == "\"a,b\"");
        CHECK(csvEscape("say \"hi\"") == "\"say \"\"hi\"\"\"");
        CHECK(csvEscape("two\nlines") == "\"two\nlines\"");
        CHECK(csvEscape(" padded") == "\" padded\"");
        CHECK(csvEscape("Ñandú – 5W") == "Ñandú – 5W");
        const std::vector<std::string> row{"LIM", "a,b", ""};
        CHECK(csvRow(row) == "LIM,\"a,b\",\r\n");
    }

    TEST_CASE("csv: spreadsheetSafe turns formula starts into text and leaves the rest alone") {
        for (const char* formula : {"=1+1", "+51 987", "-5", "@cmd", "\tx", "\rx"})
            CHECK(spreadsheetSafe(formula) == std::string("'") + formula);
        for (const char* plain : {"", "LIM", "60+", "150101", "María", "'quoted", " =padded"})
            CHECK(spreadsheetSafe(plain) == plain);
    }

    TEST_CASE("csv: whatever csvRow writes, parseCsv reads back") {
        const bool ok = rc::check("round trip", [](const std::vector<std::vector<std::string>>& rows) {
            std::string text;
            std::vector<Fields> expected;
            for (auto row : rows) {
                if (row.empty()) row.emplace_back();
                // The reader turns CRLF inside a field into LF; compare without CR.
                for (auto& field : row) std::erase(field, '\r');
                text += csvRow(row);
                expected.push_back(row);
            }
            auto records = parseCsv(text);
            RC_ASSERT(records.has_value());
            RC_ASSERT(records->size() == expected.size());
            for (std::size_t i = 0; i < expected.size(); ++i) RC_ASSERT((*records)[i].fields == expected[i]);
        });
        CHECK(ok);
    }

}  // TEST_SUITE
