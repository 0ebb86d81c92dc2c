// decodeChange on values a device may not send.
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "sync/protocol/change_codec.hpp"

namespace {

nlohmann::json personPut(const std::string& estimated) {
    return nlohmann::json::parse(
        R"({"id":"0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6b","entity":"person","record":"0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6c",)"
        R"("op":"put","fields":{"birth_date_estimated":)" +
        estimated +
        R"(},"hlc":"0193a1b2c3d4-0000","device":"0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a00",)"
        R"("author":"0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a01","office":"TUM"})");
}

}  // namespace

TEST_CASE("an integer out of range is refused, also above INT64_MAX where reading it as int64 wraps into range") {
    CHECK(chasqui::sync::decodeChange(personPut("1")).has_value());
    CHECK(chasqui::sync::decodeChange(personPut("-1000000000")).has_value());
    for (const char* value :
         {"1000000001", "-1000000001", "9223372036854775808", "18446744073709551615", "18446744072709551616"}) {
        const auto decoded = chasqui::sync::decodeChange(personPut(value));
        REQUIRE_MESSAGE(!decoded.has_value(), value);
        CHECK(decoded.error().code == chasqui::sync::SyncErrorCode::BadRequest);
    }
}
