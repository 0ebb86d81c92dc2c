#include "kiosk/screens/register_form.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

#include "kiosk/screens/staff_text.hpp"
#include "storage/base/clock.hpp"
#include "storage/base/secret.hpp"
#include "storage/base/text.hpp"
#include "storage/base/validation.hpp"

namespace chasqui::kiosk::reg {

namespace {

using namespace std::string_view_literals;

// ISO 3166 codes, shown through vocab.nationalities.*.
constexpr std::array kOffered{"VEN"sv, "COL"sv, "ECU"sv, "HTI"sv, "PER"sv,  // i18n: not UI
                              "BOL"sv, "CHL"sv, "CUB"sv, "XXX"sv};          // i18n: not UI
constexpr std::size_t kMaxName = 80;

bool digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

void need(FieldErrors& errors, const char* field, bool chosen) {
    if (!chosen) errors[field] = {"register.error.choose", {}};
}

void checkName(FieldErrors& errors, const char* field, const std::string& value, bool required) {
    const std::string v = staff::trimmed(value);
    if (v.empty()) {
        if (required) errors[field] = {"register.error.required", {}};
        return;
    }
    if (!storage::isValidUtf8(v) || storage::codePointCount(v) > kMaxName) {
        errors[field] = {"register.error.too_long", std::to_string(kMaxName)};
        return;
    }
    if (!storage::checkText(field, v, 1, kMaxName)) errors[field] = {"register.error.text", {}};
}

// A typed date: required or not, and within [earliest, latest].
void checkTypedDate(FieldErrors& errors, const char* field, const std::string& typed, bool required,
                    std::string_view earliest, std::string_view latest) {
    if (staff::trimmed(typed).empty()) {
        if (required) errors[field] = {"register.error.required", {}};
        return;
    }
    const std::string iso = isoFromTyped(staff::trimmed(typed));
    if (iso.empty()) {
        errors[field] = {"register.error.date_format", {}};
        return;
    }
    if (!storage::checkDate(field, iso, "0001-01-01", "9999-12-31")) {
        errors[field] = {"register.error.date_not_real", {}};
        return;
    }
    if (iso > latest)
        errors[field] = {"register.error.date_future", {}};
    else if (iso < earliest)
        errors[field] = {"register.error.date_too_old", {}};
}

std::string estimatedBirth(int age, std::string_view today) {
    const int year = std::stoi(std::string(today.substr(0, 4))) - age;
    std::string md(today.substr(5));
    if (md == "02-29") md = "02-28";
    return fmt::format("{:04}-{}", year, md);
}

void wipeAll(std::initializer_list<std::string*> texts) {
    for (std::string* t : texts) {
        storage::wipeString(*t);
        t->clear();
    }
}

}  // namespace

void RegisterForm::wipe() {
    wipeAll({&givenNames, &familyName1, &familyName2, &birthDate, &ageYears, &otherCountry, &docNumber, &phone,
             &arrivalDate, &district, &consentDate});
    *this = RegisterForm{};
}

storage::vocab::List offeredNationalities() {
    return kOffered;
}

const char* stepTitleKey(Step step) {
    switch (step) {
        case Step::Person:
            return "register.step.person";
        case Step::Document:
            return "register.step.document";
        case Step::Household:
            return "register.step.household";
        case Step::Case:
            return "register.step.case";
        case Step::Review:
            return "register.step.review";
    }
    return "register.step.review";
}

std::string isoFromTyped(std::string_view typed) {
    // Already ISO.
    if (typed.size() == 10 && typed[4] == '-' && typed[7] == '-' && digits(typed.substr(0, 4)) &&
        digits(typed.substr(5, 2)) && digits(typed.substr(8, 2)))
        return std::string(typed);
    std::string day, month, year;
    if (digits(typed) && typed.size() == 8) {
        day = typed.substr(0, 2);
        month = typed.substr(2, 2);
        year = typed.substr(4, 4);
    } else {
        const auto first = typed.find('-');
        const auto second = first == std::string_view::npos ? first : typed.find('-', first + 1);
        if (second == std::string_view::npos) return {};
        day = typed.substr(0, first);
        month = typed.substr(first + 1, second - first - 1);
        year = typed.substr(second + 1);
    }
    if (!digits(day) || !digits(month) || !digits(year) || day.size() > 2 || month.size() > 2 || year.size() != 4)
        return {};
    return fmt::format("{}-{:0>2}-{:0>2}", year, month, day);
}

std::string typedFromIso(std::string_view iso) {
    if (iso.size() != 10) return std::string(iso);
    return fmt::format("{}-{}-{}", iso.substr(8, 2), iso.substr(5, 2), iso.substr(0, 4));
}

std::string nationalityCode(const RegisterForm& form) {
    if (form.nationality == kOtherNationality) return upper(staff::trimmed(form.otherCountry));
    return form.nationality;
}

FieldErrors validateStep(Step step, const RegisterForm& f, std::string_view today) {
    FieldErrors e;
    switch (step) {
        case Step::Person: {
            checkName(e, "given_names", f.givenNames, true);
            checkName(e, "family_name_1", f.familyName1, true);
            checkName(e, "family_name_2", f.familyName2, false);
            need(e, "sex", !f.sex.empty());
            if (f.ageOnly) {
                const std::string age = staff::trimmed(f.ageYears);
                if (age.empty())
                    e["age"] = {"register.error.required", {}};
                else if (!digits(age) || age.size() > 3 || std::stoi(age) > 120)
                    e["age"] = {"register.error.age", {}};
            } else {
                checkTypedDate(e, "birth_date", f.birthDate, true, "1900-01-01", today);
            }
            need(e, "nationality", !f.nationality.empty());
            if (f.nationality == kOtherNationality && !storage::vocab::isCountryCode(nationalityCode(f)))
                e["other_country"] = {"register.error.country_code", {}};
            break;
        }
        case Step::Document: {
            need(e, "doc_type", !f.docType.empty());
            const std::string number = staff::trimmed(f.docNumber);
            if (!f.docType.empty() && f.docType != "none") {
                if (number.empty()) {
                    e["doc_number"] = {"register.error.required", {}};
                } else if (auto r = storage::checkDocument(f.docType, number); !r) {
                    const bool chars =
                        r.error().message.find("use only") != std::string::npos;  // i18n: not UI (storage's wording)
                    e["doc_number"] = {chars ? "register.error.doc_chars" : "register.error.doc_" + f.docType, {}};
                }
            }
            if (!storage::checkPhone(staff::trimmed(f.phone))) e["phone"] = {"register.error.phone", {}};
            need(e, "population_type", !f.populationType.empty());
            need(e, "migration_status", !f.migrationStatus.empty());
            checkTypedDate(e, "arrival_date", f.arrivalDate, false, "1950-01-01", today);
            if (!e.contains("arrival_date") && !f.arrivalDate.empty() && !f.ageOnly) {
                const std::string birth = isoFromTyped(staff::trimmed(f.birthDate));
                if (!birth.empty() && isoFromTyped(staff::trimmed(f.arrivalDate)) < birth)
                    e["arrival_date"] = {"register.error.arrival_before_birth", {}};
            }
            break;
        }
        case Step::Household:
            need(e, "household", !f.household.empty());
            if (f.household == "new" && !staff::trimmed(f.district).empty() &&
                !storage::checkUbigeo("district", staff::trimmed(f.district)))
                e["district"] = {"register.error.district", {}};
            break;
        case Step::Case:
            need(e, "priority", !f.priority.empty());
            need(e, "consent", !f.consent.empty());
            if (f.consent == "given") {
                checkTypedDate(e, "consent_date", f.consentDate, true, "2015-01-01", today);
                if (f.consentScope.empty()) e["consent_scope"] = {"register.error.consent_scope", {}};
            }
            break;
        case Step::Review:
            break;
    }
    return e;
}

FieldErrors validateAll(const RegisterForm& form, std::string_view today) {
    FieldErrors all;
    for (Step s : {Step::Person, Step::Document, Step::Household, Step::Case}) all.merge(validateStep(s, form, today));
    return all;
}

Step stepOfField(std::string_view field) {
    static constexpr std::array kPerson{
        "given_names"sv, "family_name_1"sv, "family_name_2"sv, "sex"sv,       "birth_date"sv,
        "age"sv,         "nationality"sv,   "other_country"sv, "languages"sv, "gender_identity"sv};
    static constexpr std::array kDocument{"doc_type"sv,         "doc_number"sv,   "phone"sv,     "population_type"sv,
                                          "migration_status"sv, "arrival_date"sv, "disability"sv};
    static constexpr std::array kHousehold{"household"sv, "district"sv, "household_id"sv, "relation_to_head"sv,
                                           "head_person_id"sv};
    static constexpr std::array kCase{"needs"sv,        "vulnerabilities"sv, "priority"sv,   "consent"sv,
                                      "consent_date"sv, "consent_scope"sv,   "opened_date"sv};
    const auto in = [&](const auto& list) { return std::find(list.begin(), list.end(), field) != list.end(); };
    if (in(kPerson)) return Step::Person;
    if (in(kDocument)) return Step::Document;
    if (in(kHousehold)) return Step::Household;
    if (in(kCase)) return Step::Case;
    return Step::Review;
}

storage::Person buildPerson(const RegisterForm& f, std::string_view today) {
    storage::Person p;
    p.givenNames = staff::trimmed(f.givenNames);
    p.familyName1 = staff::trimmed(f.familyName1);
    p.familyName2 = staff::trimmed(f.familyName2);
    p.sex = f.sex;
    if (f.ageOnly) {
        p.birthDate = estimatedBirth(std::stoi(staff::trimmed(f.ageYears)), today);
        p.birthDateEstimated = true;
    } else {
        p.birthDate = isoFromTyped(staff::trimmed(f.birthDate));
    }
    p.nationality = nationalityCode(f);
    p.languages = f.languages;
    p.docType = f.docType;
    p.docNumber = f.docType == "none" ? std::string() : staff::trimmed(f.docNumber);
    p.phone = staff::trimmed(f.phone);
    p.populationType = f.populationType;
    p.migrationStatus = f.migrationStatus;
    p.arrivalDate = f.arrivalDate.empty() ? std::string() : isoFromTyped(staff::trimmed(f.arrivalDate));
    return p;
}

storage::Case buildCase(const RegisterForm& f, std::string_view today) {
    storage::Case c;
    c.status = "open";
    c.priority = f.priority;
    c.needs = f.needs;
    c.vulnerabilities = f.vulnerabilities;
    c.consent.given = f.consent == "given";
    if (c.consent.given) {
        c.consent.date = isoFromTyped(staff::trimmed(f.consentDate));
        c.consent.scope = f.consentScope;
    }
    c.openedDate = std::string(today);
    return c;
}

bool wantsHousehold(const RegisterForm& form) {
    return form.household == "new";
}

storage::Household buildHousehold(const RegisterForm& form) {
    storage::Household h;
    h.district = staff::trimmed(form.district);
    return h;
}

}  // namespace chasqui::kiosk::reg
