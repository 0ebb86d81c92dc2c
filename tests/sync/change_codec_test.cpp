// decodeChange on values a device may not send, and what it leaves of a
// change it refuses; changeText against the DOM's text; the push batch text
// written straight from the outbox.
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <rapidcheck.h>
#include <nlohmann/json.hpp>

#include "storage/demo/demo_population.hpp"
#include "storage/records/person_repository.hpp"
#include "sync/protocol/change_codec.hpp"
#include "tests/support/test_store.hpp"

namespace {

nlohmann::json personPut(const std::string& estimated) {
    return nlohmann::json::parse(
        R"({"id":"0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6b","entity":"person","record":"0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6c",)"
        R"("op":"put","fields":{"birth_date_estimated":)" +
        estimated +
        R"(},"hlc":"0193a1b2c3d4-0000","device":"0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a00",)"
        R"("author":"0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a01","office":"TUM"})");
}

// changeText(c) is encodeChange(c).dump(), and each span is its value's dump.
void checkChangeText(const chasqui::sync::ChangeRecord& c) {
    const chasqui::sync::ChangeText t = chasqui::sync::changeText(c);
    REQUIRE(t.text == chasqui::sync::encodeChange(c).dump());
    REQUIRE(t.values.size() == c.fields.size());
    std::size_t i = 0;
    for (const auto& [name, value] : c.fields.items()) {
        CAPTURE(name);
        CHECK(t.text.substr(t.values[i].first, t.values[i].second) == value.dump());
        ++i;
    }
}

}  // namespace

TEST_CASE("changeText writes encodeChange's dump byte for byte, and where each field's value sits") {
    using namespace chasqui;
    test::TestStore t;
    storage::demo::DemoOptions demo;
    demo.persons = 30;  // households, cases, needs (set fields with edits), referrals, assistance
    REQUIRE(storage::demo::generateDemoPopulation(*t.store, demo));
    std::int64_t lastSeq = 0;
    auto changes = sync::readOutbox(t->db(), 0, 1000, "TUM", lastSeq);
    REQUIRE(changes);
    REQUIRE(changes->size() > 100);
    for (const auto& c : *changes) checkChangeText(c);

    // Escapes, numbers nlohmann writes its own way, a base, sets and a delete.
    sync::ChangeRecord c = (*changes)[0];
    c.fields = {{"quote \"a\" back\\slash", "ñandú 😀 \n\t\r\b\f \x01\x1f\x7f \xe2\x80\xa8 </>"},
                {"float", 2.0},
                {"big", 1e19},
                {"small", 1.5e-7},
                {"negative zero", -0.0},
                {"negative", -7},
                {"unsigned", 18446744073709551615ULL},
                {"flag", true},
                {"nothing", nullptr},
                {"", ""}};
    c.base = {{"sex", "0000000000a1-0000@0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a00"}};
    c.sets = {{"languages", {{"add", {"es", "qu"}}, {"del", {{"ay", "0"}}}}}};
    checkChangeText(c);
    c.op = "delete";
    c.fields = nlohmann::json::object();
    c.sets = nlohmann::json::object();
    checkChangeText(c);

    CHECK(rc::check("any text and numbers, as any field", [] {
        static const std::vector<std::string> pieces = {"a",  "Z",    " ",    "\"",   "\\", "/",  "\n",           "\t",
                                                        "\r", "\x01", "\x1f", "\x7f", "ñ",  "😀", "\xe2\x80\xa8", "é",
                                                        "0"};
        const auto text = [] {
            std::string out;
            for (const auto& piece : *rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(pieces)))
                out += piece;
            return out;
        };
        sync::ChangeRecord r;
        r.id = text();
        r.entity = "person";
        r.record = text();
        r.op = "put";
        r.hlc = text();
        r.device = text();
        r.author = text();
        r.office = text();
        const int count = *rc::gen::inRange(0, 6);
        for (int i = 0; i < count; ++i) {
            switch (*rc::gen::inRange(0, 4)) {
                case 0:
                    r.fields[text()] = text();
                    break;
                case 1:
                    r.fields[text()] = *rc::gen::arbitrary<std::int64_t>();
                    break;
                case 2:
                    r.fields[text()] = *rc::gen::arbitrary<double>();
                    break;
                default:
                    r.fields[text()] = *rc::gen::arbitrary<bool>();
            }
        }
        if (*rc::gen::arbitrary<bool>()) r.base[text()] = text();
        const sync::ChangeText written = sync::changeText(r);
        RC_ASSERT(written.text == sync::encodeChange(r).dump());
        std::size_t i = 0;
        for (const auto& [name, value] : r.fields.items()) {
            RC_ASSERT(written.text.substr(written.values[i].first, written.values[i].second) == value.dump());
            ++i;
        }
    }));
}

TEST_CASE("a change decodeChange refuses is left as it came, even when given to keep") {
    // The server quarantines a refused change with the text it came as.
    const nlohmann::json good = [] {
        nlohmann::json j = personPut("1");
        j["fields"]["languages"] = "es qu";
        j["fields"]["sex"] = "female";
        j["base"] = {{"sex", "0193a1b2c3d0-0000@0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a00"}};
        j["sets"] = {{"languages", {{"add", {"es", "qu"}}, {"del", nlohmann::json::object()}}}};
        return j;
    }();
    {
        nlohmann::json copy = good;
        const auto decoded = chasqui::sync::decodeChange(std::move(copy));
        REQUIRE_MESSAGE(decoded.has_value(), (decoded ? "" : decoded.error().message));
    }
    // One flaw at a time, the last checks last: nothing may be taken first.
    const std::vector<std::function<void(nlohmann::json&)>> flaws = {
        [](nlohmann::json& j) { j["id"] = "not-a-uuid"; },
        [](nlohmann::json& j) { j["entity"] = "nope"; },
        [](nlohmann::json& j) { j["record"] = 5; },
        [](nlohmann::json& j) { j["op"] = "move"; },
        [](nlohmann::json& j) { j["hlc"] = "yesterday"; },
        [](nlohmann::json& j) { j["device"] = "0193A1B2-C3D4-7E5F-8A6B-1C2D3E4F5A00"; },
        [](nlohmann::json& j) { j["author"] = "someone"; },
        [](nlohmann::json& j) { j["office"] = "tum"; },
        [](nlohmann::json& j) { j["office"] = std::string(200, 'A'); },
        [](nlohmann::json& j) { j["office"] = "\xC3"; },
        [](nlohmann::json& j) { j.erase("office"); },
        [](nlohmann::json& j) { j["fields"]["no_such_field"] = 1; },
        [](nlohmann::json& j) { j["fields"]["sex"] = 7; },
        [](nlohmann::json& j) { j["base"]["sex"] = "not a clock"; },
        [](nlohmann::json& j) { j["sets"]["languages"] = 5; },
        [](nlohmann::json& j) {
            j["sets"]["needs"] = {{"add", {"food"}}};
        },
    };
    for (std::size_t i = 0; i < flaws.size(); ++i) {
        CAPTURE(i);
        nlohmann::json broken = good;
        flaws[i](broken);
        nlohmann::json given = broken;
        CHECK_FALSE(chasqui::sync::decodeChange(std::move(given)).has_value());
        CHECK(given == broken);
    }
}

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

TEST_CASE("a push batch written straight from the outbox is byte for byte the DOM encoding") {
    using namespace chasqui;
    test::TestStore t;
    storage::demo::DemoOptions demo;
    demo.persons = 40;  // with households, cases, needs (set fields), referrals
    REQUIRE(storage::demo::generateDemoPopulation(*t.store, demo));
    // Free text with characters JSON escapes, as a staff member could type it
    // (control characters are refused by the store before they get here).
    storage::Person odd = test::samplePerson();
    odd.genderIdentity = "\"quoted\" back\\slash / ñandú";
    REQUIRE(storage::PersonRepository(*t.store).add(odd));
    std::int64_t after = 0;
    int batches = 0;
    for (;;) {
        std::int64_t lastSeq = after;
        auto changes = sync::readOutbox(t->db(), after, 29, "TUM", lastSeq);
        REQUIRE(changes);
        auto batch = sync::readOutboxBatch(t->db(), after, 29, "TUM");
        REQUIRE(batch);
        CHECK(batch->changes == changes->size());
        if (changes->empty()) break;
        std::vector<nlohmann::json> encoded;
        for (const auto& c : *changes) encoded.push_back(sync::encodeChange(c));
        const nlohmann::json dom = {{"batch", changes->front().id}, {"columns", sync::encodeColumns(encoded)}};
        CHECK(batch->text == dom.dump());
        CHECK(batch->firstId == changes->front().id);
        CHECK(batch->lastSeq == lastSeq);
        after = lastSeq;
        ++batches;
    }
    CHECK(batches > 3);
}

TEST_CASE("a damaged change in the outbox makes the batch fail as Damaged, not a batch the server refuses") {
    using namespace chasqui;
    test::TestStore t;
    REQUIRE(storage::PersonRepository(*t.store).add(test::samplePerson()));
    SUBCASE("fields that are not JSON") {
        REQUIRE(t->db().exec(
            "UPDATE changes SET fields = '{\"given_names\": ' WHERE seq = (SELECT max(seq) FROM changes)"));
    }
    SUBCASE("a byte that is not UTF-8") {
        REQUIRE(
            t->db().exec("UPDATE changes SET fields = CAST(X'7B2261223A2280227D' AS TEXT) WHERE seq = (SELECT max(seq) "
                         "FROM changes)"));
    }
    auto batch = sync::readOutboxBatch(t->db(), 0, 1000, "TUM");
    REQUIRE_FALSE(batch);
    CHECK(batch.error().code == storage::ErrorCode::Damaged);
}

TEST_CASE("a batch ends where none of its records is touched in the changes that follow") {
    using chasqui::sync::cleanBatchEnd;
    using Names = std::vector<std::string>;
    SUBCASE("everything fits: no cut") {
        CHECK(cleanBatchEnd(Names{"a", "b", "a"}, 3) == 3);
        CHECK(cleanBatchEnd(Names{}, 5) == 0);
    }
    SUBCASE("no record touched twice: the limit") {
        CHECK(cleanBatchEnd(Names{"a", "b", "c", "d", "e", "f"}, 4) == 4);
    }
    SUBCASE("a record edited across the limit: the batch ends before its first change") {
        // "h" (a household made, then its head set) spans changes 5..8.
        CHECK(cleanBatchEnd(Names{"a", "b", "c", "d", "e", "h", "p", "q", "h", "z"}, 7) == 5);
    }
    SUBCASE("a record edited right at the limit: the same") {
        CHECK(cleanBatchEnd(Names{"a", "b", "c", "h", "h", "z"}, 4) == 3);
    }
    SUBCASE("spans that end before the limit do not matter") {
        CHECK(cleanBatchEnd(Names{"h", "a", "h", "b", "c", "d"}, 4) == 4);
    }
    SUBCASE("no clean end in the upper half: the limit, and the next batch waits for this one") {
        CHECK(cleanBatchEnd(Names{"a", "h", "b", "c", "d", "e", "f", "h"}, 6) == 6);
    }
}

TEST_CASE("batches read with a lookahead share no record with the batch before them") {
    using namespace chasqui;
    test::TestStore t;
    storage::demo::DemoOptions demo;
    demo.persons = 120;  // one registration in four is a family: household made, members, then its head set
    REQUIRE(storage::demo::generateDemoPopulation(*t.store, demo));
    const auto readAll = [&](std::size_t lookahead) {
        std::vector<sync::OutboxBatch> batches;
        std::int64_t after = 0;
        for (;;) {
            auto batch = sync::readOutboxBatch(t->db(), after, 40, "TUM", lookahead);
            REQUIRE(batch);
            if (batch->changes == 0) break;
            CHECK(batch->changes <= 40);
            after = batch->lastSeq;
            batches.push_back(std::move(*batch));
        }
        return batches;
    };
    const auto shared = [](const std::vector<sync::OutboxBatch>& batches) {
        int count = 0;
        for (std::size_t i = 1; i < batches.size(); ++i) {
            const auto& a = batches[i - 1].records;
            const auto& b = batches[i].records;
            for (const auto& r : b) count += std::binary_search(a.begin(), a.end(), r) ? 1 : 0;
        }
        return count;
    };
    const auto plain = readAll(0);
    const auto clean = readAll(16);
    // The fixed cut does split a family's changes (else this test proves nothing).
    REQUIRE(shared(plain) > 0);
    CHECK(shared(clean) == 0);
    // Every change still goes, once, in order.
    std::size_t plainChanges = 0;
    std::size_t cleanChanges = 0;
    for (const auto& b : plain) plainChanges += b.changes;
    for (const auto& b : clean) cleanChanges += b.changes;
    CHECK(cleanChanges == plainChanges);
    CHECK(clean.back().lastSeq == plain.back().lastSeq);
}
