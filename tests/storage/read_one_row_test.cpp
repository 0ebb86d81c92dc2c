// Db::readOne, Db::hasRow and Stmt::readOne: the read-one-row steps (prepare,
// bind, step, check for a row, read it, reset) in one call.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <utility>

#include "storage/base/sqlite_db.hpp"

using namespace chasqui::storage;

namespace {

Db sampleDb() {
    auto db = Db::open(":memory:", OpenOptions{});
    REQUIRE(db.has_value());
    REQUIRE(
        db->exec("CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, x REAL);"
                 "INSERT INTO t VALUES ('a', 1, 0.5), ('b', 2, 1.5);"));
    return std::move(*db);
}

}  // namespace

TEST_CASE("readOne returns the first row as read, or nothing when there is none") {
    Db db = sampleDb();
    const std::string sql = "SELECT n, x FROM t WHERE id = ?";
    const auto read = [](const Stmt& s) { return std::make_pair(s.integer(0), s.real(1)); };

    auto b = db.readOne(sql, read, std::string("b"));
    REQUIRE(b.has_value());
    REQUIRE(b->has_value());
    CHECK((*b)->first == 2);
    CHECK((*b)->second == doctest::Approx(1.5));

    auto none = db.readOne(sql, read, "zzz");
    REQUIRE(none.has_value());
    CHECK_FALSE(none->has_value());

    // The cached statement was reset: the same SQL again reads afresh.
    auto a = db.readOne(sql, read, std::string_view("a"));
    REQUIRE(a.has_value());
    REQUIRE(a->has_value());
    CHECK((*a)->first == 1);

    auto two = db.readOne(
        "SELECT id FROM t WHERE n = ?1 AND x > ?2", [](const Stmt& s) { return s.text(0); }, std::int64_t{2}, 1.0);
    REQUIRE(two.has_value());
    CHECK(two->value_or("") == "b");
}

TEST_CASE("hasRow says whether a query yields a row; a bad query is an error, not 'no row'") {
    Db db = sampleDb();
    auto yes = db.hasRow("SELECT 1 FROM t WHERE id = ?", "a");
    REQUIRE(yes.has_value());
    CHECK(*yes);
    auto no = db.hasRow("SELECT 1 FROM t WHERE id = ?", "nobody");
    REQUIRE(no.has_value());
    CHECK_FALSE(*no);

    auto bad = db.readOne("SELECT nothing FROM nowhere", [](const Stmt& s) { return s.text(0); });
    REQUIRE_FALSE(bad.has_value());
    CHECK_FALSE(bad.error().message.empty());
    CHECK_FALSE(db.hasRow("SELECT 1 FROM nowhere").has_value());
}

TEST_CASE("Stmt::readOne on a statement bound again and again, as a loop over keys does") {
    Db db = sampleDb();
    auto stmt = db.prepare("SELECT n FROM t WHERE id = ?");
    REQUIRE(stmt.has_value());
    std::int64_t sum = 0;
    int missing = 0;
    for (const char* id : {"a", "nobody", "b", "a"}) {
        auto n = stmt->bindAll(id).readOne([](const Stmt& s) { return s.integer(0); });
        REQUIRE(n.has_value());
        if (n->has_value())
            sum += **n;
        else
            ++missing;
    }
    CHECK(sum == 4);
    CHECK(missing == 1);
    // Nothing left open: the table can be written right after.
    CHECK(db.exec("DELETE FROM t").has_value());
}
