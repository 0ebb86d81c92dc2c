// End to end through the REAL chasqui-server process: two and three kiosks
// enrolled and synced by the real `chasqui` CLI (office-checked enrollment
// codes, revocation wiping a kiosk), and a concurrent edit of one field through
// the kiosk library over libcurl. Nothing may be lost, duplicated or silently
// overwritten. The link faults are in sync_cuts_test and sync_stall_test.
#include <doctest/doctest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "storage/records/person_repository.hpp"
#include "storage/records/record_writer.hpp"
#include "tests/server/sync_e2e_fixture.hpp"

using namespace chasqui;
using namespace chasqui::test;
using namespace chasqui::test::e2e;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

void writeText(const fs::path& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

// The number after `label` on a line of `chasqui status` ("  Persons      30").
std::optional<long long> labelledNumber(const std::string& text, const std::string& label) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const auto start = line.find_first_not_of(' ');
        if (start == std::string::npos || line.compare(start, label.size(), label) != 0) continue;
        const std::string rest = line.substr(start + label.size());
        const auto digits = rest.find_first_not_of(' ');
        if (digits == std::string::npos || digits == 0 || rest[digits] < '0' || rest[digits] > '9') continue;
        return std::stoll(rest.substr(digits));
    }
    return std::nullopt;
}

// The number right after `prefix` ("Sent 42 (...").
std::optional<long long> numberAfter(const std::string& text, const std::string& prefix) {
    const auto at = text.find(prefix);
    if (at == std::string::npos) return std::nullopt;
    const std::string rest = text.substr(at + prefix.size());
    if (rest.empty() || rest[0] < '0' || rest[0] > '9') return std::nullopt;
    return std::stoll(rest);
}

// The clock of a kiosk's last local change to `record` ("<hlc>@<device>").
std::string lastClockOf(Kiosk& kiosk, const std::string& record) {
    auto stmt = kiosk.db().prepare("SELECT hlc, device FROM changes WHERE record_id = ? ORDER BY seq DESC LIMIT 1");
    REQUIRE(stmt.has_value());
    stmt->bind(1, record);
    auto row = stmt->step();
    REQUIRE(row.has_value());
    REQUIRE(*row);
    const std::string clock = stmt->text(0) + "@" + stmt->text(1);
    stmt->reset();
    return clock;
}

std::string givenNamesOf(Kiosk& kiosk, const std::string& id) {
    return kiosk.text("SELECT given_names FROM persons WHERE id = ?", id);
}

struct ConflictRow {
    std::string keptValue, lostValue, keptDevice, lostDevice, keptAuthor, lostAuthor;
};

std::vector<ConflictRow> conflictsOf(Kiosk& kiosk, const std::string& record, const std::string& field) {
    auto stmt = kiosk.db().prepare(
        "SELECT kept_value, lost_value, kept_device, lost_device, kept_author, lost_author FROM conflicts "
        "WHERE entity = 'person' AND record_id = ? AND field = ? AND deleted = 0");
    REQUIRE(stmt.has_value());
    stmt->bind(1, record).bind(2, field);
    std::vector<ConflictRow> out;
    for (;;) {
        auto row = stmt->step();
        REQUIRE(row.has_value());
        if (!*row) break;
        out.push_back({stmt->text(0), stmt->text(1), stmt->text(2), stmt->text(3), stmt->text(4), stmt->text(5)});
    }
    return out;
}

void setGivenNames(Kiosk& kiosk, const std::string& id, const std::string& value) {
    auto written = kiosk.store().writeVoid([&](storage::RecordWriter& w) -> storage::Result<void> {
        auto changed = w.update("person", id, {{"given_names", value}});
        if (!changed) return std::unexpected(changed.error());
        return {};
    });
    REQUIRE_MESSAGE(written.has_value(), (written ? std::string() : written.error().message));
}

}  // namespace

TEST_SUITE("sync_e2e") {
    TEST_CASE("enrollment, sync, office-checked codes and revocation through the chasqui CLI") {
        Server server;
        TempDir tmp;
        const fs::path k1 = tmp.path() / "k1", k2 = tmp.path() / "k2", k3 = tmp.path() / "k3";
        const fs::path pin1 = tmp.path() / "k1.pin", pin2 = tmp.path() / "k2.pin", pin3 = tmp.path() / "k3.pin";
        writeText(pin1, "24681357\n");
        writeText(pin2, "73914682\n");
        writeText(pin3, "51627384\n");
        const std::string tumCode1 = server.code("TUM");
        const std::string tumCode2 = server.code("TUM");
        const std::string limCode = server.code("LIM");

        // Kiosk 1: a demo directory (office TUM) with 30 people, enrolled and synced.
        const CommandResult demo =
            runChasqui({"demo", "--data", k1.string(), "--pin-file", pin1.string(), "--persons", "30"});
        REQUIRE_MESSAGE(demo.exitCode == 0, describe(demo));
        const CommandResult before = runChasqui({"status", "--data", k1.string(), "--pin-file", pin1.string()});
        REQUIRE_MESSAGE(before.exitCode == 0, describe(before));
        CHECK(labelledNumber(before.out, "Persons") == 30);
        const auto waiting = labelledNumber(before.out, "Changes waiting to sync");
        REQUIRE(waiting.has_value());
        CHECK(*waiting > 30);

        const CommandResult enroll1 = runChasqui({"enroll", "--data", k1.string(), "--pin-file", pin1.string(),
                                                  "--server", server.url(), "--code", tumCode1});
        REQUIRE_MESSAGE(enroll1.exitCode == 0, describe(enroll1));
        CHECK(has(enroll1.out, "Enrolled as device 1 of office TUM"));
        const CommandResult sync1 = runChasqui({"sync", "--data", k1.string(), "--pin-file", pin1.string()});
        REQUIRE_MESSAGE(sync1.exitCode == 0, describe(sync1));
        CHECK_MESSAGE(numberAfter(sync1.out, "Sent ") == *waiting, describe(sync1));
        CHECK(has(sync1.out, "(0 already there, 0 refused)"));
        const CommandResult after = runChasqui({"status", "--data", k1.string(), "--pin-file", pin1.string()});
        CHECK(labelledNumber(after.out, "Changes waiting to sync") == 0);
        CHECK(server.changes() == *waiting);

        // Kiosk 2: a new TUM directory. A LIM code is refused and not used up.
        const CommandResult init2 = runChasqui({"init", "--data", k2.string(), "--office", "TUM", "--admin-name",
                                                "Beto Ramos", "--pin-file", pin2.string()});
        REQUIRE_MESSAGE(init2.exitCode == 0, describe(init2));
        const CommandResult wrongOffice = runChasqui({"enroll", "--data", k2.string(), "--pin-file", pin2.string(),
                                                      "--server", server.url(), "--code", limCode});
        CHECK_MESSAGE(wrongOffice.exitCode != 0, describe(wrongOffice));
        CHECK_MESSAGE(has(wrongOffice.err, "LIM"), describe(wrongOffice));
        CHECK_FALSE(fs::exists(k2 / "sync" / "device.json"));
        const CommandResult enroll2 = runChasqui({"enroll", "--data", k2.string(), "--pin-file", pin2.string(),
                                                  "--server", server.url(), "--code", tumCode2});
        REQUIRE_MESSAGE(enroll2.exitCode == 0, describe(enroll2));
        CHECK(has(enroll2.out, "Enrolled as device 2 of office TUM"));
        const CommandResult sync2 = runChasqui({"sync", "--data", k2.string(), "--pin-file", pin2.string()});
        REQUIRE_MESSAGE(sync2.exitCode == 0, describe(sync2));
        CHECK(has(sync2.out, "Sent "));
        const CommandResult status2 = runChasqui({"status", "--data", k2.string(), "--pin-file", pin2.string()});
        REQUIRE_MESSAGE(status2.exitCode == 0, describe(status2));
        CHECK_MESSAGE(labelledNumber(status2.out, "Persons") == 30, describe(status2));
        CHECK(labelledNumber(status2.out, "Changes waiting to sync") == 0);
        // The same people, by id, opened with the library and the real PINs.
        {
            auto s1 = storage::PersonalStore::signIn(storage::DataDir(k1), "demo.admin", "24681357", wallClock());
            auto s2 = storage::PersonalStore::signIn(storage::DataDir(k2), "beto.ramos", "73914682", wallClock());
            REQUIRE(s1.has_value());
            REQUIRE(s2.has_value());
            const Rows persons1 = rowsOf((*s1)->db(), "person");
            const Rows persons2 = rowsOf((*s2)->db(), "person");
            CHECK(persons1.size() == 30);
            const std::string diff = firstDifference("person", persons1, persons2);
            CHECK_MESSAGE(diff.empty(), diff);
        }

        // The LIM code still works, for a LIM kiosk.
        const CommandResult init3 = runChasqui({"init", "--data", k3.string(), "--office", "LIM", "--admin-name",
                                                "Carla Diaz", "--pin-file", pin3.string()});
        REQUIRE_MESSAGE(init3.exitCode == 0, describe(init3));
        const CommandResult enroll3 = runChasqui({"enroll", "--data", k3.string(), "--pin-file", pin3.string(),
                                                  "--server", server.url(), "--code", limCode});
        CHECK_MESSAGE(enroll3.exitCode == 0, describe(enroll3));
        CHECK(has(enroll3.out, "of office LIM"));

        // Revoking kiosk 1 on the server: its next sync wipes its personal data.
        const CommandResult public1 = runChasqui({"status", "--data", k1.string()});
        REQUIRE(public1.exitCode == 0);
        const auto openParen = public1.out.find('('), closeParen = public1.out.find(')');
        REQUIRE(openParen != std::string::npos);
        REQUIRE(closeParen != std::string::npos);
        const std::string deviceId = public1.out.substr(openParen + 1, closeParen - openParen - 1);
        CAPTURE(deviceId);
        const CommandResult devices = runServer({"devices", "--data", server.data.string()});
        REQUIRE(devices.exitCode == 0);
        CHECK_MESSAGE(has(devices.out, deviceId + "  TUM-1"), devices.out);
        const CommandResult revoke = runServer({"revoke", "--data", server.data.string(), "--device", deviceId});
        REQUIRE_MESSAGE(revoke.exitCode == 0, revoke.err);
        const CommandResult listed = runServer({"devices", "--data", server.data.string()});
        const auto line = listed.out.find(deviceId);
        REQUIRE(line != std::string::npos);
        CHECK(has(listed.out.substr(line, listed.out.find('\n', line) - line), "revoked"));

        REQUIRE(fs::exists(k1 / "personal.db"));
        REQUIRE(fs::exists(k1 / "catalog.db"));
        const CommandResult revoked = runChasqui({"sync", "--data", k1.string(), "--pin-file", pin1.string()});
        CHECK_MESSAGE(revoked.exitCode == 3, describe(revoked));
        CHECK_MESSAGE(has(revoked.err, "revoked"), describe(revoked));
        CHECK_FALSE(fs::exists(k1 / "personal.db"));
        CHECK_FALSE(fs::exists(k1 / "personal.db-wal"));
        CHECK_FALSE(fs::exists(k1 / "keyring.json"));
        CHECK_FALSE(fs::exists(k1 / "sync"));
        CHECK(fs::exists(k1 / "catalog.db"));
        // The other kiosk of the office is unaffected.
        const CommandResult stillFine = runChasqui({"sync", "--data", k2.string(), "--pin-file", pin2.string()});
        CHECK_MESSAGE(stillFine.exitCode == 0, describe(stillFine));
    }

    TEST_CASE("a concurrent edit of one field through the real server: same value everywhere, one conflict each") {
        Server server;
        Kiosk k1("ana.admin", "Ana Admin");
        Kiosk k2("beto.admin", "Beto Admin");
        k1.enroll(server);
        k2.enroll(server);
        auto person = storage::PersonRepository(k1.store()).add(samplePerson());
        REQUIRE(person.has_value());
        const std::string id = person->id;
        k1.syncDirect(server);
        k2.syncDirect(server);
        REQUIRE(givenNamesOf(k2, id) == samplePerson().givenNames);

        // Both change the same field without syncing in between.
        setGivenNames(k1, id, "Ana");
        setGivenNames(k2, id, "Rosa");
        const std::string clockAna = lastClockOf(k1, id);
        const std::string clockRosa = lastClockOf(k2, id);
        REQUIRE(clockAna != clockRosa);
        // Clocks order by HLC, then device id: fixed-width hex and UUIDs compare as text.
        const bool rosaLater = clockRosa > clockAna;
        const std::string winner = rosaLater ? "Rosa" : "Ana";
        const std::string loser = rosaLater ? "Ana" : "Rosa";
        CAPTURE(clockAna);
        CAPTURE(clockRosa);

        k1.syncDirect(server);
        k2.syncDirect(server);
        k1.syncDirect(server);

        CHECK(givenNamesOf(k1, id) == winner);
        CHECK(givenNamesOf(k2, id) == winner);
        for (Kiosk* kiosk : {&k1, &k2}) {
            CAPTURE(kiosk->deviceId());
            const auto conflicts = conflictsOf(*kiosk, id, "given_names");
            REQUIRE(conflicts.size() == 1);
            CHECK(conflicts[0].lostValue == json(loser).dump());
            CHECK(conflicts[0].keptValue == json(winner).dump());
            CHECK(conflicts[0].keptDevice == (rosaLater ? k2.deviceId() : k1.deviceId()));
            CHECK(conflicts[0].lostDevice == (rosaLater ? k1.deviceId() : k2.deviceId()));
            // Who wrote each value: the administrator signed in on that kiosk.
            CHECK(conflicts[0].keptAuthor == (rosaLater ? k2 : k1).store().session().staffId);
            CHECK(conflicts[0].lostAuthor == (rosaLater ? k1 : k2).store().session().staffId);
        }
        CHECK(server.status().at("conflicts").get<std::int64_t>() == 1);
        // Syncing again changes nothing: still one conflict, same value.
        k2.syncDirect(server);
        k1.syncDirect(server);
        CHECK(conflictsOf(k1, id, "given_names").size() == 1);
        CHECK(conflictsOf(k2, id, "given_names").size() == 1);
        CHECK(givenNamesOf(k1, id) == winner);
        CHECK(givenNamesOf(k2, id) == winner);
    }

}  // TEST_SUITE
