// The registration form's rules, without a screen: dates as people type
// them, per-field messages, and the records built for saving.
#include <doctest/doctest.h>

#include "kiosk/services/registration_form.hpp"
#include "kiosk/services/registration_service.hpp"

using namespace chasqui::kiosk;

namespace {

constexpr const char* kToday = "2025-06-15";

reg::RegisterForm validPersonStep() {
    reg::RegisterForm f;
    f.consent = "refused";
    f.givenNames = "Ana";
    f.familyName1 = "Rojas";
    f.sex = "female";
    f.birthDate = "15/06/1990";
    f.nationality = "VEN";
    f.docType = "none";
    f.populationType = "in_destination";
    f.migrationStatus = "regular";
    return f;
}

}  // namespace

TEST_CASE("register form: every problem of a step at once, each named by its field") {
    reg::RegisterForm empty;
    const auto errors = RegistrationService::check(reg::Step::Person, empty, kToday);
    CHECK(errors.at("consent").key == "register.error.choose");
    CHECK(errors.at("given_names").key == "register.error.required");
    CHECK(errors.at("family_name_1").key == "register.error.required");
    CHECK_FALSE(errors.contains("family_name_2"));  // optional
    CHECK(errors.at("sex").key == "register.error.choose");
    CHECK(errors.at("birth_date").key == "register.error.required");
    CHECK(errors.at("nationality").key == "register.error.choose");
    CHECK(reg::validateStep(reg::Step::Person, validPersonStep(), kToday).empty());

    auto f = validPersonStep();
    f.birthDate = "30/02/1990";
    CHECK(reg::validateStep(reg::Step::Person, f, kToday).at("birth_date").key == "register.error.date_not_real");
    f.birthDate = "16/06/2025";
    CHECK(reg::validateStep(reg::Step::Person, f, kToday).at("birth_date").key == "register.error.date_future");
    f.birthDate = "1990/06";
    CHECK(reg::validateStep(reg::Step::Person, f, kToday).at("birth_date").key == "register.error.date_format");
    f.ageOnly = true;
    f.ageYears = "130";
    CHECK(reg::validateStep(reg::Step::Person, f, kToday).at("age").key == "register.error.age");
    f.ageYears = "34";
    CHECK(reg::validateStep(reg::Step::Person, f, kToday).empty());
    f.nationality = "other";
    f.countryQuery = "arg";  // typed, nothing picked yet
    CHECK(reg::validateStep(reg::Step::Person, f, kToday).at("other_country").key == "register.error.country_pick");
    f.otherCountry = "ARG";
    CHECK(reg::validateStep(reg::Step::Person, f, kToday).empty());
    CHECK(reg::nationalityCode(f) == "ARG");
}

TEST_CASE("register form: documents, phone, arrival and consent in words for their rule") {
    auto f = validPersonStep();
    f.docType = "dni";
    f.docNumber = "1234";
    f.phone = "12";
    f.populationType = "in_destination";
    f.migrationStatus = "regular";
    f.arrivalDate = "01/01/1980";
    auto errors = reg::validateStep(reg::Step::Person, f, kToday);
    CHECK(errors.at("doc_number").key == "register.error.doc_dni");
    CHECK(errors.at("phone").key == "register.error.phone");
    CHECK(errors.at("arrival_date").key == "register.error.arrival_before_birth");
    f.docNumber = "12#45678";
    CHECK(reg::validateStep(reg::Step::Person, f, kToday).at("doc_number").key == "register.error.doc_chars");
    f.docType = "none";
    f.phone.clear();
    f.arrivalDate.clear();
    CHECK(reg::validateStep(reg::Step::Person, f, kToday).empty());

    f.household = "new";
    f.districtQuery = "Zzz";  // typed, nothing picked
    CHECK(reg::validateStep(reg::Step::HouseholdCase, f, kToday).at("district").key == "register.error.district_pick");
    f.district = "150101";
    CHECK(reg::validateStep(reg::Step::HouseholdCase, f, kToday).empty());
    f.household = "join";
    errors = reg::validateStep(reg::Step::HouseholdCase, f, kToday);
    CHECK(errors.at("join").key == "register.error.join_pick");
    CHECK(errors.at("relation").key == "register.error.choose");
    f.joinPersonId = "someone";
    f.relation = "spouse";
    CHECK(reg::validateStep(reg::Step::HouseholdCase, f, kToday).empty());

    f.consent = "given";
    f.consentDate.clear();
    f.consentScope.clear();
    errors = reg::validateStep(reg::Step::Person, f, kToday);
    CHECK(errors.at("consent_date").key == "register.error.required");
    CHECK(errors.at("consent_scope").key == "register.error.consent_scope");
    f.consent = "refused";
    CHECK(reg::validateStep(reg::Step::Person, f, kToday).empty());
    CHECK(reg::stepOfField("doc_number") == reg::Step::Person);
    CHECK(reg::stepOfField("consent_scope") == reg::Step::Person);
    CHECK(reg::stepOfField("needs") == reg::Step::HouseholdCase);
}

TEST_CASE("register form: records for saving are trimmed, converted and estimated when only the age is known") {
    auto f = validPersonStep();
    f.givenNames = "  Ana María ";
    f.docType = "none";
    f.docNumber = "leftover";
    f.consentScope = {"registration"};
    auto p = reg::buildPerson(f, kToday);
    CHECK(p.givenNames == "Ana María");
    CHECK(p.birthDate == "1990-06-15");
    CHECK_FALSE(p.birthDateEstimated);
    CHECK(p.docNumber.empty());
    const auto c = reg::buildCase(f, kToday);
    CHECK_FALSE(c.consent.given);
    CHECK(c.consent.scope.empty());  // refused consent has no scope
    CHECK(c.openedDate == kToday);

    f.ageOnly = true;
    f.ageYears = "34";
    p = reg::buildPerson(f, kToday);
    CHECK(p.birthDate == "1991-06-15");
    CHECK(p.birthDateEstimated);

    // Filled text is overwritten and the form starts again.
    f.wipe();
    CHECK(f.givenNames.empty());
    CHECK(f.languages == std::vector<std::string>{"es"});
}

TEST_CASE("register form: a draft's body brings back every field; a damaged one is refused") {
    auto f = validPersonStep();
    f.ageOnly = true;
    f.ageYears = "34";
    f.needs = {"health", "shelter"};
    f.household = "join";
    f.joinPersonId = "p-1";
    const auto back = reg::formFromDraft(reg::draftBody(f));
    REQUIRE(back.has_value());
    CHECK(*back == f);
    CHECK(reg::draftInitial(f) == "A");
    CHECK_FALSE(reg::formFromDraft("not json").has_value());
    CHECK_FALSE(reg::formFromDraft(R"({"v":1,"given_names":3})").has_value());
    CHECK_FALSE(reg::formFromDraft(R"({"v":99})").has_value());
    CHECK(reg::isBlank(reg::RegisterForm{}));
    CHECK_FALSE(reg::isBlank(f));
}
