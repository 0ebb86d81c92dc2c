// Set fields (a case's needs, vulnerabilities, consent scopes; a person's
// languages) through the real chasqui-server: edits made on two kiosks
// without syncing in between merge element by element and never become
// conflicts (sync/PROTOCOL.md section 3.2).
#include <doctest/doctest.h>

#include <string>

#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "storage/records/record_writer.hpp"
#include "tests/server/sync_e2e_fixture.hpp"

using namespace chasqui;
using namespace chasqui::test;
using namespace chasqui::test::e2e;

namespace {

std::string needsOf(Kiosk& kiosk, const std::string& caseId) {
    return kiosk.text("SELECT needs FROM cases WHERE id = ?", caseId);
}

std::int64_t conflictsOn(Kiosk& kiosk, const std::string& record) {
    auto stmt = kiosk.db().prepare("SELECT count(*) FROM conflicts WHERE record_id = ?");
    REQUIRE(stmt.has_value());
    stmt->bind(1, record);
    REQUIRE(*stmt->step());
    const std::int64_t n = stmt->integer(0);
    stmt->reset();
    return n;
}

void setField(Kiosk& kiosk, const std::string& entity, const std::string& id, const std::string& field,
              const std::string& value) {
    auto written = kiosk.store().writeVoid([&](storage::RecordWriter& w) -> storage::Result<void> {
        auto changed = w.update(entity, id, {{field, value}});
        if (!changed) return std::unexpected(changed.error());
        return {};
    });
    REQUIRE_MESSAGE(written.has_value(), (written ? std::string() : written.error().message));
}

// A person with a case holding `needs`, made on `kiosk`; returns the case id.
std::string caseWithNeeds(Kiosk& kiosk, std::vector<std::string> needs) {
    auto person = storage::PersonRepository(kiosk.store()).add(samplePerson());
    REQUIRE(person.has_value());
    storage::Case c;
    c.personId = person->id;
    c.officeId = kiosk.store().session().officeId;
    c.openedDate = kiosk.store().today();
    c.needs = std::move(needs);
    auto id = storage::CaseRepository(kiosk.store()).open(c);
    REQUIRE(id.has_value());
    return *id;
}

}  // namespace

TEST_SUITE("sync_e2e") {
    TEST_CASE("two kiosks each add a need to the same case offline: both kept, no conflict") {
        Server server;
        Kiosk k1("ana.admin", "Ana Admin");
        Kiosk k2("beto.admin", "Beto Admin");
        k1.enroll(server);
        k2.enroll(server);
        const std::string id = caseWithNeeds(k1, {"food_security"});
        k1.syncDirect(server);
        k2.syncDirect(server);
        REQUIRE(needsOf(k2, id) == "food_security");

        // Tumbes adds shelter, the other kiosk adds health, neither has synced since.
        setField(k1, "case", id, "needs", "food_security,shelter");
        setField(k2, "case", id, "needs", "health,food_security");
        k1.syncDirect(server);
        k2.syncDirect(server);
        k1.syncDirect(server);

        CHECK(needsOf(k1, id) == "food_security,health,shelter");
        CHECK(needsOf(k2, id) == "food_security,health,shelter");
        CHECK(conflictsOn(k1, id) == 0);
        CHECK(conflictsOn(k2, id) == 0);
        CHECK(server.status().at("conflicts").get<std::int64_t>() == 0);
    }

    TEST_CASE("a removal takes away what its writer saw, never an addition it had not seen") {
        Server server;
        Kiosk k1("ana.admin", "Ana Admin");
        Kiosk k2("beto.admin", "Beto Admin");
        k1.enroll(server);
        k2.enroll(server);
        const std::string id = caseWithNeeds(k1, {"food_security", "wash"});
        k1.syncDirect(server);
        k2.syncDirect(server);

        // k1 removes both needs it sees; k2, offline, adds wash again (a newer
        // addition k1 never saw) and adds health.
        setField(k1, "case", id, "needs", "");
        setField(k2, "case", id, "needs", "food_security,health");  // wash removed here too
        setField(k2, "case", id, "needs", "food_security,health,wash");
        k2.syncDirect(server);
        k1.syncDirect(server);
        k2.syncDirect(server);

        // food_security: removed by k1, which saw its only addition: gone.
        // wash: k2's re-addition is newer than what k1 removed: stays. health: stays.
        CHECK(needsOf(k1, id) == "health,wash");
        CHECK(needsOf(k2, id) == "health,wash");
        CHECK(conflictsOn(k1, id) == 0);
        CHECK(conflictsOn(k2, id) == 0);

        // A later removal on k2, which has now seen everything, removes for everyone.
        setField(k2, "case", id, "needs", "wash");
        k2.syncDirect(server);
        k1.syncDirect(server);
        CHECK(needsOf(k1, id) == "wash");
        CHECK(needsOf(k2, id) == "wash");
    }

    TEST_CASE("languages of a person and a case's vulnerabilities merge the same way; other fields still conflict") {
        Server server;
        Kiosk k1("ana.admin", "Ana Admin");
        Kiosk k2("beto.admin", "Beto Admin");
        k1.enroll(server);
        k2.enroll(server);
        const std::string caseId = caseWithNeeds(k1, {});
        const std::string personId = k1.text("SELECT person_id FROM cases WHERE id = ?", caseId);
        k1.syncDirect(server);
        k2.syncDirect(server);

        setField(k1, "person", personId, "languages", "es,qu");
        setField(k2, "person", personId, "languages", "ht,es");
        setField(k1, "case", caseId, "vulnerabilities", "older_person");
        setField(k2, "case", caseId, "vulnerabilities", "disability");
        setField(k1, "person", personId, "phone", "+51 900 111 222");
        setField(k2, "person", personId, "phone", "+51 900 333 444");
        k1.syncDirect(server);
        k2.syncDirect(server);
        k1.syncDirect(server);

        for (Kiosk* k : {&k1, &k2}) {
            CHECK(k->text("SELECT languages FROM persons WHERE id = ?", personId) == "es,ht,qu");
            CHECK(k->text("SELECT vulnerabilities FROM cases WHERE id = ?", caseId) == "disability,older_person");
            CHECK(conflictsOn(*k, caseId) == 0);
            // The phone is one value: a concurrent edit of it is still a conflict, kept once.
            CHECK(conflictsOn(*k, personId) == 1);
        }
    }
}
