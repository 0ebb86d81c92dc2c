// Conflicts kept for a supervisor: described for a person (case code, name,
// both values, who and when), resolved either way in one synced, audited
// transaction, and refused to anyone but a supervisor.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "storage/keys/staff_admin.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/conflict_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "storage/search/search_index.hpp"
#include "tests/support/conflict_seed.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui::storage;
using chasqui::test::ConflictSeed;
using chasqui::test::kTestNowMs;
using chasqui::test::samplePerson;
using chasqui::test::seedConflict;
using chasqui::test::TestStore;

namespace {

std::int64_t scalar(TestStore& ts, const std::string& sql) {
    auto v = ts->db().scalarInt(sql);
    REQUIRE_MESSAGE(v.has_value(), (v ? "" : v.error().message));
    return *v;
}

struct Seeded {
    TestStore ts;
    RegisteredPerson person;
    std::string luisId;
    std::string conflictId;

    Seeded() {
        auto p = PersonRepository(*ts).add(samplePerson());
        REQUIRE(p.has_value());
        person = *p;
        auto luis = StaffAdmin(*ts, KdfParams::minimumForTests()).add("Luis Quispe", "luis.staff", "staff", "13572468");
        REQUIRE(luis.has_value());
        luisId = *luis;
        ConflictSeed seed;
        seed.recordId = person.id;
        seed.kept = "María José";
        seed.lost = "Mariajosé";
        seed.keptAtMs = kTestNowMs - 60'000;
        seed.lostAtMs = kTestNowMs - 120'000;
        seed.lostAuthor = luisId;
        conflictId = seedConflict(*ts, seed);
        REQUIRE(!conflictId.empty());
    }
};

}  // namespace

TEST_CASE("conflict repository: an open conflict is described with the person, both values, who and when") {
    Seeded s;
    ConflictRepository repo(*s.ts);
    auto count = repo.countOpen();
    REQUIRE(count.has_value());
    CHECK(*count == 1);
    auto open = repo.listOpen();
    REQUIRE_MESSAGE(open.has_value(), (open ? "" : open.error().message));
    REQUIRE(open->size() == 1);
    const ConflictView& c = open->front();
    CHECK(c.id == s.conflictId);
    CHECK(c.entity == "person");
    CHECK(c.recordId == s.person.id);
    CHECK(c.caseCode == s.person.caseCode);
    CHECK(c.personName == "María José Pérez Gómez");
    CHECK(c.field == "given_names");
    CHECK(c.kept.value == "María José");  // JSON text made readable
    CHECK(c.lost.value == "Mariajosé");
    CHECK(c.kept.atMs == kTestNowMs - 60'000);
    CHECK(c.lost.atMs == kTestNowMs - 120'000);
    CHECK(c.kept.thisDevice);
    CHECK_FALSE(c.lost.thisDevice);
    CHECK(c.lost.staffName == "Luis Quispe");
    CHECK(c.lost.staffLogin == "luis.staff");
    // The kept value's device made the record's last write: its author is known.
    CHECK(c.kept.staffName == "Ana Admin");
}

TEST_CASE("conflict repository: the kept value's author comes from the conflict when another kiosk wrote it") {
    TestStore ts;
    auto p = PersonRepository(*ts).add(samplePerson());
    REQUIRE(p.has_value());
    auto luis = StaffAdmin(*ts, KdfParams::minimumForTests()).add("Luis Quispe", "luis.staff", "staff", "13572468");
    REQUIRE(luis.has_value());
    ConflictSeed seed;
    seed.recordId = p->id;
    seed.kept = "Rosa";
    seed.lost = "Ana";
    seed.keptDevice = "0190a0b0-0000-7000-8000-00000000e3e3";  // not the record's last writer
    seed.keptAuthor = *luis;
    seed.lostAuthor = ts->session().staffId;
    REQUIRE_FALSE(seedConflict(*ts, seed).empty());
    auto open = ConflictRepository(*ts).listOpen();
    REQUIRE(open.has_value());
    REQUIRE(open->size() == 1);
    const ConflictView& c = open->front();
    CHECK_FALSE(c.kept.thisDevice);
    CHECK(c.kept.staffName == "Luis Quispe");
    CHECK(c.lost.staffName == "Ana Admin");

    // Recorded before kept_author existed, from a device that did not make the
    // record's last write: nobody is named rather than the wrong person.
    seed.field = "family_name_1";
    seed.keptAuthor.clear();
    REQUIRE_FALSE(seedConflict(*ts, seed).empty());
    open = ConflictRepository(*ts).listOpen();
    REQUIRE(open.has_value());
    REQUIRE(open->size() == 2);
    CHECK(open->back().kept.staffName.empty());
}

TEST_CASE("conflict repository: keeping the other value writes that field, syncs it and closes the conflict") {
    Seeded s;
    const std::int64_t changesBefore = scalar(s.ts, "SELECT count(*) FROM changes");
    const std::int64_t auditBefore = scalar(s.ts, "SELECT count(*) FROM audit");
    ConflictRepository repo(*s.ts);
    auto resolved = repo.resolve(s.conflictId, ConflictChoice::KeepOther);
    REQUIRE_MESSAGE(resolved.has_value(), (resolved ? "" : resolved.error().message));

    auto person = PersonRepository(*s.ts).get(s.person.id);
    REQUIRE(person.has_value());
    CHECK(person->givenNames == "Mariajosé");
    CHECK(person->familyName1 == "Pérez");
    // The search index follows the new name.
    auto found = searchPersons(s.ts->db(), "mariajose");
    REQUIRE(found.has_value());
    REQUIRE(found->size() == 1);
    CHECK(found->front().id == s.person.id);

    // Two changes go up: the field, and the conflict's decision.
    CHECK(scalar(s.ts, "SELECT count(*) FROM changes") == changesBefore + 2);
    auto last = s.ts->db().prepare("SELECT entity, fields FROM changes ORDER BY seq DESC LIMIT 2");
    REQUIRE(last.has_value());
    REQUIRE(*last->step());
    CHECK(last->text(0) == "conflict");
    CHECK(nlohmann::json::parse(last->text(1)) == nlohmann::json{{"resolved", 1}});
    REQUIRE(*last->step());
    CHECK(last->text(0) == "person");
    CHECK(nlohmann::json::parse(last->text(1)) == nlohmann::json{{"given_names", "Mariajosé"}});
    last->reset();
    CHECK(scalar(s.ts, "SELECT count(*) FROM audit WHERE action = 'resolve_conflict'") == 1);
    CHECK(scalar(s.ts, "SELECT count(*) FROM audit") > auditBefore);
    CHECK(scalar(s.ts, "SELECT resolved FROM conflicts") == 1);
    CHECK(*repo.countOpen() == 0);
    CHECK(repo.listOpen()->empty());

    // Resolving it again is refused and writes nothing.
    const std::int64_t changesAfter = scalar(s.ts, "SELECT count(*) FROM changes");
    auto again = repo.resolve(s.conflictId, ConflictChoice::KeepCurrent);
    REQUIRE_FALSE(again.has_value());
    CHECK(again.error().code == ErrorCode::NotFound);
    CHECK(scalar(s.ts, "SELECT count(*) FROM changes") == changesAfter);
}

TEST_CASE("conflict repository: keeping the current value only closes the conflict") {
    Seeded s;
    const std::int64_t personChanges = scalar(s.ts, "SELECT count(*) FROM changes WHERE entity = 'person'");
    ConflictRepository repo(*s.ts);
    REQUIRE(repo.resolve(s.conflictId, ConflictChoice::KeepCurrent).has_value());
    CHECK(PersonRepository(*s.ts).get(s.person.id)->givenNames == "María José");
    CHECK(scalar(s.ts, "SELECT count(*) FROM changes WHERE entity = 'person'") == personChanges);
    CHECK(scalar(s.ts, "SELECT count(*) FROM changes WHERE entity = 'conflict'") == 2);  // seeded + decision
    CHECK(scalar(s.ts, "SELECT resolved FROM conflicts") == 1);
    CHECK(scalar(s.ts, "SELECT count(*) FROM audit WHERE action = 'resolve_conflict'") == 1);
}

TEST_CASE("conflict repository: a case's conflict names its person; numbers are written back as numbers") {
    TestStore ts;
    auto person = PersonRepository(*ts).add(samplePerson());
    REQUIRE(person.has_value());
    Case c;
    c.personId = person->id;
    c.officeId = ts->session().officeId;
    c.openedDate = "2025-06-01";
    c.consent.given = true;
    c.consent.date = "2025-06-01";
    c.consent.scope = {"registration"};
    auto caseId = CaseRepository(*ts).open(c);
    REQUIRE_MESSAGE(caseId.has_value(), (caseId ? "" : caseId.error().message));
    ConflictSeed seed;
    seed.entity = "case";
    seed.recordId = *caseId;
    seed.field = "consent_given";
    seed.kept = 1;
    seed.lost = 0;
    seed.keptDevice = "0190a0b0-0000-7000-8000-00000000a1a1";
    seed.lostDevice = ts->session().deviceId;
    seed.lostAuthor = ts->session().staffId;
    const std::string id = seedConflict(*ts, seed);
    ConflictRepository repo(*ts);
    auto open = repo.listOpen();
    REQUIRE(open.has_value());
    REQUIRE(open->size() == 1);
    CHECK(open->front().caseCode == person->caseCode);
    CHECK(open->front().kept.value == "1");
    CHECK(open->front().lost.value == "0");
    CHECK_FALSE(open->front().kept.thisDevice);
    CHECK(open->front().lost.thisDevice);
    CHECK(open->front().kept.staffName.empty());  // another device wrote it; this kiosk cannot say who
    CHECK(open->front().lost.staffName == "Ana Admin");
    REQUIRE(repo.resolve(id, ConflictChoice::KeepOther).has_value());
    CHECK(scalar(ts, "SELECT typeof(consent_given) = 'integer' AND consent_given = 0 FROM cases") == 1);
}

TEST_CASE("conflict repository: a field that is not a column is refused and nothing is written") {
    Seeded s;
    ConflictSeed bad;
    bad.recordId = s.person.id;
    bad.field = "given_names = 'x', case_code";
    bad.kept = "a";
    bad.lost = "b";
    const std::string id = seedConflict(*s.ts, bad);
    const std::int64_t changes = scalar(s.ts, "SELECT count(*) FROM changes");
    auto r = ConflictRepository(*s.ts).resolve(id, ConflictChoice::KeepOther);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == ErrorCode::Damaged);
    CHECK(scalar(s.ts, "SELECT count(*) FROM changes") == changes);
    CHECK(scalar(s.ts, "SELECT count(*) FROM conflicts WHERE resolved = 0") == 2);
}

TEST_CASE("conflict repository: a staff member may neither list nor resolve conflicts") {
    Seeded s;
    s.ts.store.reset();
    auto luis = PersonalStore::signIn(s.ts.dataDir, "luis.staff", "13572468", s.ts.clock);
    REQUIRE(luis.has_value());
    ConflictRepository repo(**luis);
    CHECK(repo.listOpen().error().code == ErrorCode::PermissionDenied);
    CHECK(repo.countOpen().error().code == ErrorCode::PermissionDenied);
    CHECK(repo.resolve(s.conflictId, ConflictChoice::KeepOther).error().code == ErrorCode::PermissionDenied);
}
