// The streaming CSV reader used by the person import: the same grammar as
// parseCsv, one record at a time, with ';' as well as ',' and with caps.
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <sstream>
#include <string>
#include <vector>

#include "storage/base/csv.hpp"

using namespace chasqui::storage;

namespace {

Result<std::vector<CsvRecord>> readAll(const std::string& text, char separator, CsvLimits limits = {}) {
    std::istringstream in(text);
    CsvReader reader(in, separator, limits);
    std::vector<CsvRecord> out;
    for (;;) {
        auto record = reader.next();
        if (!record) return std::unexpected(record.error());
        if (!*record) return out;
        out.push_back(std::move(**record));
    }
}

using Fields = std::vector<std::string>;

}  // namespace

TEST_SUITE("csv") {
    TEST_CASE("csv reader: semicolons, quoted separators, quotes and line breaks, CRLF; lines from the record start") {
        auto records = readAll("a;b;c\r\n\"x;y\";\"say \"\"hi\"\"\";\"two\r\nlines\"\r\nlast;;\n", ';');
        REQUIRE(records);
        REQUIRE(records->size() == 3);
        CHECK((*records)[0].fields == Fields{"a", "b", "c"});
        CHECK((*records)[1].fields == Fields{"x;y", "say \"hi\"", "two\nlines"});
        CHECK((*records)[1].line == 2);
        CHECK((*records)[2].fields == Fields{"last", "", ""});
        CHECK((*records)[2].line == 4);
        // With ',' the semicolons are plain text.
        auto commas = readAll("a;b,c\n", ',');
        REQUIRE(commas);
        CHECK(commas->front().fields == Fields{"a;b", "c"});
    }

    TEST_CASE("csv reader: a file cut inside a quoted field fails with the line where the field starts") {
        auto records = readAll("a,b\n1,\"unclosedvalue\nmore", ',');
        REQUIRE_FALSE(records);
        CHECK(records.error().code == ErrorCode::InvalidInput);
        CHECK(records.error().message.find("line 2") != std::string::npos);
        CHECK(records.error().message.find("unclosedvalue") == std::string::npos);
    }

    TEST_CASE("csv reader: a field, a row or a column count over the caps fails with its line, not its text") {
        CsvLimits limits;
        limits.maxFieldBytes = 8;
        limits.maxRecordBytes = 20;
        limits.maxFields = 3;
        auto field = readAll("ok\nsecretvalue1\n", ',', limits);
        REQUIRE_FALSE(field);
        CHECK(field.error().message.find("line 2") != std::string::npos);
        CHECK(field.error().message.find("secret") == std::string::npos);
        auto row = readAll("a,b\n\"1234567\",\"1234567\",\"1\"\n", ',', limits);
        REQUIRE_FALSE(row);
        CHECK(row.error().message.find("line 2") != std::string::npos);
        auto columns = readAll("a,b,c,d\n", ',', limits);
        REQUIRE_FALSE(columns);
        CHECK(columns.error().message.find("columns") != std::string::npos);
        // A quoted field is capped too: a lone quote cannot swallow the file.
        auto quoted = readAll("\"" + std::string(100, 'x'), ',', limits);
        REQUIRE_FALSE(quoted);
    }

    TEST_CASE("csv reader: detectSeparator counts outside quotes") {
        CHECK(detectSeparator("a,b,c") == ',');
        CHECK(detectSeparator("a;b;c") == ';');
        CHECK(detectSeparator("\"a,b,c\";d;e") == ';');
        CHECK(detectSeparator("single") == ',');
    }

    TEST_CASE("csv reader: reads exactly what parseCsv reads, and fails where it fails") {
        const bool ok = rc::check("same as parseCsv", [] {
            const auto chars =
                *rc::gen::container<std::vector<char>>(rc::gen::element('a', 'b', ',', '"', '\n', '\r', ' ', ';'));
            const std::string text(chars.begin(), chars.end());
            auto whole = parseCsv(text);
            CsvLimits unlimited{1 << 20, 1 << 20, 1 << 20};
            auto streamed = readAll(text, ',', unlimited);
            RC_ASSERT(whole.has_value() == streamed.has_value());
            if (!whole) return;
            RC_ASSERT(whole->size() == streamed->size());
            for (std::size_t i = 0; i < whole->size(); ++i) {
                RC_ASSERT((*whole)[i].fields == (*streamed)[i].fields);
                RC_ASSERT((*whole)[i].line == (*streamed)[i].line);
            }
        });
        CHECK(ok);
    }
}  // TEST_SUITE
