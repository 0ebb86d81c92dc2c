// Drafts: one per staff member and kind, theirs alone, gone after a day
// (anyone's, so that a person half typed by someone who never comes back does
// not stay on the kiosk), and gone when their clock cannot be trusted.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "storage/records/draft_repository.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using namespace chasqui::storage;

namespace {

constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;

void putDraft(test::TestStore& ts, const std::string& staffId, std::int64_t savedAt) {
    auto stmt =
        ts->db().prepare("INSERT INTO drafts (staff_id, kind, body, saved_at) VALUES (?1, 'registration', ?2, ?3)");
    REQUIRE(stmt.has_value());
    REQUIRE(stmt->bindAll(staffId, std::string("{\"given_names\":\"Rosa\"}"), savedAt).run().has_value());
}

std::int64_t draftsOf(test::TestStore& ts, const std::string& staffId) {
    auto stmt = ts->db().prepare("SELECT count(*) FROM drafts WHERE staff_id = ?1");
    REQUIRE(stmt.has_value());
    stmt->bind(1, staffId);
    REQUIRE(*stmt->step());
    return stmt->integer(0);
}

}  // namespace

TEST_CASE("drafts: theirs alone, and every stale one goes when one is looked for") {
    test::TestStore ts;
    DraftRepository drafts(*ts);
    REQUIRE(drafts.save("registration", "{\"given_names\":\"Ana\"}").has_value());
    const std::int64_t now = ts.clock.nowMs();
    putDraft(ts, "someone-gone", now - 2 * kDayMs);  // a staff member who never came back
    putDraft(ts, "someone-else", now - kDayMs / 2);  // another's, still fresh
    putDraft(ts, "clock-was-ahead", now + kDayMs);   // saved "tomorrow": its age cannot be told

    auto mine = drafts.find("registration", kDayMs);
    REQUIRE(mine.has_value());
    REQUIRE(mine->has_value());
    CHECK((*mine)->body == "{\"given_names\":\"Ana\"}");  // not another's
    CHECK(draftsOf(ts, "someone-gone") == 0);
    CHECK(draftsOf(ts, "clock-was-ahead") == 0);
    CHECK(draftsOf(ts, "someone-else") == 1);

    ts.clock.advance(kDayMs + 1);
    auto later = drafts.find("registration", kDayMs);
    REQUIRE(later.has_value());
    CHECK_FALSE(later->has_value());
    CHECK(draftsOf(ts, ts->session().staffId) == 0);
    CHECK(draftsOf(ts, "someone-else") == 0);
}
