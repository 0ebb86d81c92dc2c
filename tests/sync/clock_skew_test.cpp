// Kiosks with wrong clocks (sync/PROTOCOL.md section 3.1): what a clock running
// ahead stamped still reaches the server and the other kiosks, a corrected
// clock stops blocking sync, and a kiosk that has talked to the server dates
// its work by the server's time whatever its own clock says.
#include <doctest/doctest.h>

#include "storage/db/meta_table.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "sync/client/clock_ahead.hpp"
#include "tests/support/server_view.hpp"
#include "tests/support/test_database.hpp"
#include "tests/sync/skewed_kiosk.hpp"

using namespace chasqui;
using namespace chasqui::storage;
using chasqui::test::makeSkewedKiosk;

namespace {

constexpr std::int64_t kMinute = 60 * 1000;
constexpr std::int64_t kDay = 24 * 60 * kMinute;

struct ServerOffice {
    test::TempDir serverDir;
    ManualClock truth{test::kTestNowMs};
    std::unique_ptr<sync::ServerCore> server;
    sync::ServerCore* serverPtr = nullptr;

    ServerOffice() {
        auto s = sync::ServerCore::open(test::serverLocationFor(serverDir.path() / "server"), truth);
        REQUIRE(s.has_value());
        server = std::move(*s);
        serverPtr = server.get();
    }
};

std::string registerPerson(PersonalStore& store, const std::string& given) {
    Person p = test::samplePerson();
    p.givenNames = given;
    p.docType = "none";
    p.docNumber.clear();
    PersonRepository persons(store);
    CaseRepository cases(store);
    std::string id;
    auto r = store.writeVoid([&](RecordWriter& w) -> Result<void> {
        auto added = persons.add(w, p);
        if (!added) return std::unexpected(added.error());
        id = added->id;
        Case c;
        c.personId = added->id;
        c.officeId = store.session().officeId;
        c.openedDate = store.today();
        auto opened = cases.open(w, c);
        if (!opened) return std::unexpected(opened.error());
        return {};
    });
    REQUIRE(r.has_value());
    return id;
}

void editGivenNames(PersonalStore& store, const std::string& id, const std::string& given) {
    auto r = store.writeVoid([&](RecordWriter& w) -> Result<void> {
        auto changed = w.update("person", id, {{"given_names", given}});
        if (!changed) return std::unexpected(changed.error());
        return {};
    });
    REQUIRE(r.has_value());
}

std::string columnOf(PersonalStore& store, const std::string& sql, const std::string& id) {
    auto stmt = store.db().prepare(sql);
    REQUIRE(stmt.has_value());
    stmt->bind(1, id);
    auto row = stmt->step();
    REQUIRE(row.has_value());
    if (!*row) return "<missing>";
    std::string out = stmt->text(0);
    stmt->reset();
    return out;
}

std::string givenNamesOn(PersonalStore& store, const std::string& id) {
    return columnOf(store, "SELECT given_names FROM persons WHERE id = ?", id);
}

std::int64_t serverPersons(sync::ServerCore& server) {
    return test::serverRecords(server, "person");
}

}  // namespace

TEST_CASE("a kiosk two days ahead: its registrations reach the server and the other kiosks") {
    ServerOffice office;
    auto ahead = makeSkewedKiosk(office.serverPtr, office.truth, "TUM", 1, 2 * kDay);
    auto other = makeSkewedKiosk(office.serverPtr, office.truth, "TUM", 2, 0);
    // Registered before the kiosk ever heard the server's time: stamped two days ahead.
    const std::string rosa = registerPerson(*ahead->store, "Rosa");
    const std::string luis = registerPerson(*ahead->store, "Luis");
    editGivenNames(*ahead->store, rosa, "Rosa Elena");
    office.truth.advance(kMinute);

    auto first = sync::syncNow(*ahead->store, *ahead->channel);
    REQUIRE(first.has_value());
    // Refused for the clock, stamped again and sent in the same sync: nothing left behind.
    CHECK(first->restamped > 0);
    CHECK(first->quarantined == 0);
    auto pending = sync::pendingChanges(*ahead->store);
    REQUIRE(pending.has_value());
    CHECK(*pending == 0);
    CHECK(serverPersons(*office.server) == 2);
    // The kiosk now knows the true time and warns about its own clock.
    CHECK(ahead->clock.check().state == ClockCheck::State::Ahead);
    CHECK(ahead->clock.nowMs() == office.truth.nowMs());

    REQUIRE(sync::syncNow(*other->store, *other->channel).has_value());
    CHECK(givenNamesOn(*other->store, rosa) == "Rosa Elena");
    CHECK(givenNamesOn(*other->store, luis) == "Luis");

    // Its next writes carry true stamps and go straight through.
    editGivenNames(*ahead->store, luis, "Luis Alberto");
    auto second = sync::syncNow(*ahead->store, *ahead->channel);
    REQUIRE(second.has_value());
    CHECK(second->restamped == 0);
    CHECK(second->pushed == 1);
    REQUIRE(sync::syncNow(*other->store, *other->channel).has_value());
    CHECK(givenNamesOn(*other->store, luis) == "Luis Alberto");
}

TEST_CASE("a clock set right after running ahead no longer blocks sync, and edits keep their order") {
    ServerOffice office;
    auto k = makeSkewedKiosk(office.serverPtr, office.truth, "TUM", 1, 3 * kDay);
    auto other = makeSkewedKiosk(office.serverPtr, office.truth, "TUM", 2, 0);
    const std::string id = registerPerson(*k->store, "Carmen");
    editGivenNames(*k->store, id, "Carmen Rosa");
    // Someone sets the date right before any sync; the kiosk restarts.
    k->wall.setSkew(0);
    k->signIn();
    // A later edit of the same field: the hybrid clock must not keep it behind the old stamps.
    editGivenNames(*k->store, id, "Carmen Lucía");
    auto r = sync::syncNow(*k->store, *k->channel);
    REQUIRE(r.has_value());
    CHECK(r->quarantined == 0);
    auto pending = sync::pendingChanges(*k->store);
    REQUIRE(pending.has_value());
    CHECK(*pending == 0);
    REQUIRE(sync::syncNow(*other->store, *other->channel).has_value());
    // The last edit wins everywhere, and the kiosk that made it agrees.
    CHECK(givenNamesOn(*other->store, id) == "Carmen Lucía");
    CHECK(givenNamesOn(*k->store, id) == "Carmen Lucía");
    // No stamp of this kiosk is left in the future.
    auto last = k->store->db().prepare("SELECT max(hlc) FROM changes");
    REQUIRE(last.has_value());
    REQUIRE(*last->step());
    HlcStamp stamp;
    REQUIRE(HlcStamp::decode(last->text(0), stamp));
    CHECK(stamp.wallMs <= office.truth.nowMs() + kClockToleranceMs);
}

TEST_CASE("a kiosk years behind dates its work by the server's time once it has talked to the server") {
    ServerOffice office;
    auto k = makeSkewedKiosk(office.serverPtr, office.truth, "TUM", 1, -3 * 365 * kDay);
    REQUIRE(sync::syncNow(*k->store, *k->channel).has_value());  // the first contact
    CHECK(k->clock.check().state == ClockCheck::State::Behind);
    const std::string id = registerPerson(*k->store, "Yusmary");
    // The record's own times and the case's opening date are today's, not three years ago.
    const std::int64_t created = std::stoll(columnOf(*k->store, "SELECT created_at FROM persons WHERE id = ?", id));
    CHECK(std::llabs(created - office.truth.nowMs()) < kMinute);
    CHECK(columnOf(*k->store, "SELECT opened_date FROM cases WHERE person_id = ?", id) ==
          localDate(office.truth.nowMs()));
    // A clock set by hand later in the same boot changes nothing.
    k->wall.setSkew(40 * kDay);
    CHECK(std::llabs(k->clock.nowMs() - office.truth.nowMs()) < kMinute);
    // Its changes are accepted and reach the server.
    auto r = sync::syncNow(*k->store, *k->channel);
    REQUIRE(r.has_value());
    CHECK(r->quarantined == 0);
    CHECK(serverPersons(*office.server) == 1);
}

TEST_CASE("the trusted clock: boot clock within a boot, offset after a restart, never before the last sample") {
    test::TempDir dir;
    DataDir data(dir.path());
    ManualClock truth(test::kTestNowMs);
    test::SkewedClock wall(truth, 2 * kDay);
    test::FakeBootClock boot(truth);
    TrustedClock clock(data, wall, boot);
    CHECK(clock.check().state == ClockCheck::State::Unknown);
    CHECK(clock.nowMs() == wall.nowMs());  // nothing better known yet

    clock.observeServerTime(truth.nowMs());
    truth.advance(10 * kMinute);
    CHECK(clock.nowMs() == truth.nowMs());
    wall.setSkew(-5 * kDay);  // set by hand, wrongly, in the same boot
    CHECK(clock.nowMs() == truth.nowMs());
    CHECK(clock.check().state == ClockCheck::State::Behind);

    // After a restart the sample's offset (+2 days then) is applied to the wall clock...
    wall.setSkew(2 * kDay);
    boot.reboot();
    TrustedClock restarted(data, wall, boot);
    CHECK(restarted.nowMs() == truth.nowMs());
    CHECK(restarted.check().state == ClockCheck::State::Ahead);
    CHECK(restarted.check().offsetMs == 2 * kDay);
    // ...but a clock that fell back to long ago never dates work before the last contact.
    wall.setSkew(-20 * 365 * kDay);
    CHECK(restarted.nowMs() >= test::kTestNowMs);

    // A sample file that is not one is ignored, not trusted.
    REQUIRE(writeFileAtomically(clockSamplePath(data), R"({"server_ms": "soon", "local_ms": 1})").has_value());
    CHECK_FALSE(loadServerTime(data).has_value());
    REQUIRE(writeFileAtomically(clockSamplePath(data),
                                R"({"server_ms": 99999999999999999, "local_ms": 1, "boot_id": "", "boot_ms": 0})")
                .has_value());
    CHECK_FALSE(loadServerTime(data).has_value());
}

TEST_CASE("ids the server refused as clock_ahead are kept, and stamped again even within the kiosk's tolerance") {
    ServerOffice office;
    auto k = makeSkewedKiosk(office.serverPtr, office.truth, "TUM", 1, 0);
    REQUIRE(sync::syncNow(*k->store, *k->channel).has_value());
    const std::string id = registerPerson(*k->store, "Ana");
    auto ids = k->store->db().prepare("SELECT change_id FROM changes ORDER BY seq");
    REQUIRE(ids.has_value());
    std::vector<sync::PushItem> refused;
    while (*ids->step()) refused.push_back({ids->text(0), "quarantined", "clock_ahead", "ahead", 1});
    ids->reset();
    REQUIRE(!refused.empty());
    // Garbage from the answer is not kept.
    refused.push_back({"not-an-id\nrm -rf", "quarantined", "clock_ahead", "", 1});
    REQUIRE(sync::noteClockAhead(k->data, refused).has_value());
    auto restamped = sync::restampAheadChanges(*k->store);
    REQUIRE(restamped.has_value());
    CHECK(restamped->restamped == static_cast<int>(refused.size() - 1));
    // The old ids are gone, the new ones are queued.
    for (std::size_t i = 0; i + 1 < refused.size(); ++i)
        CHECK(columnOf(*k->store, "SELECT seq FROM changes WHERE change_id = ?", refused[i].id) == "<missing>");
    auto again = sync::restampAheadChanges(*k->store);
    REQUIRE(again.has_value());
    CHECK(again->restamped == 0);
    REQUIRE(sync::syncNow(*k->store, *k->channel).has_value());
    CHECK(serverPersons(*office.server) == 1);
    CHECK(givenNamesOn(*k->store, id) == "Ana");
}
