// binaryArray: arrays sent to PostgreSQL in binary format arrive element for
// element, with the characters a text literal would have to escape, NULLs,
// and bytes (NUL and non-UTF-8 included) for bytea.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/server/postgres/pg_test_database.hpp"

using namespace chasqui::test::pgtest;
using chasqui::sync::pg::PgConnection;

namespace {

std::unique_ptr<PgConnection> connectWith(const TempDatabase& db, const std::string& table) {
    auto conn = PgConnection::connect(db.url);
    REQUIRE(conn.has_value());
    REQUIRE((*conn)->execScript("CREATE TABLE " + table, "creating a table"));
    return std::move(*conn);
}

}  // namespace

TEST_CASE("text and bytea arrays sent in binary arrive element for element") {
    SKIP_WITHOUT_POSTGRES();
    TempDatabase db;
    auto conn = connectWith(db, "t (n bigint, x text, b bytea)");
    const std::vector<std::optional<std::string>> texts{"plain",       "",     "a,b",     "{\"quoted\"}",
                                                        "back\\slash", "NULL", "ñandú ✓", std::nullopt};
    const std::vector<std::string> bytes{std::string("\0\xff\x01", 3), "", "x", "{}", "\\", ",", "\x80\x81", "z"};
    std::vector<PgConnection::Statement> statements;
    statements.push_back(
        {"INSERT INTO t SELECT n, x, b FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS "
         "u(x, b, n)",
         {chasqui::sync::pg::binaryArray(texts), chasqui::sync::pg::binaryArray(bytes, chasqui::sync::pg::kByteaOid)},
         "inserting",
         /*binary=*/true});
    // An empty array is one too.
    statements.push_back({"INSERT INTO t (n, x) SELECT 100, cardinality($1::text[])::text",
                          {chasqui::sync::pg::binaryArray(std::vector<std::string>{})},
                          "inserting",
                          /*binary=*/true});
    REQUIRE(conn->pipeline(std::move(statements)));

    auto rows = conn->exec("SELECT n, x, b FROM t ORDER BY n", {}, "reading");
    REQUIRE(rows.has_value());
    REQUIRE(rows->rows() == static_cast<int>(texts.size()) + 1);
    for (int i = 0; i < static_cast<int>(texts.size()); ++i) {
        const auto& expected = texts[static_cast<std::size_t>(i)];
        CHECK(rows->integer(i, 0) == i + 1);
        CHECK(rows->isNull(i, 1) == !expected.has_value());
        if (expected) CHECK(std::string(rows->text(i, 1)) == *expected);
        CHECK(rows->bytes(i, 2) == bytes[static_cast<std::size_t>(i)]);
    }
    CHECK(rows->text(static_cast<int>(texts.size()), 1) == "0");
}

TEST_CASE("a binary array whose element type is not the query's is refused, not misread") {
    SKIP_WITHOUT_POSTGRES();
    TempDatabase db;
    auto conn = connectWith(db, "t (x text)");
    std::vector<PgConnection::Statement> statements;
    statements.push_back({"INSERT INTO t SELECT unnest($1::text[])",
                          {chasqui::sync::pg::binaryArray(std::vector<std::string>{"a"}, chasqui::sync::pg::kByteaOid)},
                          "inserting",
                          /*binary=*/true});
    const auto result = conn->pipeline(std::move(statements));
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message.find("inserting") != std::string::npos);
}
