// What the server logs for a pushed change is its canonical text
// (encodeChange), whatever shape it arrived in: a change split from a batch's
// columns is logged as it came, one with keys the protocol does not know or
// with empty `base`/`sets` is encoded again. Pullers get one form, and a
// change sent again in another shape is still a duplicate.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "sync/protocol/change_codec.hpp"
#include "tests/server/server_harness.hpp"
#include "tests/sync/in_process_channel.hpp"

namespace chasqui::test {

namespace {

std::string loggedPayload(sync::ServerCore& server, const std::string& changeId) {
    auto tx = server.repository().beginPush();
    REQUIRE(tx.has_value());
    auto logged = (*tx)->loggedPayloads({changeId});
    REQUIRE(logged.has_value());
    REQUIRE(logged->contains(changeId));
    return logged->at(changeId);
}

// A person put stamped at the test server's clock (personPut stamps with the real one).
sync::ChangeRecord person(const Device& d, const std::string& name) {
    sync::ChangeRecord c = personPut(d, name);
    c.hlc = storage::HlcStamp{kTestNowMs, 0}.encode();
    return c;
}

}  // namespace

TEST_CASE("a pushed change is logged in its canonical form, whatever shape it came in") {
    EnrolledKiosk office;
    Device d;
    d.id = office.device.id;
    d.office = office.device.office;

    SUBCASE("split from columns: logged as it came") {
        const sync::ChangeRecord c = person(d, "Rosa");
        const nlohmann::json columns = sync::encodeColumns({sync::encodeChange(c)});
        auto split = sync::splitColumns(columns);
        REQUIRE(split.has_value());
        auto pushed = office.server->push(office.device, *split);
        REQUIRE(pushed.has_value());
        CHECK(pushed->applied == 1);
        CHECK(loggedPayload(*office.server, c.id) == sync::encodeChange(c).dump());
    }

    SUBCASE("with a key the protocol does not know, or empty base and sets: encoded again") {
        const sync::ChangeRecord c = person(d, "Rosa");
        nlohmann::json shaped = sync::encodeChange(c);
        shaped["extra"] = "not part of the protocol";
        shaped["base"] = nlohmann::json::object();
        shaped["sets"] = nlohmann::json::object();
        auto pushed = office.server->push(office.device, {shaped});
        REQUIRE(pushed.has_value());
        CHECK(pushed->applied == 1);
        const std::string logged = loggedPayload(*office.server, c.id);
        CHECK(logged == sync::encodeChange(c).dump());
        CHECK(logged.find("extra") == std::string::npos);

        // The canonical form sent again is the same change: a duplicate.
        auto again = office.server->push(office.device, {sync::encodeChange(c)});
        REQUIRE(again.has_value());
        CHECK(again->duplicates == 1);
        CHECK(again->quarantined.empty());

        // Another change under the same id is refused, and quarantined as it came.
        nlohmann::json other = sync::encodeChange(person(d, "Luis"));
        other["id"] = c.id;
        other["extra"] = 7;
        auto reused = office.server->push(office.device, {other});
        REQUIRE(reused.has_value());
        REQUIRE(reused->quarantined.size() == 1);
        CHECK(reused->quarantined[0].code == sync::SyncErrorCode::IdReused);
    }
}

}  // namespace chasqui::test
