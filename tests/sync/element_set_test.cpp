// The element-by-element merge of set fields (storage/records/element_set.hpp,
// sync/PROTOCOL.md 3.2) as pure functions, and the codec's checks of "sets".
// Cases of the order property: RapidCheck's RC_PARAMS.
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <random>

#include "storage/records/element_set.hpp"
#include "storage/records/ids.hpp"
#include "sync/protocol/change_codec.hpp"

using namespace chasqui;
using namespace chasqui::storage;

namespace {

const std::string kDevA = "0197734e-9000-7000-8000-00000000000a";
const std::string kDevB = "0197734e-9000-7000-8000-00000000000b";

std::string clockAt(int ms, const std::string& device) {
    return HlcStamp{1765000000000 + ms, 0}.encode() + "@" + device;
}

nlohmann::json putWithSets(nlohmann::json sets) {
    return {{"id", "0197734e-9000-7000-8000-000000000001"},
            {"entity", "case"},
            {"record", "0197734e-9000-7000-8000-000000000002"},
            {"op", "put"},
            {"fields", {{"needs", "health,shelter"}}},
            {"hlc", HlcStamp{1765000000000, 1}.encode()},
            {"device", kDevA},
            {"author", "0197734e-9000-7000-8000-000000000003"},
            {"office", "TUM"},
            {"sets", std::move(sets)}};
}

}  // namespace

TEST_CASE("set values are stored sorted and without repeats") {
    CHECK(normalizeSet("shelter, health,shelter,,food_security") == "food_security,health,shelter");
    CHECK(normalizeSet("") == "");
}

TEST_CASE("two concurrent additions both stay; a removal covers only the additions its writer saw") {
    const std::string c0 = clockAt(0, kDevA);
    ElementSet a = seedElements("food_security", c0);
    ElementSet b = a;
    const SetEdit addShelter = diffElements(a, "food_security", "food_security,shelter");
    const SetEdit addHealth = diffElements(b, "food_security", "food_security,health");
    CHECK(addShelter.added == std::vector<std::string>{"shelter"});
    CHECK(addShelter.removed.empty());
    applyEdit(a, addShelter, clockAt(10, kDevA));
    applyEdit(b, addHealth, clockAt(11, kDevB));
    applyEdit(a, addHealth, clockAt(11, kDevB));
    applyEdit(b, addShelter, clockAt(10, kDevA));
    CHECK(presentValue(a) == "food_security,health,shelter");
    CHECK(presentValue(b) == presentValue(a));

    // a removes food_security, which it saw added at c0; b re-adds it later, unseen by a.
    const SetEdit removeFood = diffElements(a, "food_security,health,shelter", "health,shelter");
    REQUIRE(removeFood.removed.count("food_security") == 1);
    CHECK(removeFood.removed.at("food_security") == c0);
    SetEdit readdFood;
    readdFood.added = {"food_security"};
    applyEdit(a, removeFood, clockAt(20, kDevA));
    CHECK(presentValue(a) == "health,shelter");
    applyEdit(a, readdFood, clockAt(15, kDevB));  // older clock than the removal, but not seen by it
    CHECK(presentValue(a) == "food_security,health,shelter");
}

TEST_CASE("edits give the same set in any order and repeated") {
    const bool ok = rc::check("set merge is order-free", [] {
        const std::vector<std::string> codes{"a", "b", "c", "d"};
        // Each replica makes a few edits from its own view, then all edits are
        // applied everywhere in random orders, some twice.
        struct Stamped {
            SetEdit edit;
            std::string clock;
        };
        std::vector<Stamped> all;
        const int replicas = *rc::gen::inRange(2, 4);
        ElementSet origin = seedElements("a,b", clockAt(0, kDevA));
        for (int r = 0; r < replicas; ++r) {
            ElementSet mine = origin;
            const int edits = *rc::gen::inRange(1, 4);
            for (int e = 0; e < edits; ++e) {
                const std::string before = presentValue(mine);
                std::vector<std::string> after;
                for (const auto& code : codes)
                    if (*rc::gen::arbitrary<bool>()) after.push_back(code);
                std::string afterText;
                for (const auto& code : after) afterText += (afterText.empty() ? "" : ",") + code;
                const SetEdit edit = diffElements(mine, before, afterText);
                const std::string clock = clockAt(10 * e + r + 1, r % 2 == 0 ? kDevA : kDevB);
                applyEdit(mine, edit, clock);
                RC_ASSERT(presentValue(mine) == afterText);
                all.push_back({edit, clock});
            }
        }
        std::vector<std::string> results;
        for (int order = 0; order < 3; ++order) {
            auto shuffled = all;
            std::mt19937 rng(static_cast<unsigned>(*rc::gen::arbitrary<unsigned>()));
            std::shuffle(shuffled.begin(), shuffled.end(), rng);
            if (*rc::gen::arbitrary<bool>()) shuffled.push_back(shuffled.front());
            ElementSet state = origin;
            for (const auto& s : shuffled) applyEdit(state, s.edit, s.clock);
            results.push_back(presentValue(state));
        }
        RC_ASSERT(results[0] == results[1]);
        RC_ASSERT(results[1] == results[2]);
    });
    CHECK(ok);
}

TEST_CASE("the codec keeps a valid sets entry and refuses a malformed one") {
    const nlohmann::json good = {{"needs", {{"add", {"shelter"}}, {"del", {{"food_security", clockAt(0, kDevB)}}}}}};
    auto decoded = sync::decodeChange(putWithSets(good));
    REQUIRE(decoded.has_value());
    CHECK(decoded->sets == good);
    CHECK(sync::encodeChange(*decoded).at("sets") == good);

    const std::vector<nlohmann::json> bad{
        nlohmann::json::array(),                                                            // not an object
        {{"needs", {{"add", {"shelter"}}}}},                                                // no "del"
        {{"needs", {{"add", {1}}, {"del", nlohmann::json::object()}}}},                     // a code that is no string
        {{"needs", {{"add", {"a,b"}}, {"del", nlohmann::json::object()}}}},                 // a comma inside a code
        {{"needs", {{"add", {""}}, {"del", nlohmann::json::object()}}}},                    // an empty code
        {{"needs", {{"add", nlohmann::json::array()}, {"del", {{"wash", "yesterday"}}}}}},  // not a clock
        {{"priority", {{"add", {"high"}}, {"del", nlohmann::json::object()}}}},             // not a set field
        {{"vulnerabilities", {{"add", {"lgbtiq"}}, {"del", nlohmann::json::object()}}}},    // not set by the change
    };
    for (const auto& sets : bad) {
        CAPTURE(sets.dump());
        auto r = sync::decodeChange(putWithSets(sets));
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == sync::SyncErrorCode::BadRequest);
    }
}

TEST_CASE("a list of changes carries sets as an eleventh column only when some change has one") {
    nlohmann::json plain = putWithSets({});
    plain.erase("sets");
    const auto withSets = putWithSets({{"needs", {{"add", {"shelter"}}, {"del", nlohmann::json::object()}}}});
    CHECK_FALSE(sync::encodeColumns({plain, plain}).contains("sets"));
    const auto columns = sync::encodeColumns({plain, withSets});
    REQUIRE(columns.contains("sets"));
    auto split = sync::splitColumns(columns);
    REQUIRE(split.has_value());
    CHECK_FALSE((*split)[0].contains("sets"));
    CHECK((*split)[1].at("sets") == withSets.at("sets"));
    nlohmann::json shortSets = columns;
    shortSets["sets"].erase(0);
    CHECK_FALSE(sync::splitColumns(shortSets).has_value());
}
