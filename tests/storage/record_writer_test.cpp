// The one write path: every record written leaves exactly one change for sync
// and one audit entry, in the same transaction as the record; a failed write
// leaves nothing. Stamps, ids and case codes: record_stamps_test.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/records/audit_log.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/ids.hpp"
#include "storage/records/person_repository.hpp"
#include "storage/records/record_writer.hpp"
#include "tests/storage/change_log_support.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui::storage;
using namespace chasqui::test;

namespace {

std::string textOf(PersonalStore& store, const std::string& sql, const std::string& id) {
    auto stmt = store.db().prepare(sql);
    REQUIRE(stmt.has_value());
    stmt->bind(1, id);
    auto row = stmt->step();
    REQUIRE(row.has_value());
    REQUIRE(*row);
    std::string out = stmt->text(0);
    stmt->reset();
    return out;
}

std::int64_t intOf(PersonalStore& store, const std::string& sql, const std::string& id) {
    auto stmt = store.db().prepare(sql);
    REQUIRE(stmt.has_value());
    stmt->bind(1, id);
    auto row = stmt->step();
    REQUIRE(row.has_value());
    REQUIRE(*row);
    const std::int64_t out = stmt->integer(0);
    stmt->reset();
    return out;
}

void checkAuditChainIntact(PersonalStore& store) {
    AuditLog log(store.db());
    auto problems = log.verify();
    REQUIRE(problems.has_value());
    CHECK(problems->empty());
}

}  // namespace

TEST_CASE("adding a person writes the record, one change and one audit entry") {
    TestStore ts;
    PersonRepository repo(*ts);
    const Session& session = ts->session();
    const std::int64_t changesBefore = lastSeq(*ts, "changes");
    const std::int64_t auditBefore = lastSeq(*ts, "audit");

    auto added = repo.add(samplePerson());
    REQUIRE(added.has_value());

    const auto changes = changesAfter(*ts, changesBefore);
    REQUIRE(changes.size() == 1);
    const ChangeRow& change = changes[0];
    CHECK(change.entity == "person");
    CHECK(change.recordId == added->id);
    CHECK(change.op == "put");
    CHECK(isUuid(change.changeId));
    CHECK(change.changeId != added->id);
    CHECK(change.device == session.deviceId);
    CHECK(change.author == session.staffId);
    CHECK(change.createdAt == kTestNowMs);
    CHECK(looksLikeHlc(change.hlc));
    HlcStamp stamp;
    REQUIRE(HlcStamp::decode(change.hlc, stamp));
    CHECK(stamp.wallMs == kTestNowMs);
    CHECK(change.hlc.substr(0, 12) == fmt::format("{:012x}", kTestNowMs));

    const auto fields = nlohmann::json::parse(change.fields);
    REQUIRE(fields.is_object());
    CHECK(fields.at("case_code") == "TUM-01-00001");
    CHECK(fields.at("given_names") ==
          "Mar\xC3\xAD"
          "a Jos\xC3\xA9");
    CHECK(fields.at("family_name_1") == "P\xC3\xA9rez");
    CHECK(fields.at("family_name_2") == "G\xC3\xB3mez");
    CHECK(fields.at("sex") == "female");
    CHECK(fields.at("birth_date") == "1990-04-12");
    CHECK(fields.at("birth_date_estimated") == 0);
    CHECK(fields.at("nationality") == "VEN");
    CHECK(fields.at("doc_type") == "cedula_ven");
    CHECK(fields.at("doc_number") == "V12345678");  // normalized, as stored
    CHECK(fields.at("phone") == "+51 987 654 321");
    CHECK(fields.at("languages") == "es");
    CHECK(fields.at("arrival_date") == "2023-02-01");
    // Record metadata travels in the change's own columns, not as fields.
    CHECK_FALSE(fields.contains("id"));
    CHECK_FALSE(fields.contains("deleted"));

    const auto audit = auditAfter(*ts, auditBefore);
    REQUIRE(audit.size() == 1);
    CHECK(audit[0].action == "create");
    CHECK(audit[0].entity == "person");
    CHECK(audit[0].recordId == added->id);
    CHECK(audit[0].staffId == session.staffId);
    CHECK(audit[0].device == session.deviceId);
    CHECK(audit[0].at == kTestNowMs);

    // The record itself carries the same authorship.
    CHECK(textOf(*ts, "SELECT author FROM persons WHERE id = ?", added->id) == session.staffId);
    CHECK(textOf(*ts, "SELECT device FROM persons WHERE id = ?", added->id) == session.deviceId);
    CHECK(intOf(*ts, "SELECT created_at FROM persons WHERE id = ?", added->id) == kTestNowMs);
    CHECK(intOf(*ts, "SELECT deleted FROM persons WHERE id = ?", added->id) == 0);
    checkAuditChainIntact(*ts);
}

TEST_CASE("case writes leave one change and one audit entry per record written") {
    TestStore ts;
    PersonRepository persons(*ts);
    CaseRepository cases(*ts);
    auto person = persons.add(samplePerson());
    REQUIRE(person.has_value());

    Case record;
    record.personId = person->id;
    record.officeId = ts->session().officeId;
    record.consent = {true, "2025-06-01", {"registration", "referral_sharing"}};
    record.openedDate = "2025-06-01";

    struct Step {
        const char* entity;  // the record's entity in the change log
        const char* action;  // and its audit action
    };
    const auto expectWrites = [&](const std::vector<Step>& expected, std::int64_t changesBefore,
                                  std::int64_t auditBefore) {
        const auto changes = changesAfter(*ts, changesBefore);
        const auto audit = auditAfter(*ts, auditBefore);
        REQUIRE(changes.size() == expected.size());
        REQUIRE(audit.size() == expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            CAPTURE(i);
            CHECK(changes[i].entity == expected[i].entity);
            CHECK(changes[i].recordId == audit[i].recordId);
            CHECK(audit[i].entity == expected[i].entity);
            CHECK(audit[i].action == expected[i].action);
            CHECK(changes[i].op == "put");
        }
    };

    std::int64_t c0 = lastSeq(*ts, "changes");
    std::int64_t a0 = lastSeq(*ts, "audit");
    auto caseId = cases.open(record);
    REQUIRE(caseId.has_value());
    expectWrites({{"case", "create"}}, c0, a0);

    c0 = lastSeq(*ts, "changes");
    a0 = lastSeq(*ts, "audit");
    Assistance help{{}, *caseId, "2025-06-10",           "food_security",      "food_kit",
                    1,  "kit",   ts->session().officeId, ts->session().staffId};
    REQUIRE(cases.recordAssistance(help).has_value());
    expectWrites({{"assistance", "create"}}, c0, a0);

    c0 = lastSeq(*ts, "changes");
    a0 = lastSeq(*ts, "audit");
    Referral referral;
    referral.caseId = *caseId;
    referral.serviceId = "minsa-tumbes";
    referral.reason = "Control prenatal";
    referral.consentToShare = true;
    auto referralId = cases.refer(referral);
    REQUIRE(referralId.has_value());
    expectWrites({{"referral", "create"}, {"referral_status", "create"}}, c0, a0);

    c0 = lastSeq(*ts, "changes");
    a0 = lastSeq(*ts, "audit");
    REQUIRE(cases.setReferralStatus(*referralId, "accepted", "2025-06-14", "").has_value());
    expectWrites({{"referral", "update"}, {"referral_status", "create"}}, c0, a0);
    const auto statusChange = changesAfter(*ts, c0).front();
    CHECK(nlohmann::json::parse(statusChange.fields) == nlohmann::json::object({{"status", "accepted"}}));

    c0 = lastSeq(*ts, "changes");
    a0 = lastSeq(*ts, "audit");
    REQUIRE(cases.addNote(Note{{}, *caseId, "Primera visita"}).has_value());
    expectWrites({{"note", "create"}}, c0, a0);
    checkAuditChainIntact(*ts);
}

TEST_CASE("updating a person records only the fields that changed") {
    TestStore ts;
    PersonRepository repo(*ts);
    auto added = repo.add(samplePerson());
    REQUIRE(added.has_value());
    auto person = repo.get(added->id);  // audited as a view; read before counting
    REQUIRE(person.has_value());
    const std::int64_t changesBefore = lastSeq(*ts, "changes");
    const std::int64_t auditBefore = lastSeq(*ts, "audit");

    SUBCASE("one field changed: a change holding only that field") {
        ts.clock.advance(60000);
        person->phone = "+51 999 888 777";
        REQUIRE(repo.update(*person).has_value());
        const auto changes = changesAfter(*ts, changesBefore);
        REQUIRE(changes.size() == 1);
        CHECK(changes[0].op == "put");
        CHECK(changes[0].recordId == added->id);
        const auto fields = nlohmann::json::parse(changes[0].fields);
        CHECK(fields.dump() == nlohmann::json::object({{"phone", "+51 999 888 777"}}).dump());
        const auto audit = auditAfter(*ts, auditBefore);
        REQUIRE(audit.size() == 1);
        CHECK(audit[0].action == "update");
        CHECK(audit[0].recordId == added->id);
        CHECK(intOf(*ts, "SELECT updated_at FROM persons WHERE id = ?", added->id) == kTestNowMs + 60000);
        CHECK(intOf(*ts, "SELECT created_at FROM persons WHERE id = ?", added->id) == kTestNowMs);
        CHECK(textOf(*ts, "SELECT case_code FROM persons WHERE id = ?", added->id) == "TUM-01-00001");
    }
    SUBCASE("two fields changed: exactly those two") {
        person->familyName2 = "Rojas";
        person->migrationStatus = "regular";
        REQUIRE(repo.update(*person).has_value());
        const auto changes = changesAfter(*ts, changesBefore);
        REQUIRE(changes.size() == 1);
        const auto fields = nlohmann::json::parse(changes[0].fields);
        CHECK(fields.dump() ==
              nlohmann::json::object({{"family_name_2", "Rojas"}, {"migration_status", "regular"}}).dump());
        CHECK(auditAfter(*ts, auditBefore).size() == 1);
    }
    SUBCASE("identical values: no change and no audit entry") {
        REQUIRE(repo.update(*person).has_value());
        CHECK(changesAfter(*ts, changesBefore).empty());
        CHECK(auditAfter(*ts, auditBefore).empty());
    }
    SUBCASE("the same document typed with separators again is not a change") {
        Person retyped = samplePerson();  // doc number "V-12.345.678", stored as "V12345678"
        retyped.meta.id = added->id;
        REQUIRE(repo.update(retyped).has_value());
        CHECK(changesAfter(*ts, changesBefore).empty());
        CHECK(auditAfter(*ts, auditBefore).empty());
    }
    SUBCASE("a refused update writes nothing") {
        person->birthDate = "2025-06-16";
        auto refused = repo.update(*person);
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().field == "birth_date");
        CHECK(changesAfter(*ts, changesBefore).empty());
        CHECK(auditAfter(*ts, auditBefore).empty());
    }
}

TEST_CASE("removing a person leaves a tombstone and records a delete") {
    TestStore ts;
    PersonRepository repo(*ts);
    auto added = repo.add(samplePerson());
    REQUIRE(added.has_value());
    const std::int64_t changesBefore = lastSeq(*ts, "changes");
    const std::int64_t auditBefore = lastSeq(*ts, "audit");

    REQUIRE(repo.remove(added->id).has_value());

    // The row is kept (so the deletion can sync), flagged as deleted.
    CHECK(intOf(*ts, "SELECT count(*) FROM persons WHERE id = ?", added->id) == 1);
    CHECK(intOf(*ts, "SELECT deleted FROM persons WHERE id = ?", added->id) == 1);
    const auto changes = changesAfter(*ts, changesBefore);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].op == "delete");
    CHECK(changes[0].entity == "person");
    CHECK(changes[0].recordId == added->id);
    CHECK(nlohmann::json::parse(changes[0].fields) == nlohmann::json::object());
    CHECK(looksLikeHlc(changes[0].hlc));
    const auto audit = auditAfter(*ts, auditBefore);
    REQUIRE(audit.size() == 1);
    CHECK(audit[0].action == "delete");
    CHECK(audit[0].recordId == added->id);

    auto gone = repo.get(added->id);
    REQUIRE_FALSE(gone.has_value());
    CHECK(gone.error().code == ErrorCode::NotFound);

    SUBCASE("removing it again is NotFound and writes nothing") {
        const std::int64_t c1 = lastSeq(*ts, "changes");
        const std::int64_t a1 = lastSeq(*ts, "audit");
        auto again = repo.remove(added->id);
        REQUIRE_FALSE(again.has_value());
        CHECK(again.error().code == ErrorCode::NotFound);
        CHECK(changesAfter(*ts, c1).empty());
        CHECK(auditAfter(*ts, a1).empty());
    }
}

TEST_CASE("a write that fails after inserting leaves no rows anywhere") {
    TestStore ts;
    const auto counts = [&] {
        std::vector<std::int64_t> n;
        for (const char* table : {"persons", "notes", "audit", "changes", "person_search", "meta"}) {
            auto c = ts->db().scalarInt(std::string("SELECT count(*) FROM ") + table);
            REQUIRE(c.has_value());
            n.push_back(*c);
        }
        auto seq = ts->db().scalarInt("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'case_seq'");
        REQUIRE(seq.has_value());
        n.push_back(*seq);
        return n;
    };
    const auto auditHead = [&] {
        auto stmt = ts->db().prepare("SELECT value FROM meta WHERE key = 'audit_head'");
        REQUIRE(stmt.has_value());
        auto row = stmt->step();
        REQUIRE(row.has_value());
        REQUIRE(*row);
        std::string head = stmt->text(0);
        stmt->reset();
        return head;
    };
    const auto before = counts();
    const std::string headBefore = auditHead();

    SUBCASE("a raw insert, then a failure, inside writeVoid") {
        std::string insertedId;
        auto result = ts->writeVoid([&](RecordWriter& w) -> Result<void> {
            Fields fields = personFields(samplePerson());
            fields.insert(fields.begin(), {"case_code", std::string("TUM-01-99999")});
            auto id = w.insert("person", fields);
            if (!id) return std::unexpected(id.error());
            insertedId = *id;
            return fail(ErrorCode::Internal, "injected failure after the insert");
        });
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().code == ErrorCode::Internal);
        CHECK(result.error().message == "injected failure after the insert");
        CHECK_FALSE(insertedId.empty());  // the insert itself did happen, then was rolled back
    }
    SUBCASE("a whole person registration, then a failure, inside writeVoid") {
        PersonRepository repo(*ts);
        auto result = ts->writeVoid([&](RecordWriter& w) -> Result<void> {
            auto added = repo.add(w, samplePerson());
            if (!added) return std::unexpected(added.error());
            if (auto r = w.insert("note", {{"case_id", added->id}, {"text", std::string("x")}}); !r)
                return std::unexpected(r.error());
            return fail(ErrorCode::Io, "disk full (injected)");
        });
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().code == ErrorCode::Io);
    }
    SUBCASE("a failure inside write<T>") {
        auto result = ts->write<std::string>([&](RecordWriter& w) -> Result<std::string> {
            auto id = w.insert("note", {{"case_id", std::string("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b")},
                                        {"text", std::string("nota")}});
            if (!id) return id;
            return fail(ErrorCode::Internal, "injected");
        });
        REQUIRE_FALSE(result.has_value());
    }

    CHECK(counts() == before);
    CHECK(auditHead() == headBefore);
    checkAuditChainIntact(*ts);
    // The case number was not used up either.
    PersonRepository repo(*ts);
    auto added = repo.add(samplePerson());
    REQUIRE(added.has_value());
    CHECK(added->caseCode == "TUM-01-00001");
    checkAuditChainIntact(*ts);
}
