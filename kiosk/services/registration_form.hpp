#pragma once
// What the registration wizard collects, step by step, and the checks that
// put a message right next to each field. The rules are storage's
// (storage/base/validation.hpp); this file only runs them field by field, so every
// problem of a step shows at once, and names each problem with a catalog key
// instead of storage's English developer message. Screens reach the checks
// through RegistrationService::check. Pure logic: no UI, no store.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/model.hpp"
#include "storage/base/vocabulary.hpp"

namespace chasqui::kiosk::reg {

// Two screens: consent, the person and their papers; then household and
// case, saved from there.
enum class Step { Person, HouseholdCase };
constexpr int kStepCount = 2;

// A field's problem: a catalog key and the value of its {0}, if any.
struct FieldError {
    std::string key;
    std::string value;
};
// Keyed by the field's name ("given_names"), which is also its widget key
// after "register.".
using FieldErrors = std::map<std::string, FieldError, std::less<>>;

// Everything typed or chosen, as typed: dates day first ("15/06/1990").
struct RegisterForm {
    // consent, asked first
    std::string consent;  // "given" | "refused"
    std::string consentDate;
    std::vector<std::string> consentScope{"registration"};
    // the person
    std::string givenNames;
    std::string familyName1;
    std::string familyName2;
    std::string sex;
    bool ageOnly = false;  // only an age is known: the birth date is estimated
    std::string birthDate;
    std::string ageYears;
    std::string nationality;   // an offered code, or "other"
    std::string countryQuery;  // what was typed to find the other country
    std::string otherCountry;  // ISO 3166 alpha-3 picked from the list when nationality is "other"
    std::vector<std::string> languages{"es"};
    // papers and contact
    std::string docType;
    std::string docNumber;
    std::string phone;
    std::string populationType;
    std::string migrationStatus;
    std::string arrivalDate;
    // household
    std::string household;      // "alone" | "new" (headed by this person) | "join" (an existing one)
    std::string districtQuery;  // what was typed to find the district
    std::string district;       // UBIGEO picked from the list, optional
    std::string joinQuery;      // a name, to find the household to join
    std::string joinPersonId;   // the member picked; their household is joined
    std::string joinName;       // shown once picked
    std::string relation;       // relation to the head of the joined household
    // the case
    std::vector<std::string> needs;
    std::vector<std::string> vulnerabilities;
    std::string priority = "normal";

    // Back to an empty form, overwriting the text first.
    void wipe();
    bool operator==(const RegisterForm&) const = default;
};

// Nationalities offered as buttons (the common ones at Peruvian PAOs, and
// XXX for stateless or unknown); any other country is found by its name.
storage::vocab::List offeredNationalities();
inline constexpr std::string_view kOtherNationality = "other";

// Catalog key of a step's title.
const char* stepTitleKey(Step step);

FieldErrors validateStep(Step step, const RegisterForm& form, std::string_view todayIso);
FieldErrors validateAll(const RegisterForm& form, std::string_view todayIso);
// The step where a field is asked (the last one for an unknown one).
Step stepOfField(std::string_view field);

// Records to save; call after validateAll found nothing. Names are trimmed,
// dates converted, codes upper-cased; ids are filled in by the save.
storage::Person buildPerson(const RegisterForm& form, std::string_view todayIso);
storage::Case buildCase(const RegisterForm& form, std::string_view todayIso);
bool wantsHousehold(const RegisterForm& form);  // a new household headed by the person
storage::Household buildHousehold(const RegisterForm& form);
std::string nationalityCode(const RegisterForm& form);
// What the duplicate check compares while the person is typed: names, birth
// date when it is a whole date, document. Empty given or first family name: nothing to check yet.
bool readyForDuplicateCheck(const RegisterForm& form);
storage::Person duplicateProbe(const RegisterForm& form);

// Nothing typed or chosen yet (today's consent date aside).
bool isBlank(const RegisterForm& form);
// The form as a draft's body (JSON) and back; nullopt for a body that is not
// one (damaged, or from another version): such a draft is dropped, not guessed at.
std::string draftBody(const RegisterForm& form);
std::optional<RegisterForm> formFromDraft(std::string_view body);
// What a draft is offered with: the first letter of the given names ("R"), no more.
std::string draftInitial(const RegisterForm& form);

}  // namespace chasqui::kiosk::reg
