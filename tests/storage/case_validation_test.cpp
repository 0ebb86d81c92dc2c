// Validation of cases, assistance, referrals (and their status steps) and
// notes at the repository boundary: bad input is refused with InvalidInput (or
// NotFound for a missing parent record), the error names the field, and
// nothing at all is written, no case number used up. People:
// person_validation_test.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/base/model.hpp"
#include "storage/base/validation.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/storage/validation_support.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui::storage;
using namespace chasqui::test;

namespace {

// A store with a person, a case with consent, a case without, a referral in
// "sent" and a referral that went all the way to "completed".
struct CaseWorld {
    TestStore ts;
    PersonRepository persons{*ts};
    CaseRepository cases{*ts};
    std::string personId;
    std::string caseId;
    std::string noConsentCaseId;
    std::string referralId;
    std::string completedReferralId;

    CaseWorld() {
        auto person = persons.add(samplePerson());
        REQUIRE(person.has_value());
        personId = person->id;
        auto opened = cases.open(sampleCase());
        REQUIRE(opened.has_value());
        caseId = *opened;
        Case refused = sampleCase();
        refused.consent = {false, "2025-06-01", {}};
        auto openedRefused = cases.open(refused);
        REQUIRE(openedRefused.has_value());
        noConsentCaseId = *openedRefused;
        auto referral = cases.refer(sampleReferral());
        REQUIRE(referral.has_value());
        referralId = *referral;
        auto done = cases.refer(sampleReferral());
        REQUIRE(done.has_value());
        completedReferralId = *done;
        for (const char* status : {"accepted", "in_progress", "completed"})
            REQUIRE(cases.setReferralStatus(completedReferralId, status, "2025-06-12", "").has_value());
    }

    const Session& session() { return ts->session(); }

    Case sampleCase() {
        Case c;
        c.personId = personId;
        c.officeId = session().officeId;
        c.priority = "high";
        c.vulnerabilities = {"chronic_illness"};
        c.needs = {"health", "food_security"};
        c.consent = {true, "2025-06-01", {"registration", "referral_sharing"}};
        c.openedDate = "2025-06-01";
        return c;
    }
    Assistance sampleAssistance() {
        Assistance a;
        a.caseId = caseId;
        a.date = "2025-06-10";
        a.sector = "food_security";
        a.type = "food_kit";
        a.quantity = 2;
        a.unit = "kit";
        a.officeId = session().officeId;
        a.staffId = session().staffId;
        return a;
    }
    Referral sampleReferral() {
        Referral r;
        r.caseId = caseId;
        r.serviceId = "minsa-tumbes-centro-salud";
        r.reason = "Needs a check-up for a chronic illness";
        r.urgency = "high";
        r.consentToShare = true;
        r.followUpDate = "2025-06-30";
        return r;
    }
    Note sampleNote() {
        Note n;
        n.caseId = caseId;
        n.text = "Spoke with her about the PTP appointment.";
        return n;
    }
};

}  // namespace

TEST_CASE("CaseRepository::open refuses invalid cases and writes nothing") {
    CaseWorld world;
    const std::vector<BadInput<Case>> cases = {
        {"neither person nor household", [](Case& c) { c.personId.clear(); }, "person_id"},
        {"both person and household", [](Case& c) { c.householdId = kUnknownId; }, "person_id"},
        {"person id is not a record id", [](Case& c) { c.personId = "maria"; }, "person_id"},
        {"person is not on this kiosk", [](Case& c) { c.personId = kUnknownId; }, "person_id", ErrorCode::NotFound},
        {"household is not on this kiosk",
         [](Case& c) {
             c.personId.clear();
             c.householdId = kUnknownId;
         },
         "household_id", ErrorCode::NotFound},
        {"office id missing", [](Case& c) { c.officeId.clear(); }, "office_id"},
        {"status: unknown code", [](Case& c) { c.status = "pending"; }, "status"},
        {"priority: unknown code", [](Case& c) { c.priority = "urgent"; }, "priority"},
        {"vulnerabilities: unknown code", [](Case& c) { c.vulnerabilities = {"poverty"}; }, "vulnerabilities"},
        {"needs: unknown sector", [](Case& c) { c.needs = {"food"}; }, "needs"},
        {"needs: listed twice",
         [](Case& c) {
             c.needs = {"health", "health"};
         },
         "needs"},
        {"opened date: tomorrow", [](Case& c) { c.openedDate = "2025-06-16"; }, "opened_date"},
        {"opened date: 2025-02-30", [](Case& c) { c.openedDate = "2025-02-30"; }, "opened_date"},
        {"opened date: written 15/06/2025", [](Case& c) { c.openedDate = "15/06/2025"; }, "opened_date"},
        {"opened date: empty", [](Case& c) { c.openedDate.clear(); }, "opened_date"},
        {"consent given without a date", [](Case& c) { c.consent.date.clear(); }, "consent_date"},
        {"consent date: tomorrow", [](Case& c) { c.consent.date = "2025-06-16"; }, "consent_date"},
        {"consent scope: unknown code", [](Case& c) { c.consent.scope = {"everything"}; }, "consent_scope"},
        {"consent refused, but with a scope",
         [](Case& c) {
             c.consent.given = false;
             c.consent.scope = {"referral_sharing"};
         },
         "consent_scope"},
        {"closed without a closing date", [](Case& c) { c.status = "closed"; }, "closed_date"},
        {"closed before it was opened",
         [](Case& c) {
             c.status = "closed";
             c.closedDate = "2025-05-31";
         },
         "closed_date"},
        {"open with a closing date", [](Case& c) { c.closedDate = "2025-06-10"; }, "closed_date"},
    };
    for (const auto& bad : cases) {
        const std::string what = bad.description;
        CAPTURE(what);
        Case record = world.sampleCase();
        bad.mutate(record);
        const Snapshot before = snapshot(*world.ts);
        const auto result = world.cases.open(record);
        checkRejected(result, bad.code, bad.field);
        checkNothingWritten(before, snapshot(*world.ts));
    }
    CHECK(world.cases.open(world.sampleCase()).has_value());
}

TEST_CASE("CaseRepository::recordAssistance refuses invalid assistance and writes nothing") {
    CaseWorld world;
    const std::vector<BadInput<Assistance>> cases = {
        {"case id missing", [](Assistance& a) { a.caseId.clear(); }, "case_id"},
        {"case id is not a record id", [](Assistance& a) { a.caseId = "case-1"; }, "case_id"},
        {"case is not on this kiosk", [](Assistance& a) { a.caseId = kUnknownId; }, "case_id", ErrorCode::NotFound},
        {"date: tomorrow", [](Assistance& a) { a.date = "2025-06-16"; }, "date"},
        {"date: 2025-02-30", [](Assistance& a) { a.date = "2025-02-30"; }, "date"},
        {"date: written 15/06/2025", [](Assistance& a) { a.date = "15/06/2025"; }, "date"},
        {"date: before the programme existed", [](Assistance& a) { a.date = "2014-12-31"; }, "date"},
        {"sector: unknown code", [](Assistance& a) { a.sector = "food"; }, "sector"},
        {"type: belongs to another sector",
         [](Assistance& a) {
             a.sector = "health";
             a.type = "food_kit";
         },
         "type"},
        {"type: unknown code", [](Assistance& a) { a.type = "sandwich"; }, "type"},
        {"type: empty", [](Assistance& a) { a.type.clear(); }, "type"},
        {"quantity: zero", [](Assistance& a) { a.quantity = 0; }, "quantity"},
        {"quantity: negative", [](Assistance& a) { a.quantity = -3; }, "quantity"},
        {"quantity: not a number", [](Assistance& a) { a.quantity = std::numeric_limits<double>::quiet_NaN(); },
         "quantity"},
        {"quantity: infinite", [](Assistance& a) { a.quantity = std::numeric_limits<double>::infinity(); }, "quantity"},
        {"quantity: 100001", [](Assistance& a) { a.quantity = 100001; }, "quantity"},
        {"unit: unknown code", [](Assistance& a) { a.unit = "box"; }, "unit"},
        {"unit: empty", [](Assistance& a) { a.unit.clear(); }, "unit"},
        {"office id: not a record id", [](Assistance& a) { a.officeId = "TUM"; }, "office_id"},
        {"staff id: missing", [](Assistance& a) { a.staffId.clear(); }, "staff_id"},
    };
    for (const auto& bad : cases) {
        const std::string what = bad.description;
        CAPTURE(what);
        Assistance record = world.sampleAssistance();
        bad.mutate(record);
        const Snapshot before = snapshot(*world.ts);
        const auto result = world.cases.recordAssistance(record);
        checkRejected(result, bad.code, bad.field);
        checkNothingWritten(before, snapshot(*world.ts));
    }
    CHECK(world.cases.recordAssistance(world.sampleAssistance()).has_value());
}

TEST_CASE("CaseRepository::refer refuses invalid referrals and writes nothing") {
    CaseWorld world;
    const std::string noConsent = world.noConsentCaseId;
    const std::vector<BadInput<Referral>> cases = {
        {"case id missing", [](Referral& r) { r.caseId.clear(); }, "case_id"},
        {"case is not on this kiosk", [](Referral& r) { r.caseId = kUnknownId; }, "case_id", ErrorCode::NotFound},
        {"service id missing", [](Referral& r) { r.serviceId.clear(); }, "service_id"},
        {"service id with spaces and capitals", [](Referral& r) { r.serviceId = "Centro de Salud"; }, "service_id"},
        {"service id: 65 characters", [](Referral& r) { r.serviceId = std::string(65, 's'); }, "service_id"},
        {"reason: empty", [](Referral& r) { r.reason.clear(); }, "reason"},
        {"reason: 2 characters", [](Referral& r) { r.reason = "ok"; }, "reason"},
        {"reason: invalid UTF-8", [](Referral& r) { r.reason = "Necesita atenci\xF3n"; }, "reason"},
        {"reason: overlong encoding", [](Referral& r) { r.reason = "Needs \xC0\xAF help"; }, "reason"},
        {"reason: surrogate", [](Referral& r) { r.reason = "Needs \xED\xA0\x80 help"; }, "reason"},
        {"reason: control character", [](Referral& r) { r.reason = "Needs\x07 help"; }, "reason"},
        {"reason: 1001 characters", [](Referral& r) { r.reason = std::string(1001, 'r'); }, "reason"},
        {"urgency: unknown code", [](Referral& r) { r.urgency = "urgent"; }, "urgency"},
        {"follow-up date: 2025-02-30", [](Referral& r) { r.followUpDate = "2025-02-30"; }, "follow_up_date"},
        {"follow-up date: written 30/06/2025", [](Referral& r) { r.followUpDate = "30/06/2025"; }, "follow_up_date"},
        {"outcome: 1001 characters", [](Referral& r) { r.outcome = std::string(1001, 'o'); }, "outcome"},
        {"consent to share on a case without consent", [noConsent](Referral& r) { r.caseId = noConsent; },
         "consent_to_share"},
    };
    for (const auto& bad : cases) {
        const std::string what = bad.description;
        CAPTURE(what);
        Referral record = world.sampleReferral();
        bad.mutate(record);
        const Snapshot before = snapshot(*world.ts);
        const auto result = world.cases.refer(record);
        checkRejected(result, bad.code, bad.field);
        checkNothingWritten(before, snapshot(*world.ts));
    }
    // Without sharing, a referral from the case without consent is fine.
    Referral plain = world.sampleReferral();
    plain.caseId = world.noConsentCaseId;
    plain.consentToShare = false;
    CHECK(world.cases.refer(plain).has_value());
}

TEST_CASE("CaseRepository::setReferralStatus refuses unknown statuses and steps out of order") {
    CaseWorld world;
    struct BadStep {
        const char* description;
        std::string referralId;
        const char* status;
        const char* date;
        std::string comment;
        const char* field;
        ErrorCode code = ErrorCode::InvalidInput;
    };
    const std::string sent = world.referralId;
    const std::string completed = world.completedReferralId;
    const std::vector<BadStep> cases = {
        {"status: unknown code", sent, "done", "2025-06-14", "", "status"},
        {"status: empty", sent, "", "2025-06-14", "", "status"},
        {"status: wrong case", sent, "Accepted", "2025-06-14", "", "status"},
        {"skips a step: sent -> completed", sent, "completed", "2025-06-14", "", "status"},
        {"skips a step: sent -> in_progress", sent, "in_progress", "2025-06-14", "", "status"},
        {"stays: sent -> sent", sent, "sent", "2025-06-14", "", "status"},
        {"backwards: completed -> sent", completed, "sent", "2025-06-14", "", "status"},
        {"backwards: completed -> in_progress", completed, "in_progress", "2025-06-14", "", "status"},
        {"closed: completed -> cancelled", completed, "cancelled", "2025-06-14", "", "status"},
        {"date: tomorrow", sent, "accepted", "2025-06-16", "", "date"},
        {"date: 2025-02-30", sent, "accepted", "2025-02-30", "", "date"},
        {"date: written 14/06/2025", sent, "accepted", "14/06/2025", "", "date"},
        {"comment: invalid UTF-8", sent, "accepted", "2025-06-14", "Acept\xC3\x28", "comment"},
        {"comment: control character", sent, "accepted", "2025-06-14", "ok\x1B[0m", "comment"},
        {"comment: 1001 characters", sent, "accepted", "2025-06-14", std::string(1001, 'c'), "comment"},
    };
    for (const auto& bad : cases) {
        const std::string what = bad.description;
        CAPTURE(what);
        const Snapshot before = snapshot(*world.ts);
        const auto result = world.cases.setReferralStatus(bad.referralId, bad.status, bad.date, bad.comment);
        checkRejected(result, bad.code, bad.field);
        checkNothingWritten(before, snapshot(*world.ts));
    }

    SUBCASE("a referral that is not on this kiosk is NotFound, and nothing is written") {
        const Snapshot before = snapshot(*world.ts);
        const auto result = world.cases.setReferralStatus(kUnknownId, "accepted", "2025-06-14", "");
        REQUIRE_FALSE(result.has_value());
        CHECK(std::string(errorCodeName(result.error().code)) == std::string(errorCodeName(ErrorCode::NotFound)));
        CHECK_FALSE(result.error().message.empty());
        checkNothingWritten(before, snapshot(*world.ts));
    }
    SUBCASE("the allowed steps still work afterwards, each adding one history step") {
        const auto steps = [&] { return world.ts->db().scalarInt("SELECT count(*) FROM referral_status"); };
        const auto start = steps();
        REQUIRE(start.has_value());
        CHECK(world.cases.setReferralStatus(sent, "accepted", "2025-06-14", "cita el lunes").has_value());
        CHECK(world.cases.setReferralStatus(sent, "in_progress", "2025-06-15", "").has_value());
        CHECK(world.cases.setReferralStatus(sent, "completed", "2025-06-15", "").has_value());
        CHECK(steps().value() == *start + 3);
    }
}

// The documented order is sent -> accepted -> in_progress -> completed (or
// rejected / cancelled); accepted may not jump straight to completed.
TEST_CASE("setReferralStatus refuses accepted -> completed (skipping in_progress)") {
    CaseWorld world;
    REQUIRE(world.cases.setReferralStatus(world.referralId, "accepted", "2025-06-14", "").has_value());
    const Snapshot before = snapshot(*world.ts);
    const auto result = world.cases.setReferralStatus(world.referralId, "completed", "2025-06-15", "");
    checkRejected(result, ErrorCode::InvalidInput, "status");
    checkNothingWritten(before, snapshot(*world.ts));
}

TEST_CASE("CaseRepository::addNote refuses invalid notes and writes nothing") {
    CaseWorld world;
    const std::vector<BadInput<Note>> cases = {
        {"text: empty", [](Note& n) { n.text.clear(); }, "text"},
        {"text: 4001 characters", [](Note& n) { n.text = std::string(4001, 'n'); }, "text"},
        {"text: 4001 two-byte characters", [](Note& n) { n.text = repeat("\xC3\xA9", 4001); }, "text"},
        {"text: invalid UTF-8 (C3 28)", [](Note& n) { n.text = "Habl\xC3\x28 con ella"; }, "text"},
        {"text: overlong (C0 AF)",
         [](Note& n) {
             n.text =
                 "a\xC0\xAF"
                 "b";
         },
         "text"},
        {"text: surrogate (ED A0 80)",
         [](Note& n) {
             n.text =
                 "a\xED\xA0\x80"
                 "b";
         },
         "text"},
        {"text: bell character", [](Note& n) { n.text = "Llamar\x07 luego"; }, "text"},
        {"text: escape sequence", [](Note& n) { n.text = "\x1B[2J borrar pantalla"; }, "text"},
        {"text: NUL byte", [](Note& n) { n.text = std::string("antes\0despues", 13); }, "text"},
        {"case id missing", [](Note& n) { n.caseId.clear(); }, "case_id"},
        {"case is not on this kiosk", [](Note& n) { n.caseId = kUnknownId; }, "case_id", ErrorCode::NotFound},
    };
    for (const auto& bad : cases) {
        const std::string what = bad.description;
        CAPTURE(what);
        Note note = world.sampleNote();
        bad.mutate(note);
        const Snapshot before = snapshot(*world.ts);
        const auto result = world.cases.addNote(note);
        checkRejected(result, bad.code, bad.field);
        checkNothingWritten(before, snapshot(*world.ts));
    }

    SUBCASE("4000 characters with line breaks and tabs are a valid note") {
        Note note = world.sampleNote();
        // 24 characters (25 bytes: the í takes two), then filler up to 4000.
        note.text = "Primera l\xC3\xADnea\n\tsegunda\r\n" + std::string(4000 - 24, 'x');
        REQUIRE(note.text.size() == 4001);
        const auto result = world.cases.addNote(note);
        CHECK(result.has_value());
    }
}

TEST_CASE("a form's check lists every field the store refuses, and the store's own check refuses the first") {
    Assistance a;  // nothing filled in: every field the form shows is wrong
    a.quantity = 0;
    const auto problems = assistanceProblems(a, "2025-06-15");
    std::vector<std::string> fields;
    for (const Error& e : problems) fields.push_back(e.field);
    CHECK(fields ==
          std::vector<std::string>{"case_id", "date", "sector", "type", "quantity", "unit", "office_id", "staff_id"});
    auto first = validateAssistance(a, "2025-06-15");
    REQUIRE_FALSE(first.has_value());
    CHECK(first.error().field == "case_id");

    Referral r;
    r.reason = "ok";         // too short
    r.urgency = "whenever";  // not a level
    r.followUpDate = "2100-01-01";
    fields.clear();
    for (const Error& e : referralProblems(r, "2025-06-15")) fields.push_back(e.field);
    CHECK(fields == std::vector<std::string>{"case_id", "service_id", "reason", "urgency", "follow_up_date"});
}
