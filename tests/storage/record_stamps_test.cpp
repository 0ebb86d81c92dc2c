// Clock stamps, ids and case codes only ever move forward, even when the wall
// clock goes back or the store is closed and reopened.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "storage/records/ids.hpp"
#include "storage/records/person_repository.hpp"
#include "storage/records/record_writer.hpp"
#include "tests/storage/change_log_support.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui::storage;
using namespace chasqui::test;

namespace {

constexpr std::int64_t kHourMs = 3600000;

std::vector<std::string> allHlcs(PersonalStore& store) {
    std::vector<std::string> out;
    for (const auto& c : changesAfter(store, 0)) out.push_back(c.hlc);
    return out;
}

void checkStrictlyIncreasing(const std::vector<std::string>& stamps) {
    for (std::size_t i = 1; i < stamps.size(); ++i) {
        CAPTURE(i);
        CHECK(stamps[i - 1] < stamps[i]);
        HlcStamp a;
        HlcStamp b;
        REQUIRE(HlcStamp::decode(stamps[i - 1], a));
        REQUIRE(HlcStamp::decode(stamps[i], b));
        CHECK(a < b);
    }
}

}  // namespace

TEST_CASE("HLC stamps strictly increase even when the wall clock goes backwards") {
    TestStore ts;
    PersonRepository repo(*ts);
    const std::vector<std::int64_t> moves = {0, -kHourMs,    -2 * kHourMs, -2 * kHourMs, -kHourMs / 2,
                                             1, 5 * kHourMs, -3 * kHourMs};
    for (const std::int64_t offset : moves) {
        ts.clock.set(kTestNowMs + offset);
        auto added = repo.add(samplePerson());
        REQUIRE(added.has_value());
    }
    const auto stamps = allHlcs(*ts);
    REQUIRE(stamps.size() >= moves.size());
    for (const auto& s : stamps) CHECK(looksLikeHlc(s));
    checkStrictlyIncreasing(stamps);

    SUBCASE("the stamp never goes below the latest wall time seen") {
        // Last move was back to T - 3h while T + 5h had been seen.
        HlcStamp last;
        REQUIRE(HlcStamp::decode(stamps.back(), last));
        CHECK(last.wallMs == kTestNowMs + 5 * kHourMs);
        CHECK(last.counter >= 1);
    }
}

TEST_CASE("UUIDv7 ids are well formed and strictly increasing") {
    ManualClock clock(kTestNowMs);
    UuidV7Generator ids(clock);
    const std::string millis = fmt::format("{:012x}", kTestNowMs);

    // More ids in one millisecond than the 12-bit counter holds.
    std::vector<std::string> made;
    for (int i = 0; i < 5000; ++i) made.push_back(ids.next());
    clock.set(kTestNowMs - kHourMs);  // the clock goes back
    for (int i = 0; i < 100; ++i) made.push_back(ids.next());
    clock.set(kTestNowMs + kHourMs);
    for (int i = 0; i < 100; ++i) made.push_back(ids.next());

    std::size_t bad = 0;
    std::size_t unordered = 0;
    for (std::size_t i = 0; i < made.size(); ++i) {
        const std::string& id = made[i];
        const bool ok =
            isUuid(id) && id[14] == '7' && (id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
        if (!ok) {
            ++bad;
            CAPTURE(id);
            FAIL_CHECK("not a UUIDv7");
        }
        if (i > 0 && !(made[i - 1] < id)) {
            ++unordered;
            CAPTURE(i);
            CAPTURE(id);
            FAIL_CHECK("ids out of order");
        }
    }
    CHECK(bad == 0);
    CHECK(unordered == 0);
    // The first id carries the clock's milliseconds; the last, the later clock.
    CHECK((made.front().substr(0, 8) + made.front().substr(9, 4)) == millis);
    CHECK((made.back().substr(0, 8) + made.back().substr(9, 4)) == fmt::format("{:012x}", kTestNowMs + kHourMs));

    SUBCASE("isUuid rejects what is not a lower-case canonical UUID") {
        CHECK(isUuid(made.front()));
        std::string upper = made.front();
        std::transform(upper.begin(), upper.end(), upper.begin(), [](char c) { return c == 'a' ? 'A' : c; });
        upper[0] = 'A';
        CHECK_FALSE(isUuid(upper));
        CHECK_FALSE(isUuid(made.front().substr(1)));
        CHECK_FALSE(isUuid(made.front() + "0"));
        std::string noDash = made.front();
        noDash[8] = '0';
        CHECK_FALSE(isUuid(noDash));
        CHECK_FALSE(isUuid(""));
    }
    SUBCASE("records get UUIDv7 ids") {
        TestStore ts;
        PersonRepository repo(*ts);
        auto a = repo.add(samplePerson());
        auto b = repo.add(samplePerson());
        REQUIRE(a.has_value());
        REQUIRE(b.has_value());
        CHECK(isUuid(a->id));
        CHECK(a->id[14] == '7');
        CHECK(a->id < b->id);
    }
}

TEST_CASE("case codes count up per device and are never reused after reopening") {
    TestStore ts;
    std::vector<std::string> codes;
    {
        PersonRepository repo(*ts);
        for (int i = 0; i < 3; ++i) {
            auto added = repo.add(samplePerson());
            REQUIRE(added.has_value());
            codes.push_back(added->caseCode);
        }
    }
    CHECK(codes == std::vector<std::string>{"TUM-01-00001", "TUM-01-00002", "TUM-01-00003"});

    ts.reopen();
    {
        PersonRepository repo(*ts);
        auto added = repo.add(samplePerson());
        REQUIRE(added.has_value());
        CHECK(added->caseCode == "TUM-01-00004");
        // A deleted person's code is not handed out again either.
        REQUIRE(repo.remove(added->id).has_value());
    }
    ts.reopen();
    {
        PersonRepository repo(*ts);
        auto added = repo.add(samplePerson());
        REQUIRE(added.has_value());
        CHECK(added->caseCode == "TUM-01-00005");
    }
    auto distinct = ts->db().scalarInt("SELECT count(DISTINCT case_code) FROM persons");
    REQUIRE(distinct.has_value());
    CHECK(*distinct == 5);
}

TEST_CASE("after reopening, a new HLC stamp is greater than every stored one") {
    TestStore ts;
    {
        PersonRepository repo(*ts);
        for (int i = 0; i < 3; ++i) REQUIRE(repo.add(samplePerson()).has_value());
    }
    const auto before = allHlcs(*ts);
    REQUIRE_FALSE(before.empty());
    const std::string maxBefore = *std::max_element(before.begin(), before.end());

    SUBCASE("with the clock unchanged") {
        ts.reopen();
    }
    SUBCASE("with the clock set back a day (a kiosk whose clock was reset)") {
        ts.clock.set(kTestNowMs - 24 * kHourMs);
        ts.reopen();
    }

    const std::int64_t changesBefore = lastSeq(*ts, "changes");
    PersonRepository repo(*ts);
    REQUIRE(repo.add(samplePerson()).has_value());
    const auto fresh = changesAfter(*ts, changesBefore);
    REQUIRE(fresh.size() == 1);
    CHECK(fresh[0].hlc > maxBefore);
    checkStrictlyIncreasing(allHlcs(*ts));
}

// Found by the convergence property: a kiosk restarted with its wall clock
// behind keeps its trusted time at the last server contact; a field pulled at
// that contact can carry the same milliseconds and a higher counter than the
// restarted HLC, whose memory is only this device's own changes. An edit on
// top of it must still be stamped above it, or every replica reads the edit
// as older than the value it replaced.
TEST_CASE("an edit is stamped above every clock of the record it changes, whatever the HLC remembers") {
    TestStore ts;
    auto added = PersonRepository(*ts).add(samplePerson());
    REQUIRE(added.has_value());
    const std::string other = "01977dc2-ae00-7000-8000-000000000001";
    const std::string pulled = makeClock(HlcStamp{kTestNowMs + 5, 7}.encode(), other);
    const std::string pulledLanguage = makeClock(HlcStamp{kTestNowMs + 5, 9}.encode(), other);  // the highest
    REQUIRE(ts->writeVoid([&](RecordWriter& w) -> Result<void> {
                  auto clocks = RecordClocks::load(ts->db(), "person", added->id);
                  if (!clocks) return std::unexpected(clocks.error());
                  RecordClocks state = **clocks;
                  state.set("family_name_1", pulled, "");
                  state.setElements("languages", ElementSet{{"qu", ElementClocks{pulledLanguage, ""}}});
                  return w.applyRemote(RemoteWrite{"person",
                                                   added->id,
                                                   true,
                                                   {{"family_name_1", std::string("Quispe")}},
                                                   "someone",
                                                   other,
                                                   kTestNowMs + 5,
                                                   state});
              }).has_value());
    // Restarted, its trusted time frozen at the contact: the same milliseconds.
    ts.clock.set(kTestNowMs + 5);
    ts.reopen();
    const std::int64_t changesBefore = lastSeq(*ts, "changes");
    REQUIRE(ts->writeVoid([&](RecordWriter& w) -> Result<void> {
                  auto changed = w.update("person", added->id, {{"family_name_1", std::string("Mamani")}});
                  if (!changed) return std::unexpected(changed.error());
                  return {};
              }).has_value());
    const auto fresh = changesAfter(*ts, changesBefore);
    REQUIRE(fresh.size() == 1);
    CHECK(makeClock(fresh[0].hlc, ts->session().deviceId) > pulledLanguage);
    auto clocks = RecordClocks::load(ts->db(), "person", added->id);
    REQUIRE(clocks.has_value());
    REQUIRE(clocks->has_value());
    CHECK((*clocks)->field("family_name_1").base == pulled);
    CHECK((*clocks)->field("family_name_1").clock > pulled);
    CHECK((*clocks)->highestHlc() == fresh[0].hlc);
}
