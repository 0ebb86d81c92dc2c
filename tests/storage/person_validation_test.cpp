// Validation of people at the repository boundary: every kind of bad input is
// refused with InvalidInput, the error names the field and carries a message,
// and nothing at all is written: no record, no audit entry, no change for
// sync. Cases, assistance, referrals and notes: case_validation_test.
#include <doctest/doctest.h>

#include <limits>
#include <string>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/base/model.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/storage/validation_support.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui::storage;
using namespace chasqui::test;

TEST_CASE("PersonRepository::add refuses every kind of invalid person and writes nothing") {
    const std::vector<BadInput<Person>> cases = {
        // Text that is not valid UTF-8, or holds control characters.
        {"given names: invalid UTF-8 (C3 28)",
         [](Person& p) {
             p.givenNames =
                 "Mar\xC3\x28"
                 "a";
         },
         "given_names"},
        {"given names: overlong '/' (C0 AF)", [](Person& p) { p.givenNames = "Ana\xC0\xAF"; }, "given_names"},
        {"given names: UTF-16 surrogate (ED A0 80)", [](Person& p) { p.givenNames = "Ana\xED\xA0\x80"; },
         "given_names"},
        {"given names: beyond U+10FFFF (F4 90 80 80)", [](Person& p) { p.givenNames = "Ana\xF4\x90\x80\x80"; },
         "given_names"},
        {"given names: truncated sequence at the end", [](Person& p) { p.givenNames = "Mar\xC3"; }, "given_names"},
        {"given names: lone continuation byte",
         [](Person& p) {
             p.givenNames =
                 "\x80"
                 "Ana";
         },
         "given_names"},
        {"given names: control character 0x01",
         [](Person& p) {
             p.givenNames =
                 "Ana\x01Mar\xC3\xAD"
                 "a";
         },
         "given_names"},
        {"given names: escape sequence", [](Person& p) { p.givenNames = "\x1B[31mAna"; }, "given_names"},
        {"given names: newline",
         [](Person& p) {
             p.givenNames =
                 "Ana\nMar\xC3\xAD"
                 "a";
         },
         "given_names"},
        {"given names: tab",
         [](Person& p) {
             p.givenNames =
                 "Ana\tMar\xC3\xAD"
                 "a";
         },
         "given_names"},
        {"given names: DEL", [](Person& p) { p.givenNames = "Ana\x7F"; }, "given_names"},
        {"given names: C1 control NEL (U+0085)", [](Person& p) { p.givenNames = "Ana\xC2\x85"; }, "given_names"},
        {"given names: line separator U+2028", [](Person& p) { p.givenNames = "Ana\xE2\x80\xA8Mar"; }, "given_names"},
        {"given names: NUL byte", [](Person& p) { p.givenNames = std::string("Ana\0Mar", 7); }, "given_names"},
        // Sizes and required fields.
        {"given names: 81 characters", [](Person& p) { p.givenNames = std::string(81, 'a'); }, "given_names"},
        {"given names: 81 two-byte characters", [](Person& p) { p.givenNames = repeat("\xC3\xB1", 81); },
         "given_names"},
        {"given names: empty", [](Person& p) { p.givenNames.clear(); }, "given_names"},
        {"given names: leading space", [](Person& p) { p.givenNames = " Ana"; }, "given_names"},
        {"given names: only spaces", [](Person& p) { p.givenNames = "   "; }, "given_names"},
        {"first family name: empty", [](Person& p) { p.familyName1.clear(); }, "family_name_1"},
        {"first family name: invalid UTF-8", [](Person& p) { p.familyName1 = "P\xE9rez"; }, "family_name_1"},
        {"first family name: 81 characters", [](Person& p) { p.familyName1 = std::string(81, 'z'); }, "family_name_1"},
        {"second family name: 81 characters", [](Person& p) { p.familyName2 = std::string(81, 'g'); }, "family_name_2"},
        {"second family name: control character", [](Person& p) { p.familyName2 = "G\x07mez"; }, "family_name_2"},
        {"gender identity: 61 characters", [](Person& p) { p.genderIdentity = std::string(61, 'x'); },
         "gender_identity"},
        // Closed lists.
        {"sex: unknown code", [](Person& p) { p.sex = "f"; }, "sex"},
        {"sex: wrong case", [](Person& p) { p.sex = "FEMALE"; }, "sex"},
        {"sex: empty", [](Person& p) { p.sex.clear(); }, "sex"},
        {"population type: unknown code", [](Person& p) { p.populationType = "refugee"; }, "population_type"},
        {"population type: empty", [](Person& p) { p.populationType.clear(); }, "population_type"},
        {"migration status: unknown code", [](Person& p) { p.migrationStatus = "illegal"; }, "migration_status"},
        {"languages: unknown code",
         [](Person& p) {
             p.languages = {"es", "xx"};
         },
         "languages"},
        {"languages: listed twice",
         [](Person& p) {
             p.languages = {"es", "es"};
         },
         "languages"},
        {"languages: too many", [](Person& p) { p.languages = {"es", "en", "pt", "ht", "fr", "qu", "ay"}; },
         "languages"},
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
        {"DNI: 7 digits",
         [](Person& p) {
             p.docType = "dni";
             p.docNumber = "1234567";
         },
         "doc_number"},
        {"DNI: 9 digits",
         [](Person& p) {
             p.docType = "dni";
             p.docNumber = "123456789";
         },
         "doc_number"},
        {"DNI: with a letter",
         [](Person& p) {
             p.docType = "dni";
             p.docNumber = "1234567A";
         },
         "doc_number"},
        {"DNI: empty",
         [](Person& p) {
             p.docType = "dni";
             p.docNumber.clear();
         },
         "doc_number"},
        {"CE: 8 digits",
         [](Person& p) {
             p.docType = "ce";
             p.docNumber = "12345678";
         },
         "doc_number"},
        {"CE: letter and only 5 digits",
         [](Person& p) {
             p.docType = "ce";
             p.docNumber = "N12345";
         },
         "doc_number"},
        {"CE: letters inside the digits",
         [](Person& p) {
             p.docType = "ce";
             p.docNumber = "0012AB567";
         },
         "doc_number"},
        {"PTP: 8 digits",
         [](Person& p) {
             p.docType = "ptp";
             p.docNumber = "12345678";
         },
         "doc_number"},
        {"PTP: with a letter",
         [](Person& p) {
             p.docType = "ptp";
             p.docNumber = "P12345678";
         },
         "doc_number"},
        {"CPP: 10 digits",
         [](Person& p) {
             p.docType = "cpp";
             p.docNumber = "1234567890";
         },
         "doc_number"},
        {"CPP: with a letter",
         [](Person& p) {
             p.docType = "cpp";
             p.docNumber = "12345678A";
         },
         "doc_number"},
        {"passport: 5 characters",
         [](Person& p) {
             p.docType = "passport";
             p.docNumber = "AB123";
         },
         "doc_number"},
        {"passport: 13 characters",
         [](Person& p) {
             p.docType = "passport";
             p.docNumber = "AB12345678901";
         },
         "doc_number"},
        {"cedula: no V or E", [](Person& p) { p.docNumber = "12.345.678"; }, "doc_number"},
        {"cedula: other letter", [](Person& p) { p.docNumber = "X-12.345.678"; }, "doc_number"},
        {"cedula: 5 digits", [](Person& p) { p.docNumber = "V-12.345"; }, "doc_number"},
        {"cedula: 10 digits", [](Person& p) { p.docNumber = "V-1234567890"; }, "doc_number"},
        {"asylum card: 16 characters",
         [](Person& p) {
             p.docType = "asylum_card";
             p.docNumber = "SR12345678901234";
         },
         "doc_number"},
        {"asylum card: 5 characters",
         [](Person& p) {
             p.docType = "asylum_card";
             p.docNumber = "SR123";
         },
         "doc_number"},
        {"no document, but a number",
         [](Person& p) {
             p.docType = "none";
             p.docNumber = "12345678";
         },
         "doc_number"},
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
        {"given names: other scripts",
         [](Person& p) { p.givenNames = "\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF \xE6\x9D\x8E"; }},
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

// A non-ASCII letter typed into a document number must not vanish (an earlier
// compactIdentifier() dropped it, storing "12345678Ñ" as DNI 12345678).
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

// Unicode spaces count as blank (an earlier checkText() looked for ASCII
// spaces only, so a no-break space filled a required name).
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
