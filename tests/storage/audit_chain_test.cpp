// The audit log is hash-chained: changed, removed and cut-off entries are detected.
#include <doctest/doctest.h>

#include "storage/records/audit_log.hpp"
#include "storage/records/integrity.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using namespace chasqui::storage;

namespace {
void addPeople(test::TestStore& t, int n) {
    PersonRepository persons(*t.store);
    for (int i = 0; i < n; ++i) REQUIRE(persons.add(test::samplePerson()));
}
}  // namespace

TEST_CASE("an untouched audit chain verifies") {
    test::TestStore t;
    addPeople(t, 5);
    AuditLog log(t->db());
    auto problems = log.verify();
    REQUIRE(problems);
    CHECK(problems->empty());
    auto report = checkIntegrity(*t.store);
    REQUIRE(report);
    CHECK(report->ok());
    CHECK(report->auditEntries >= 8);
}

TEST_CASE("a changed audit entry is detected") {
    test::TestStore t;
    addPeople(t, 5);
    REQUIRE(t->db().exec("UPDATE audit SET staff_id = 'someone-else' WHERE seq = 4"));
    auto problems = AuditLog(t->db()).verify();
    REQUIRE(problems);
    REQUIRE_FALSE(problems->empty());
    CHECK(problems->front().seq == 4);
}

TEST_CASE("a removed audit entry in the middle is detected") {
    test::TestStore t;
    addPeople(t, 5);
    REQUIRE(t->db().exec("DELETE FROM audit WHERE seq = 3"));
    auto problems = AuditLog(t->db()).verify();
    REQUIRE(problems);
    REQUIRE_FALSE(problems->empty());
    CHECK(problems->front().seq == 3);
}

TEST_CASE("removing the newest entries is detected") {
    test::TestStore t;
    addPeople(t, 5);
    REQUIRE(t->db().exec("DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)"));
    auto problems = AuditLog(t->db()).verify();
    REQUIRE(problems);
    CHECK_FALSE(problems->empty());
}

TEST_CASE("a recomputed hash without its successor's link is still detected") {
    test::TestStore t;
    addPeople(t, 3);
    // Changing an entry and its own hash breaks the next entry's prev_hash link.
    REQUIRE(t->db().exec("UPDATE audit SET action = 'view', hash = 'ff' WHERE seq = 2"));
    auto problems = AuditLog(t->db()).verify();
    REQUIRE(problems);
    CHECK(problems->size() >= 2);
}

TEST_CASE("a record without its change record is reported by the integrity check") {
    test::TestStore t;
    addPeople(t, 2);
    REQUIRE(
        t->db().exec("DELETE FROM changes WHERE entity = 'person' AND seq = (SELECT max(seq) FROM changes WHERE entity "
                     "= 'person')"));
    auto report = checkIntegrity(*t.store);
    REQUIRE(report);
    CHECK(report->recordsWithoutChange == 1);
    CHECK_FALSE(report->ok());
}
