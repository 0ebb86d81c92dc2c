#pragma once
// What the registration wizard collects, step by step, and the checks that
// put a message right next to each field. The rules are storage's
// (storage/base/validation.hpp); this file only runs them field by field, so every
// problem of a step shows at once, and names each problem with a catalog key
// instead of storage's English developer message. Pure logic: no UI, no store.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/model.hpp"
#include "storage/base/vocabulary.hpp"

namespace chasqui::kiosk::reg {

enum class Step { Person, Document, Household, Case, Review };
constexpr int kStepCount = 5;

// A field's problem: a catalog key and the value of its {0}, if any.
struct FieldError {
    std::string key;
    std::string value;
};
// Keyed by the field's name ("given_names"), which is also its widget key
// after "register.".
using FieldErrors = std::map<std::string, FieldError, std::less<>>;

// Everything typed or chosen, as typed: dates day first ("15-06-1990").
struct RegisterForm {
    // (a) the person
    std::string givenNames;
    std::string familyName1;
    std::string familyName2;
    std::string sex;
    bool ageOnly = false;  // only an age is known: the birth date is estimated
    std::string birthDate;
    std::string ageYears;
    std::string nationality;   // an offered code, or "other"
    std::string otherCountry;  // ISO 3166 alpha-3 when nationality is "other"
    std::vector<std::string> languages{"es"};
    // (b) papers and contact
    std::string docType;
    std::string docNumber;
    std::string phone;
    std::string populationType;
    std::string migrationStatus;
    std::string arrivalDate;
    // (c) household
    std::string household;  // "alone" | "new" (a new household with this person as its head)
    std::string district;   // UBIGEO of residence, optional
    // (d) the case
    std::vector<std::string> needs;
    std::vector<std::string> vulnerabilities;
    std::string priority = "normal";
    std::string consent;  // "given" | "refused"
    std::string consentDate;
    std::vector<std::string> consentScope{"registration"};

    // Back to an empty form, overwriting the text first.
    void wipe();
    bool operator==(const RegisterForm&) const = default;
};

// Nationalities offered as buttons (the common ones at Peruvian PAOs, and
// XXX for stateless or unknown); any other country is typed as its code.
storage::vocab::List offeredNationalities();
inline constexpr std::string_view kOtherNationality = "other";

// "1990-06-15" from what was typed: DD-MM-YYYY (1 or 2 digit day and month,
// '-' or nothing between), or already YYYY-MM-DD. Empty when it is not a date's shape.
std::string isoFromTyped(std::string_view typed);
// "15-06-1990" from "1990-06-15": how a date is shown back in the form.
std::string typedFromIso(std::string_view iso);

// Catalog key of a step's title.
const char* stepTitleKey(Step step);

FieldErrors validateStep(Step step, const RegisterForm& form, std::string_view todayIso);
FieldErrors validateAll(const RegisterForm& form, std::string_view todayIso);
// The step where a field is asked (Review for an unknown one).
Step stepOfField(std::string_view field);

// Records to save; call after validateAll found nothing. Names are trimmed,
// dates converted, codes upper-cased; ids are filled in by the save.
storage::Person buildPerson(const RegisterForm& form, std::string_view todayIso);
storage::Case buildCase(const RegisterForm& form, std::string_view todayIso);
bool wantsHousehold(const RegisterForm& form);
storage::Household buildHousehold(const RegisterForm& form);
std::string nationalityCode(const RegisterForm& form);

}  // namespace chasqui::kiosk::reg
