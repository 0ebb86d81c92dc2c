// Schema migrations from every earlier version, on real encrypted files
// written with that version's schema.
#include <doctest/doctest.h>

#include <filesystem>

#include <fmt/format.h>

#include "storage/db/schema.hpp"
#include "storage/keys/keyring.hpp"
#include "storage/records/audit_log.hpp"
#include "storage/search/search_index.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using namespace chasqui::storage;

namespace {

// Replaces the directory's database by one at schema `version`, with the same
// key, the same administrator and office, and two persons written as that
// version's code wrote them (including their audit entries and change records).
void downgradeTo(test::TestStore& t, int version) {
    const std::string staffId = t->session().staffId;
    const std::string officeId = t->session().officeId;
    const std::string deviceId = t->session().deviceId;
    t.store.reset();
    auto keyring = loadKeyring(t.dataDir.keyring());
    REQUIRE(keyring);
    auto secret = loadDeviceSecret(t.dataDir);
    REQUIRE(secret);
    auto key = unwrapDataKey(keyring->find(test::kAdminLogin)->wrap, test::kAdminPin, *secret, staffId);
    REQUIRE(key);
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(t.dataDir.personalDb().string() + suffix);

    OpenOptions options;
    options.rawKey = &*key;
    auto db = Db::open(t.dataDir.personalDb().string(), options);
    REQUIRE(db);
    REQUIRE(migrate(*db, version));
    auto v = schemaVersion(*db);
    REQUIRE(v);
    REQUIRE(*v == version);
    REQUIRE(db->exec("INSERT INTO meta VALUES ('device_id', '" + deviceId +
                     "'), ('device_number', '1'), "
                     "('office_id', '" +
                     officeId + "'), ('case_seq', '2')"));
    REQUIRE(
        db->exec("INSERT INTO offices (id, created_at, updated_at, author, device, code, name, district) VALUES ('" +
                 officeId + "', 1, 1, '" + staffId + "', '" + deviceId + "', 'TUM', 'Oficina TUM', '240101')"));
    REQUIRE(
        db->exec("INSERT INTO staff (id, created_at, updated_at, author, device, login, name, role, office_id, active) "
                 "VALUES ('" +
                 staffId + "', 1, 1, '" + staffId + "', '" + deviceId +
                 "', 'ana.admin', 'Ana Admin', "
                 "'admin', '" +
                 officeId + "', 1)"));
    const char* persons[][5] = {
        {"0190a000-0000-7000-8000-000000000001", "TUM-01-00001", "Yusmary", "Ñáñez", "V12345678"},
        {"0190a000-0000-7000-8000-000000000002", "TUM-01-00002", "Frantz", "Jean-Baptiste", "PA1234567"},
    };
    AuditLog audit(*db);
    for (const auto& p : persons) {
        REQUIRE(db->exec(fmt::format(
            "INSERT INTO persons (id, created_at, updated_at, author, device, case_code, given_names, family_name_1, "
            "family_name_2, sex, gender_identity, birth_date, birth_date_estimated, nationality, doc_type, doc_number, "
            "phone, languages, population_type, migration_status, arrival_date, disability, household_id, "
            "relation_to_head) VALUES ('{}', 1, 1, '{}', '{}', '{}', '{}', '{}', '', 'female', '', '1990-01-01', 0, "
            "'VEN', 'passport', '{}', '', 'es', 'in_destination', 'regular', '', '', '', '')",
            p[0], staffId, deviceId, p[1], p[2], p[3], p[4])));
        REQUIRE(db->exec(fmt::format(
            "INSERT INTO changes (change_id, entity, record_id, op, fields, hlc, device, author, created_at) "
            "VALUES ('c-{}', 'person', '{}', 'put', '{{}}', '0197734e9000-0000', '{}', '{}', 1)",
            p[0], p[0], deviceId, staffId)));
        REQUIRE(audit.append(1, staffId, deviceId, "create", "person", p[0]));
        // From schema 2 on, the program indexed every person it wrote: in
        // FTS4 (words only) before schema 10, as indexPerson does since.
        if (version >= 10) {
            REQUIRE(indexPerson(*db, p[0]));
        } else if (version >= 2) {
            REQUIRE(
                db->exec(fmt::format("INSERT INTO person_search(docid, words) SELECT rid, lower(given_names || ' ' "
                                     "|| family_name_1 || ' ' || doc_number) FROM persons WHERE id = '{}'",
                                     p[0])));
        }
    }
    for (const char* table : {"offices", "staff"}) {
        REQUIRE(
            db->exec(std::string("INSERT INTO changes (change_id, entity, record_id, op, fields, hlc, device, author, "
                                 "created_at) SELECT 'c-' || id, '") +
                     table + "', id, 'put', '{}', '0197734e9000-0000', device, author, 1 FROM " + table));
    }
}

}  // namespace

TEST_CASE("every earlier schema version migrates to the latest with its data intact") {
    REQUIRE(latestSchemaVersion() >= 3);
    for (int from = 1; from < latestSchemaVersion(); ++from) {
        CAPTURE(from);
        test::TestStore t;
        downgradeTo(t, from);
        t.reopen();  // sign-in applies the missing migrations
        auto v = schemaVersion(t->db());
        REQUIRE(v);
        CHECK(*v == latestSchemaVersion());
        auto count = t->db().scalarInt("SELECT count(*) FROM persons");
        REQUIRE(count);
        CHECK(*count == 2);
        // Data written before the search index existed is searchable after migrating.
        auto found = searchPersons(t->db(), "nanez");
        REQUIRE(found);
        REQUIRE(found->size() == 1);
        CHECK(found->front().caseCode == "TUM-01-00001");
        // The index was rebuilt with sound keys (migration 10).
        auto bySound = searchPersons(t->db(), "Llusmari Nanes");
        REQUIRE(bySound);
        REQUIRE(bySound->size() == 1);
        CHECK(bySound->front().caseCode == "TUM-01-00001");
        auto byDoc = searchPersons(t->db(), "PA1234567");
        REQUIRE(byDoc);
        CHECK(byDoc->size() == 1);
        // The audit chain written by the old version still verifies, extended by the new sign-in.
        auto problems = AuditLog(t->db()).verify();
        REQUIRE(problems);
        CHECK(problems->empty());
        // Tables added by later migrations exist and are usable.
        auto conflicts = t->db().scalarInt("SELECT count(*) FROM conflicts");
        REQUIRE(conflicts);
        CHECK(*conflicts == 0);
    }
}

TEST_CASE("a database from a newer program version is refused, not damaged") {
    test::TestStore t;
    REQUIRE(t->db().exec("PRAGMA user_version = 99"));
    t.store.reset();
    auto r = PersonalStore::signIn(t.dataDir, test::kAdminLogin, test::kAdminPin, t.clock);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("newer") != std::string::npos);
}

TEST_CASE("migrating twice is a no-op") {
    test::TestStore t;
    auto before = migrate(t->db());
    REQUIRE(before);
    CHECK(*before == latestSchemaVersion());
}

TEST_CASE("migration 9: persons migrated from schema 8 have an empty source_id, and a source_id is unique when set") {
    test::TestStore t;
    downgradeTo(t, 8);
    t.reopen();
    auto empty = t->db().scalarInt("SELECT count(*) FROM persons WHERE source_id = ''");
    REQUIRE(empty);
    CHECK(*empty == 2);
    REQUIRE(t->db().exec("UPDATE persons SET source_id = 'R-1' WHERE case_code = 'TUM-01-00001'"));
    CHECK_FALSE(t->db().exec("UPDATE persons SET source_id = 'R-1' WHERE case_code = 'TUM-01-00002'"));
    auto households = t->db().scalarInt("SELECT count(*) FROM households WHERE source_id = ''");
    CHECK(households);
}
