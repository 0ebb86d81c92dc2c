#include "kiosk/services/registration_form.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kiosk/screens/staff_text.hpp"
#include "kiosk/ui/typed_date.hpp"
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
    wipeAll({&givenNames, &familyName1, &familyName2, &birthDate, &ageYears, &countryQuery, &otherCountry, &docNumber,
             &phone, &arrivalDate, &districtQuery, &district, &joinQuery, &joinPersonId, &joinName, &consentDate});
    *this = RegisterForm{};
}

storage::vocab::List offeredNationalities() {
    return kOffered;
}

const char* stepTitleKey(Step step) {
    switch (step) {
        case Step::Person:
            return "register.step.person";
        case Step::HouseholdCase:
            return "register.step.household_case";
    }
    return "register.step.household_case";
}

std::string nationalityCode(const RegisterForm& form) {
    if (form.nationality == kOtherNationality) return upper(staff::trimmed(form.otherCountry));
    return form.nationality;
}

FieldErrors validateStep(Step step, const RegisterForm& f, std::string_view today) {
    FieldErrors e;
    switch (step) {
        case Step::Person: {
            need(e, "consent", !f.consent.empty());
            if (f.consent == "given") {
                checkTypedDate(e, "consent_date", f.consentDate, true, "2015-01-01", today);
                if (f.consentScope.empty()) e["consent_scope"] = {"register.error.consent_scope", {}};
            }
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
                e["other_country"] = {"register.error.country_pick", {}};
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
        case Step::HouseholdCase:
            need(e, "household", !f.household.empty());
            if (f.household == "new" && !staff::trimmed(f.districtQuery).empty() &&
                !storage::checkUbigeo("district", f.district))
                e["district"] = {"register.error.district_pick", {}};
            if (f.household == "join") {
                if (f.joinPersonId.empty()) e["join"] = {"register.error.join_pick", {}};
                need(e, "relation", !f.relation.empty() && f.relation != "head");
            }
            need(e, "priority", !f.priority.empty());
            break;
    }
    return e;
}

FieldErrors validateAll(const RegisterForm& form, std::string_view today) {
    FieldErrors all;
    for (Step s : {Step::Person, Step::HouseholdCase}) all.merge(validateStep(s, form, today));
    return all;
}

Step stepOfField(std::string_view field) {
    static constexpr std::array kPerson{"consent"sv,
                                        "consent_date"sv,
                                        "consent_scope"sv,
                                        "given_names"sv,
                                        "family_name_1"sv,
                                        "family_name_2"sv,
                                        "sex"sv,
                                        "birth_date"sv,
                                        "age"sv,
                                        "nationality"sv,
                                        "other_country"sv,
                                        "languages"sv,
                                        "gender_identity"sv,
                                        "doc_type"sv,
                                        "doc_number"sv,
                                        "phone"sv,
                                        "population_type"sv,
                                        "migration_status"sv,
                                        "arrival_date"sv,
                                        "disability"sv};
    return std::find(kPerson.begin(), kPerson.end(), field) != kPerson.end() ? Step::Person : Step::HouseholdCase;
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
    h.district = form.district;
    return h;
}

bool readyForDuplicateCheck(const RegisterForm& form) {
    return !staff::trimmed(form.givenNames).empty() && !staff::trimmed(form.familyName1).empty();
}

storage::Person duplicateProbe(const RegisterForm& f) {
    storage::Person p;
    p.givenNames = staff::trimmed(f.givenNames);
    p.familyName1 = staff::trimmed(f.familyName1);
    p.familyName2 = staff::trimmed(f.familyName2);
    if (!f.ageOnly) {
        const std::string iso = isoFromTyped(staff::trimmed(f.birthDate));
        if (!iso.empty() && storage::checkDate("birth_date", iso, "1900-01-01", "9999-12-31")) p.birthDate = iso;
    }
    p.nationality = nationalityCode(f);
    if (f.docType != "none") {
        p.docType = f.docType;
        p.docNumber = staff::trimmed(f.docNumber);
    }
    return p;
}

bool isBlank(const RegisterForm& form) {
    RegisterForm blank;
    blank.consentDate = form.consentDate;
    return form == blank;
}

namespace {

// Every field of the form under one name, for the draft's JSON.
template <typename Visit>
void eachField(RegisterForm& f, Visit&& visit) {
    visit("consent", f.consent);
    visit("consent_date", f.consentDate);
    visit("consent_scope", f.consentScope);
    visit("given_names", f.givenNames);
    visit("family_name_1", f.familyName1);
    visit("family_name_2", f.familyName2);
    visit("sex", f.sex);
    visit("age_only", f.ageOnly);
    visit("birth_date", f.birthDate);
    visit("age", f.ageYears);
    visit("nationality", f.nationality);
    visit("country_query", f.countryQuery);
    visit("other_country", f.otherCountry);
    visit("languages", f.languages);
    visit("doc_type", f.docType);
    visit("doc_number", f.docNumber);
    visit("phone", f.phone);
    visit("population_type", f.populationType);
    visit("migration_status", f.migrationStatus);
    visit("arrival_date", f.arrivalDate);
    visit("household", f.household);
    visit("district_query", f.districtQuery);
    visit("district", f.district);
    visit("join_query", f.joinQuery);
    visit("join_person_id", f.joinPersonId);
    visit("join_name", f.joinName);
    visit("relation", f.relation);
    visit("needs", f.needs);
    visit("vulnerabilities", f.vulnerabilities);
    visit("priority", f.priority);
}

constexpr int kDraftVersion = 1;

}  // namespace

std::string draftBody(const RegisterForm& form) {
    nlohmann::json out;
    out["v"] = kDraftVersion;
    RegisterForm copy = form;
    eachField(copy, [&](const char* name, const auto& value) { out[name] = value; });
    std::string body = out.dump();
    copy.wipe();
    return body;
}

std::optional<RegisterForm> formFromDraft(std::string_view body) {
    const nlohmann::json in = nlohmann::json::parse(body, nullptr, false);
    if (in.is_discarded() || !in.is_object()) return std::nullopt;
    if (auto v = in.find("v"); v == in.end() || !v->is_number_integer() || v->get<int>() != kDraftVersion)
        return std::nullopt;
    RegisterForm form;
    bool ok = true;
    eachField(form, [&](const char* name, auto& value) {
        using T = std::decay_t<decltype(value)>;
        const auto it = in.find(name);
        if (it == in.end()) return;  // a field not typed then keeps its default
        if constexpr (std::is_same_v<T, bool>) {
            if (it->is_boolean())
                value = it->get<bool>();
            else
                ok = false;
        } else if constexpr (std::is_same_v<T, std::string>) {
            if (it->is_string())
                value = it->get<std::string>();
            else
                ok = false;
        } else {
            if (!it->is_array()) {
                ok = false;
                return;
            }
            value.clear();
            for (const auto& e : *it) {
                if (!e.is_string()) {
                    ok = false;
                    return;
                }
                value.push_back(e.get<std::string>());
            }
        }
    });
    if (!ok) return std::nullopt;
    return form;
}

std::string draftInitial(const RegisterForm& form) {
    const std::string given = staff::trimmed(form.givenNames);
    const std::string family = staff::trimmed(form.familyName1);
    const std::string& name = given.empty() ? family : given;
    if (name.empty()) return {};
    // One UTF-8 character.
    std::size_t n = 1;
    while (n < name.size() && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) ++n;
    return name.substr(0, n);
}

}  // namespace chasqui::kiosk::reg
