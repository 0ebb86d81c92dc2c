// decodeChange on values a device may not send; the push batch text written
// straight from the outbox.
#include <algorithm>
#include <string>
#include <vector>

#include <doctest/doctest.h>
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
