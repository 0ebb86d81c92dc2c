// parseLimitedJson: the request JSON is counted and paid for while its DOM is
// built, in one pass; what it refuses, and what it takes from the budget.
#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "sync/server/http/request_limits.hpp"

using namespace chasqui::sync;

namespace {

constexpr EndpointLimits kLimits{1 << 20, 1 << 20, 50'000, 20'000, 8};

std::string arrayOf(int values) {
    std::string text = R"({"columns":[)";
    for (int i = 0; i < values; ++i) text += fmt::format("{}\"v{}\"", i == 0 ? "" : ",", i);
    return text + "]}";
}

}  // namespace

TEST_CASE("parseLimitedJson builds the same DOM as nlohmann and pays exactly its estimated cost") {
    MemoryBudget budget(64u << 20);
    const std::string text = arrayOf(10'000);
    Reservation cost(budget);
    auto parsed = parseLimitedJson(text, kLimits, "the batch", cost, 2);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == nlohmann::json::parse(text));
    // 10 002 values (the object, its array, the strings), and the text of "columns" and the strings.
    std::size_t strings = 7;  // "columns"
    for (int i = 0; i < 10'000; ++i) strings += fmt::format("v{}", i).size();
    CHECK(cost.bytes() == domBytes(JsonShape{10'002, strings, 0}) * 2);
    CHECK(budget.used() == cost.bytes());
}

TEST_CASE("parseLimitedJson stops at the budget with Busy, having taken no more than it could pay") {
    const std::string text = arrayOf(10'000);
    MemoryBudget budget(600'000);  // more than one step of 4 096 values, less than the whole DOM
    Reservation cost(budget);
    auto parsed = parseLimitedJson(text, kLimits, "the batch", cost);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().code == SyncErrorCode::Busy);
    CHECK(budget.used() <= budget.total());
    CHECK(cost.bytes() > 0);  // paid as it went, not all at the end
}

TEST_CASE("parseLimitedJson refuses too many values, too deep nesting and broken JSON with their own errors") {
    MemoryBudget budget(64u << 20);
    {
        Reservation cost(budget);
        auto tooMany = parseLimitedJson(arrayOf(30'000), kLimits, "the batch", cost);
        REQUIRE_FALSE(tooMany.has_value());
        CHECK(tooMany.error().code == SyncErrorCode::TooLarge);
        CHECK(tooMany.error().message.find("more than 20000 JSON values") != std::string::npos);
    }
    {
        Reservation cost(budget);
        auto deep = parseLimitedJson(std::string(100'000, '[') + std::string(100'000, ']'), kLimits, "the batch", cost);
        REQUIRE_FALSE(deep.has_value());
        CHECK(deep.error().code == SyncErrorCode::BadRequest);
        CHECK(deep.error().message.find("deeper than 8 levels") != std::string::npos);
    }
    for (const std::string broken : {R"({"a":)", R"({"a" 1})", "", "[1,]", R"({"a":1}x)"}) {
        CAPTURE(broken);
        Reservation cost(budget);
        auto parsed = parseLimitedJson(broken, kLimits, "the batch", cost);
        REQUIRE_FALSE(parsed.has_value());
        CHECK(parsed.error().code == SyncErrorCode::BadRequest);
        CHECK(parsed.error().message.find("not valid JSON") != std::string::npos);
    }
    CHECK(budget.used() == 0);  // every reservation given back
}
