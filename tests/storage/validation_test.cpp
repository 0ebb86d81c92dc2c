// Validation at the repository boundary: every kind of bad input is refused
// with InvalidInput (or NotFound for a missing parent record), the error names
// the field and carries a message, and nothing at all is written: no record,
// no audit entry, no change for sync, no case number used up.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "storage/case_repository.hpp"
#include "storage/error.hpp"
#include "storage/model.hpp"
#include "storage/person_repository.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui::storage;
using chasqui::test::samplePerson;
using chasqui::test::TestStore;

namespace {

std::string repeat(std::string_view piece, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += piece;
    return out;
}

std::string queryText(Db& db, const std::string& sql) {
    auto stmt = db.prepare(sql);
    REQUIRE(stmt.has_value());
    auto row = stmt->step();
    REQUIRE(row.has_value());
    std::string out = *row ? stmt->text(0) : std::string();
    stmt->reset();
    return out;
}

// What a rejected call must leave untouched.
constexpr std::array<const char*, 10> kTables{"persons", "households",      "cases", "assistance", "referrals",
                                              "referral_status", "notes", "audit", "changes",    "person_search"};

struct Snapshot {
    std::vector<std::int64_t> rows;
    std::string caseSeq;
    std::string auditHead;
    std::string referralStatuses;
};

Snapshot snapshot(PersonalStore& store) {
    Snapshot s;
    for (const char* table : kTables) {
        auto n = store.db().scalarInt(std::string("SELECT count(*) FROM ") + table);
        REQUIRE(n.has_value());
        s.rows.push_back(*n);
    }
    s.caseSeq = queryText(store.db(), "SELECT value FROM meta WHERE key = 'case_seq'");
    s.auditHead = queryText(store.db(), "SELECT value FROM meta WHERE key = 'audit_head'");
    s.referralStatuses = queryText(store.db(), "SELECT group_concat(id || ':' || status, ',') FROM referrals");
    return s;
}

void checkNothingWritten(const Snapshot& before, const Snapshot& after) {
    for (std::size_t i = 0; i < kTables.size(); ++i) {
        const std::string table = kTables[i];
        CAPTURE(table);
        CHECK(after.rows[i] == before.rows[i]);
    }
    CHECK(after.caseSeq == before.caseSeq);
    CHECK(after.auditHead == before.auditHead);
    CHECK(after.referralStatuses == before.referralStatuses);
}

template <typename T>
void checkRejected(const Result<T>& result, ErrorCode code, std::string_view field) {
    if (result.has_value()) {
        FAIL_CHECK("the invalid input was accepted");
        return;
    }
    CHECK(std::string(errorCodeName(result.error().code)) == std::string(errorCodeName(code)));
    CHECK(result.error().field == field);
    CHECK_FALSE(result.error().message.empty());
}

// One row of a table-driven test: what is wrong, how to make it wrong, and the
// field the error must name.
template <typename Record>
struct BadInput {
    const char* description;
    std::function<void(Record&)> mutate;
    const char* field;
    ErrorCode code = ErrorCode::InvalidInput;
};

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

constexpr const char* kUnknownId = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b";

}  // namespace

TEST_CASE("PersonRepository::add refuses every kind of invalid person and writes nothing") {
    const std::vector<BadInput<Person>> cases = {
        // Text that is not valid UTF-8, or holds control characters.
        {"given names: invalid UTF-8 (C3 28)", [](Person& p) { p.givenNames = "Mar\xC3\x28" "a"; }, "given_names"},
        {"given names: overlong '/' (C0 AF)", [](Person& p) { p.givenNames = "Ana\xC0\xAF"; }, "given_names"},
        {"given names: UTF-16 surrogate (ED A0 80)", [](Person& p) { p.givenNames = "Ana\xED\xA0\x80"; }, "given_names"},
        {"given names: beyond U+10FFFF (F4 90 80 80)", [](Person& p) { p.givenNames = "Ana\xF4\x90\x80\x80"; }, "given_names"},
        {"given names: truncated sequence at the end", [](Person& p) { p.givenNames = "Mar\xC3"; }, "given_names"},
        {"given names: lone continuation byte", [](Person& p) { p.givenNames = "\x80" "Ana"; }, "given_names"},
        {"given names: control character 0x01", [](Person& p) { p.givenNames = "Ana\x01Mar\xC3\xAD" "a"; }, "given_names"},
        {"given names: escape sequence", [](Person& p) { p.givenNames = "\x1B[31mAna"; }, "given_names"},
        {"given names: newline", [](Person& p) { p.givenNames = "Ana\nMar\xC3\xAD" "a"; }, "given_names"},
        {"given names: tab", [](Person& p) { p.givenNames = "Ana\tMar\xC3\xAD" "a"; }, "given_names"},
        {"given names: DEL", [](Person& p) { p.givenNames = "Ana\x7F"; }, "given_names"},
        {"given names: C1 control NEL (U+0085)", [](Person& p) { p.givenNames = "Ana\xC2\x85"; }, "given_names"},
        {"given names: line separator U+2028", [](Person& p) { p.givenNames = "Ana\xE2\x80\xA8Mar"; }, "given_names"},
        {"given names: NUL byte", [](Person& p) { p.givenNames = std::string("Ana\0Mar", 7); }, "given_names"},
        // Sizes and required fields.
        {"given names: 81 characters", [](Person& p) { p.givenNames = std::string(81, 'a'); }, "given_names"},
        {"given names: 81 two-byte characters", [](Person& p) { p.givenNames = repeat("\xC3\xB1", 81); }, "given_names"},
        {"given names: empty", [](Person& p) { p.givenNames.clear(); }, "given_names"},
        {"given names: leading space", [](Person& p) { p.givenNames = " Ana"; }, "given_names"},
        {"given names: only spaces", [](Person& p) { p.givenNames = "   "; }, "given_names"},
        {"first family name: empty", [](Person& p) { p.familyName1.clear(); }, "family_name_1"},
        {"first family name: invalid UTF-8", [](Person& p) { p.familyName1 = "P\xE9rez"; }, "family_name_1"},
        {"first family name: 81 characters", [](Person& p) { p.familyName1 = std::string(81, 'z'); }, "family_name_1"},
        {"second family name: 81 characters", [](Person& p) { p.familyName2 = std::string(81, 'g'); }, "family_name_2"},
        {"second family name: control character", [](Person& p) { p.familyName2 = "G\x07mez"; }, "family_name_2"},
        {"gender identity: 61 characters", [](Person& p) { p.genderIdentity = std::string(61, 'x'); }, "gender_identity"},
        // Closed lists.
        {"sex: unknown code", [](Person& p) { p.sex = "f"; }, "sex"},
        {"sex: wrong case", [](Person& p) { p.sex = "FEMALE"; }, "sex"},
        {"sex: empty", [](Person& p) { p.sex.clear(); }, "sex"},
        {"population type: unknown code", [](Person& p) { p.populationType = "refugee"; }, "population_type"},
        {"population type: empty", [](Person& p) { p.populationType.clear(); }, "population_type"},
        {"migration status: unknown code", [](Person& p) { p.migrationStatus = "illegal"; }, "migration_status"},
        {"languages: unknown code", [](Person& p) { p.languages = {"es", "xx"}; }, "languages"},
        {"languages: listed twice", [](Person& p) { p.languages = {"es", "es"}; }, "languages"},
        {"languages: too many", [](Person& p) { p.languages = {"es", "en", "pt", "ht", "fr", "qu", "ay"}; }, "languages"},
        {"relation to head: unknown code", [](Person& p) { p.relationToHead = "boss"; }, "relation_to_head"},
        {"household id: not a record id", [](Person& p) { p.householdId = "household-1"; }, "household_id"},
        // Dates.
        {"birth date: 2023-02-30 is not a day", [](Person& p) { p.birthDate = "2023-02-30"; }, "birth_date"},
        {"birth date: 2023-04-31 is not a day", [](Person& p) { p.birthDate = "2023-04-31"; }, "birth_date"},
        {"birth date: 2023-02-29 (not a leap year)", [](Person& p) { p.birthDate = "2023-02-29"; }, "birth_date"},
        {"birth date: month 13", [](Person& p) { p.birthDate = "2020-13-01"; }, "birth_date"},
        {"birth date: day 00", [](Person& p) { p.birthDate = "2020-01-00"; }, "birth_date"},
        {"birth date: 1899-12-31 is implausibly old", [](Person& p) { p.birthDate = "1899-12-31"; }, "birth_date"},
        {"birth date: tomorrow", [](Person& p) { p.birthDate = "2025-06-16"; }, "birth_date"},
        {"birth date: written 15/06/2025", [](Person& p) { p.birthDate = "15/06/2025"; }, "birth_date"},
        {"birth date: without leading zeros", [](Person& p) { p.birthDate = "1990-4-12"; }, "birth_date"},
        {"birth date: with a time", [](Person& p) { p.birthDate = "1990-04-12T00:00"; }, "birth_date"},
        {"birth date: empty", [](Person& p) { p.birthDate.clear(); }, "birth_date"},
        {"arrival date: before the birth date", [](Person& p) { p.arrivalDate = "1989-01-01"; }, "arrival_date"},
        {"arrival date: tomorrow", [](Person& p) { p.arrivalDate = "2025-06-16"; }, "arrival_date"},
        {"arrival date: 2023-02-30", [](Person& p) { p.arrivalDate = "2023-02-30"; }, "arrival_date"},
        {"arrival date: written 01/02/2023", [](Person& p) { p.arrivalDate = "01/02/2023"; }, "arrival_date"},
        // Nationality.
        {"nationality: ZZZ is not a country", [](Person& p) { p.nationality = "ZZZ"; }, "nationality"},
        {"nationality: lower case", [](Person& p) { p.nationality = "ven"; }, "nationality"},
        {"nationality: two letters", [](Person& p) { p.nationality = "VE"; }, "nationality"},
        {"nationality: empty", [](Person& p) { p.nationality.clear(); }, "nationality"},
        // Documents, one format per type.
        {"doc type: unknown", [](Person& p) { p.docType = "dnie"; }, "doc_type"},
        {"doc type: empty", [](Person& p) { p.docType.clear(); }, "doc_type"},
        {"DNI: 7 digits", [](Person& p) { p.docType = "dni"; p.docNumber = "1234567"; }, "doc_number"},
        {"DNI: 9 digits", [](Person& p) { p.docType = "dni"; p.docNumber = "123456789"; }, "doc_number"},
        {"DNI: with a letter", [](Person& p) { p.docType = "dni"; p.docNumber = "1234567A"; }, "doc_number"},
        {"DNI: empty", [](Person& p) { p.docType = "dni"; p.docNumber.clear(); }, "doc_number"},
        {"CE: 8 digits", [](Person& p) { p.docType = "ce"; p.docNumber = "12345678"; }, "doc_number"},
        {"CE: letter and only 5 digits", [](Person& p) { p.docType = "ce"; p.docNumber = "N12345"; }, "doc_number"},
        {"CE: letters inside the digits", [](Person& p) { p.docType = "ce"; p.docNumber = "0012AB567"; }, "doc_number"},
        {"PTP: 8 digits", [](Person& p) { p.docType = "ptp"; p.docNumber = "12345678"; }, "doc_number"},
        {"PTP: with a letter", [](Person& p) { p.docType = "ptp"; p.docNumber = "P12345678"; }, "doc_number"},
        {"CPP: 10 digits", [](Person& p) { p.docType = "cpp"; p.docNumber = "1234567890"; }, "doc_number"},
        {"CPP: with a letter", [](Person& p) { p.docType = "cpp"; p.docNumber = "12345678A"; }, "doc_number"},
        {"passport: 5 characters", [](Person& p) { p.docType = "passport"; p.docNumber = "AB123"; }, "doc_number"},
        {"passport: 13 characters", [](Person& p) { p.docType = "passport"; p.docNumber = "AB12345678901"; }, "doc_number"},
        {"cedula: no V or E", [](Person& p) { p.docNumber = "12.345.678"; }, "doc_number"},
        {"cedula: other letter", [](Person& p) { p.docNumber = "X-12.345.678"; }, "doc_number"},
        {"cedula: 5 digits", [](Person& p) { p.docNumber = "V-12.345"; }, "doc_number"},
        {"cedula: 10 digits", [](Person& p) { p.docNumber = "V-1234567890"; }, "doc_number"},
        {"asylum card: 16 characters", [](Person& p) { p.docType = "asylum_card"; p.docNumber = "SR12345678901234"; }, "doc_number"},
        {"asylum card: 5 characters", [](Person& p) { p.docType = "asylum_card"; p.docNumber = "SR123"; }, "doc_number"},
        {"no document, but a number", [](Person& p) { p.docType = "none"; p.docNumber = "12345678"; }, "doc_number"},
        {"document number: invalid UTF-8", [](Person& p) { p.docNumber = "V12345678\xFF"; }, "doc_number"},
        // Phone.
        {"phone: with letters", [](Person& p) { p.phone = "+51 987 ABC 321"; }, "phone"},
        {"phone: 6 digits", [](Person& p) { p.phone = "987654"; }, "phone"},
        {"phone: 16 digits", [](Person& p) { p.phone = "+51 9876543210123 4"; }, "phone"},
        {"phone: + in the middle", [](Person& p) { p.phone = "51+987654321"; }, "phone"},
        // Washington Group short set.
        {"disability: 5 answers", [](Person& p) { p.disability = "01200"; }, "disability"},
        {"disability: 7 answers", [](Person& p) { p.disability = "0120000"; }, "disability"},
        {"disability: answer 5 is out of range", [](Person& p) { p.disability = "012005"; }, "disability"},
        {"disability: a letter", [](Person& p) { p.disability = "01a000"; }, "disability"},
    };

    TestStore ts;
    PersonRepository repo(*ts);
    for (const auto& bad : cases) {
        const std::string what = bad.description;
        CAPTURE(what);
        Person person = samplePerson();
        bad.mutate(person);
        const Snapshot before = snapshot(*ts);
        const auto result = repo.add(person);
        checkRejected(result, bad.code, bad.field);
        checkNothingWritten(before, snapshot(*ts));
    }
    // No case number was used up by the refused registrations.
    auto accepted = repo.add(samplePerson());
    REQUIRE(accepted.has_value());
    CHECK(accepted->caseCode == "TUM-01-00001");
}

TEST_CASE("PersonRepository::add accepts values at the edges of what is valid") {
    const std::vector<std::pair<const char*, std::function<void(Person&)>>> cases = {
        {"given names: 80 characters", [](Person& p) { p.givenNames = std::string(80, 'a'); }},
        {"given names: 80 two-byte characters", [](Person& p) { p.givenNames = repeat("\xC3\xB1", 80); }},
        {"given names: one character", [](Person& p) { p.givenNames = "A"; }},
        {"given names: other scripts", [](Person& p) { p.givenNames = "\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF \xE6\x9D\x8E"; }},
        {"given names: emoji is text, not a control", [](Person& p) { p.givenNames = "Ana \xF0\x9F\x98\x80"; }},
        {"second family name: empty", [](Person& p) { p.familyName2.clear(); }},
        {"birth date: 1900-01-01", [](Person& p) { p.birthDate = "1900-01-01"; }},
        {"birth date: today, arrival today",
         [](Person& p) {
             p.birthDate = "2025-06-15";
             p.arrivalDate = "2025-06-15";
         }},
        {"birth date: leap day 2024-02-29",
         [](Person& p) {
             p.birthDate = "2024-02-29";
             p.arrivalDate = "2024-03-01";
         }},
        {"arrival date: empty", [](Person& p) { p.arrivalDate.clear(); }},
        {"arrival date: the birth date", [](Person& p) { p.arrivalDate = p.birthDate; }},
        {"nationality: stateless XXX", [](Person& p) { p.nationality = "XXX"; }},
        {"phone: empty", [](Person& p) { p.phone.clear(); }},
        {"phone: with parentheses and dashes", [](Person& p) { p.phone = "(072) 52-3456"; }},
        {"disability: six answers", [](Person& p) { p.disability = "012340"; }},
        {"languages: six", [](Person& p) { p.languages = {"es", "en", "pt", "ht", "fr", "qu"}; }},
    };
    TestStore ts;
    PersonRepository repo(*ts);
    for (const auto& [description, mutate] : cases) {
        const std::string what = description;
        CAPTURE(what);
        Person person = samplePerson();
        mutate(person);
        const auto result = repo.add(person);
        CHECK(result.has_value());
        if (!result) {
            const std::string error = result.error().message;
            CAPTURE(error);
            FAIL_CHECK("a valid person was refused");
        }
    }
}

TEST_CASE("every document type accepts a valid number and stores it normalized") {
    struct Valid {
        const char* type;
        const char* number;
        const char* stored;
    };
    const std::vector<Valid> cases = {
        {"dni", "12345678", "12345678"},
        {"dni", "12.345.678", "12345678"},
        {"ce", "001234567", "001234567"},
        {"ce", "n-123456", "N123456"},
        {"ptp", "123456789", "123456789"},
        {"cpp", "123456789", "123456789"},
        {"passport", "AB123456", "AB123456"},
        {"passport", "ab 123 456", "AB123456"},
        {"cedula_ven", "V-12.345.678", "V12345678"},
        {"cedula_ven", "e-8.765.432", "E8765432"},
        {"asylum_card", "SR1234567", "SR1234567"},
        {"none", "", ""},
    };
    TestStore ts;
    PersonRepository repo(*ts);
    for (const auto& c : cases) {
        const std::string what = std::string(c.type) + " " + c.number;
        CAPTURE(what);
        Person person = samplePerson();
        person.docType = c.type;
        person.docNumber = c.number;
        auto added = repo.add(person);
        REQUIRE(added.has_value());
        auto stored = repo.get(added->id);
        REQUIRE(stored.has_value());
        CHECK(stored->docType == c.type);
        CHECK(stored->docNumber == c.stored);
    }
}

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
        {"needs: listed twice", [](Case& c) { c.needs = {"health", "health"}; }, "needs"},
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
        {"quantity: not a number", [](Assistance& a) { a.quantity = std::numeric_limits<double>::quiet_NaN(); }, "quantity"},
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
        {"consent to share on a case without consent",
         [noConsent](Referral& r) { r.caseId = noConsent; },
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

// case_repository.hpp promises "sent -> accepted -> in_progress -> completed
// (or rejected / cancelled); refuses any other step", but
// vocab::referralTransitionAllowed lets accepted jump straight to completed.
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
        {"text: overlong (C0 AF)", [](Note& n) { n.text = "a\xC0\xAF" "b"; }, "text"},
        {"text: surrogate (ED A0 80)", [](Note& n) { n.text = "a\xED\xA0\x80" "b"; }, "text"},
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

// compactIdentifier() drops every byte that is not an ASCII letter or digit,
// so a non-ASCII letter typed into a document number vanishes silently and a
// different number is stored ("12345678Ñ" is saved as DNI 12345678).
TEST_CASE("a document number with a non-ASCII letter is refused, not silently shortened") {
    TestStore ts;
    PersonRepository repo(*ts);
    Person person = samplePerson();
    person.docType = "dni";
    person.docNumber = "12345678\xC3\x91";  // 12345678Ñ
    const Snapshot before = snapshot(*ts);
    const auto result = repo.add(person);
    checkRejected(result, ErrorCode::InvalidInput, "doc_number");
    checkNothingWritten(before, snapshot(*ts));
}

// checkText() only looks for ASCII spaces at the ends, so a required name made
// of nothing but a no-break space (or an ideographic space) counts as filled.
TEST_CASE("a required name made only of Unicode spaces is refused as empty") {
    TestStore ts;
    PersonRepository repo(*ts);
    for (const char* blank : {"\xC2\xA0", "\xE3\x80\x80", "\xE2\x80\x83\xE2\x80\x83"}) {
        const std::string value = blank;
        CAPTURE(value);
        Person person = samplePerson();
        person.givenNames = value;
        const Snapshot before = snapshot(*ts);
        const auto result = repo.add(person);
        checkRejected(result, ErrorCode::InvalidInput, "given_names");
        checkNothingWritten(before, snapshot(*ts));
    }
}
