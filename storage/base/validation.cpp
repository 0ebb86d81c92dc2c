#include "storage/base/validation.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include <fmt/format.h>

#include "storage/base/clock.hpp"
#include "storage/base/text.hpp"
#include "storage/base/vocabulary.hpp"

namespace chasqui::storage {

namespace {

bool allDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool allAlnum(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    });
}

Result<void> checkEnum(std::string_view field, std::string_view value, vocab::List list) {
    if (vocab::contains(list, value)) return {};
    return invalid(std::string(field),
                   fmt::format("{} must be one of: {} (got \"{}\")", field, vocab::joinForMessage(list),
                               isValidUtf8(value) && value.size() < 40 ? value : "?"));
}

Result<void> checkEnumList(std::string_view field, const std::vector<std::string>& values, vocab::List list,
                           std::size_t maxItems) {
    if (values.size() > maxItems)
        return invalid(std::string(field), fmt::format("{}: at most {} items", field, maxItems));
    for (const auto& v : values) {
        if (auto r = checkEnum(field, v, list); !r) return r;
    }
    std::vector<std::string> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
        return invalid(std::string(field), fmt::format("{}: an item is listed twice", field));
    return {};
}

Result<void> checkId(std::string_view field, const std::string& id, bool required) {
    if (id.empty() && !required) return {};
    if (id.size() == 36 && std::all_of(id.begin(), id.end(), [](char c) {
            return c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }))
        return {};
    return invalid(std::string(field), fmt::format("{} must be a record id (UUID)", field));
}

}  // namespace

Result<void> checkText(std::string_view field, std::string_view value, std::size_t minLen, std::size_t maxLen,
                       bool allowNewlines) {
    const std::string f(field);
    if (value.size() > maxLen * 4)
        return invalid(f, fmt::format("{} is too long: at most {} characters", field, maxLen));
    if (!isValidUtf8(value)) return invalid(f, fmt::format("{} is not valid UTF-8 text; re-type it", field));
    if (hasControlChars(value, allowNewlines))
        return invalid(f, fmt::format("{} contains control characters; remove them", field));
    const std::size_t len = isBlank(value) ? 0 : codePointCount(value);
    if (len < minLen) {
        return invalid(f, minLen == 1 ? fmt::format("{} is required", field)
                                      : fmt::format("{} needs at least {} characters", field, minLen));
    }
    if (len > maxLen) return invalid(f, fmt::format("{} is too long: at most {} characters", field, maxLen));
    if (hasEdgeSpace(value)) return invalid(f, fmt::format("{} has leading or trailing spaces", field));
    return {};
}

Result<void> checkDate(std::string_view field, std::string_view value, std::string_view earliest,
                       std::string_view latest) {
    const std::string f(field);
    const auto bad = [&] {
        return invalid(f, fmt::format("{} must be a date written YYYY-MM-DD, for example 2024-03-15", field));
    };
    if (value.size() != 10 || value[4] != '-' || value[7] != '-') return bad();
    if (!allDigits(value.substr(0, 4)) || !allDigits(value.substr(5, 2)) || !allDigits(value.substr(8, 2)))
        return bad();
    const int y = std::stoi(std::string(value.substr(0, 4)));
    const auto m = static_cast<unsigned>(std::stoi(std::string(value.substr(5, 2))));
    const auto d = static_cast<unsigned>(std::stoi(std::string(value.substr(8, 2))));
    if (m < 1 || m > 12 || d < 1 || d > 31) return bad();
    // Round-trip through the day count rejects 2023-02-30 and friends.
    if (isoDate(daysFromCivil(y, m, d) * 86400000LL) != value)
        return invalid(f, fmt::format("{}: {} is not a day of the calendar", field, value));
    if (value < earliest) return invalid(f, fmt::format("{} cannot be before {}", field, earliest));
    if (value > latest) return invalid(f, fmt::format("{} cannot be after {}", field, latest));
    return {};
}

Result<void> checkUbigeo(std::string_view field, std::string_view value) {
    if (value.size() == 6 && allDigits(value)) {
        const int department = std::stoi(std::string(value.substr(0, 2)));
        if (department >= 1 && department <= 25 && value.substr(2) != "0000") return {};
    }
    return invalid(std::string(field),
                   fmt::format("{} must be a 6-digit INEI UBIGEO district code, for example 240101 (Tumbes)", field));
}

Result<void> checkOfficeCode(std::string_view value) {
    if (value.size() == 3 && std::all_of(value.begin(), value.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        return {};
    return invalid("office", "office code must be 3 capital letters, for example TUM or LIM");
}

Result<void> checkLogin(std::string_view value) {
    const bool ok = value.size() >= 2 && value.size() <= 32 && value.front() >= 'a' && value.front() <= 'z' &&
                    std::all_of(value.begin(), value.end(), [](char c) {
                        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                    });
    if (ok) return {};
    return invalid("login",
                   "login must be 2-32 characters: lower-case letters, digits, '.', '_' or '-', "
                   "starting with a letter (for example maria.quispe)");
}

Result<void> checkPhone(std::string_view value) {
    if (value.empty()) return {};
    const bool charsOk = std::all_of(value.begin(), value.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == ' ' || c == '-' || c == '+' || c == '(' || c == ')';
    });
    const std::string digits = digitsOnly(value);
    const bool plusOk = value.find('+') == std::string_view::npos ||
                        (value.front() == '+' && std::count(value.begin(), value.end(), '+') == 1);
    if (charsOk && plusOk && digits.size() >= 7 && digits.size() <= 15) return {};
    return invalid("phone",
                   "phone must have 7 to 15 digits, optionally starting with + and the country code "
                   "(for example +51 987 654 321)");
}

std::string normalizeDocumentNumber(std::string_view type, std::string_view number) {
    (void)type;
    return compactIdentifier(number);
}

Result<void> checkDocument(std::string_view type, std::string_view number) {
    if (auto r = checkEnum("doc_type", type, vocab::documentTypes()); !r) return r;
    if (type == "none") {
        if (!number.empty())
            return invalid("doc_number", "a person without a document has no document number; clear it");
        return {};
    }
    if (number.size() > 40 || !isValidUtf8(number))
        return invalid("doc_number", "document number is too long or not valid text");
    // Only what documents print: letters A-Z, digits and the separators people type.
    const bool plain = std::all_of(number.begin(), number.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == ' ' || c == '/';
    });
    if (!plain) {
        return invalid("doc_number",
                       "document number: use only the letters A-Z, digits, spaces, '-', '.' or '/' "
                       "as printed on the document");
    }
    const std::string n = compactIdentifier(number);
    const auto bad = [](std::string_view what) {
        return invalid("doc_number", fmt::format("document number: {}", what));
    };
    if (type == "dni") {
        if (n.size() == 8 && allDigits(n)) return {};
        return bad("a DNI has exactly 8 digits");
    }
    if (type == "ce") {
        if ((n.size() == 9 && allDigits(n)) ||
            (n.size() >= 7 && n.size() <= 12 && std::isalpha(static_cast<unsigned char>(n[0])) &&
             allDigits(n.substr(1))))
            return {};
        return bad("a Carné de Extranjería has 9 digits (older ones: a letter and 6-11 digits)");
    }
    if (type == "ptp" || type == "cpp") {
        if (n.size() == 9 && allDigits(n)) return {};
        return bad(type == "ptp" ? "a PTP number has 9 digits" : "a CPP number has 9 digits");
    }
    if (type == "passport") {
        if (n.size() >= 6 && n.size() <= 12 && allAlnum(n)) return {};
        return bad("a passport number has 6 to 12 letters and digits");
    }
    if (type == "cedula_ven") {
        if (n.size() >= 7 && n.size() <= 10 && (n[0] == 'V' || n[0] == 'E') && allDigits(n.substr(1))) return {};
        return bad("a Venezuelan cédula is V or E followed by 6 to 9 digits, for example V-12345678");
    }
    if (type == "asylum_card") {
        if (n.size() >= 6 && n.size() <= 15 && allAlnum(n)) return {};
        return bad("an asylum-request card number has 6 to 15 letters and digits");
    }
    return bad("unknown document type");
}

Result<void> validateOffice(const Office& office) {
    if (auto r = checkOfficeCode(office.code); !r) return r;
    if (auto r = checkText("name", office.name, 2, 120); !r) return r;
    return checkUbigeo("district", office.district);
}

Result<void> validateStaff(const Staff& staff) {
    if (auto r = checkLogin(staff.login); !r) return r;
    if (auto r = checkText("name", staff.name, 2, 120); !r) return r;
    if (auto r = checkEnum("role", staff.role, vocab::roles()); !r) return r;
    return checkId("office_id", staff.officeId, true);
}

Result<void> validatePerson(const Person& p, std::string_view today) {
    if (auto r = checkText("given_names", p.givenNames, 1, 80); !r) return r;
    if (auto r = checkText("family_name_1", p.familyName1, 1, 80); !r) return r;
    if (auto r = checkText("family_name_2", p.familyName2, 0, 80); !r) return r;
    if (auto r = checkEnum("sex", p.sex, vocab::sexes()); !r) return r;
    if (auto r = checkText("gender_identity", p.genderIdentity, 0, 60); !r) return r;
    if (auto r = checkDate("birth_date", p.birthDate, "1900-01-01", today); !r) return r;
    if (!vocab::isCountryCode(p.nationality))
        return invalid("nationality",
                       "nationality must be an ISO 3166 three-letter country code, for example VEN, "
                       "PER, COL, HTI (XXX when stateless or unknown)");
    if (auto r = checkDocument(p.docType, p.docNumber); !r) return r;
    if (auto r = checkPhone(p.phone); !r) return r;
    if (auto r = checkEnumList("languages", p.languages, vocab::languages(), 6); !r) return r;
    if (auto r = checkEnum("population_type", p.populationType, vocab::populationTypes()); !r) return r;
    if (auto r = checkEnum("migration_status", p.migrationStatus, vocab::migrationStatuses()); !r) return r;
    if (!p.arrivalDate.empty()) {
        if (auto r = checkDate("arrival_date", p.arrivalDate, "1950-01-01", today); !r) return r;
        if (p.arrivalDate < p.birthDate)
            return invalid("arrival_date", "arrival_date cannot be before the date of birth");
    }
    if (!p.disability.empty() &&
        (p.disability.size() != 6 ||
         !std::all_of(p.disability.begin(), p.disability.end(), [](char c) { return c >= '0' && c <= '4'; })))
        return invalid("disability", "disability must hold the 6 Washington Group answers, each 0-4 (0 = not asked)");
    if (auto r = checkId("household_id", p.householdId, false); !r) return r;
    if (!p.householdId.empty() || !p.relationToHead.empty()) {
        if (auto r = checkEnum("relation_to_head", p.relationToHead, vocab::relationsToHead()); !r) return r;
    }
    return {};
}

Result<void> validateHousehold(const Household& h) {
    if (auto r = checkId("head_person_id", h.headPersonId, false); !r) return r;
    if (!h.district.empty()) return checkUbigeo("district", h.district);
    return {};
}

Result<void> validateCase(const Case& c, std::string_view today) {
    if (c.personId.empty() == c.householdId.empty())
        return invalid("person_id", "a case belongs to exactly one person or one household");
    if (auto r = checkId("person_id", c.personId, false); !r) return r;
    if (auto r = checkId("household_id", c.householdId, false); !r) return r;
    if (auto r = checkId("office_id", c.officeId, true); !r) return r;
    if (auto r = checkEnum("status", c.status, vocab::caseStatuses()); !r) return r;
    if (auto r = checkEnum("priority", c.priority, vocab::casePriorities()); !r) return r;
    if (auto r = checkEnumList("vulnerabilities", c.vulnerabilities, vocab::vulnerabilities(), 20); !r) return r;
    if (auto r = checkEnumList("needs", c.needs, vocab::sectors(), 20); !r) return r;
    if (auto r = checkDate("opened_date", c.openedDate, "2015-01-01", today); !r) return r;
    if (!c.consent.date.empty()) {
        if (auto r = checkDate("consent_date", c.consent.date, "2015-01-01", today); !r) return r;
    }
    if (c.consent.given && c.consent.date.empty()) return invalid("consent_date", "record the date consent was given");
    if (auto r = checkEnumList("consent_scope", c.consent.scope, vocab::consentScopes(), 10); !r) return r;
    if (!c.consent.given && !c.consent.scope.empty())
        return invalid("consent_scope", "consent was refused, so it cannot have a scope");
    if (c.status == "closed") {
        if (auto r = checkDate("closed_date", c.closedDate, c.openedDate, today); !r) return r;
    } else if (!c.closedDate.empty()) {
        return invalid("closed_date", "an open case has no closing date");
    }
    return {};
}

namespace {

// Collects every failed check instead of stopping at the first.
class Problems {
public:
    void note(Result<void> checked) {
        if (!checked) m_list.push_back(std::move(checked.error()));
    }
    void note(std::string_view field, const char* message) {
        m_list.push_back(Error{ErrorCode::InvalidInput, message, std::string(field)});
    }
    std::vector<Error> take() { return std::move(m_list); }

private:
    std::vector<Error> m_list;
};

Result<void> firstOf(std::vector<Error> problems) {
    if (problems.empty()) return {};
    return std::unexpected(std::move(problems.front()));
}

}  // namespace

std::vector<Error> assistanceProblems(const Assistance& a, std::string_view today) {
    Problems p;
    p.note(checkId("case_id", a.caseId, true));
    p.note(checkDate("date", a.date, "2015-01-01", today));
    p.note(checkEnum("sector", a.sector, vocab::sectors()));
    p.note(checkEnum("type", a.type, vocab::assistanceTypes(a.sector)));
    if (!(a.quantity > 0 && a.quantity <= 100000))
        p.note("quantity", "quantity must be more than 0 and at most 100000");
    p.note(checkEnum("unit", a.unit, vocab::assistanceUnits()));
    p.note(checkId("office_id", a.officeId, true));
    p.note(checkId("staff_id", a.staffId, true));
    return p.take();
}

Result<void> validateAssistance(const Assistance& a, std::string_view today) {
    return firstOf(assistanceProblems(a, today));
}

std::vector<Error> referralProblems(const Referral& r0, std::string_view today) {
    Problems p;
    p.note(checkId("case_id", r0.caseId, true));
    if (r0.serviceId.empty() || r0.serviceId.size() > 64 ||
        !std::all_of(r0.serviceId.begin(), r0.serviceId.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; }))
        p.note("service_id", "service_id must be the id of a service in the catalog");
    p.note(checkText("reason", r0.reason, 3, 1000, true));
    p.note(checkEnum("urgency", r0.urgency, vocab::referralUrgencies()));
    p.note(checkEnum("status", r0.status, vocab::referralStatuses()));
    // Synced referrals keep follow-up dates that have passed; only the range is the store's rule.
    if (!r0.followUpDate.empty()) p.note(checkDate("follow_up_date", r0.followUpDate, "2015-01-01", "2099-12-31"));
    (void)today;
    p.note(checkText("outcome", r0.outcome, 0, 1000, true));
    return p.take();
}

Result<void> validateReferral(const Referral& r0, std::string_view today) {
    return firstOf(referralProblems(r0, today));
}

Result<void> validateNote(const Note& note) {
    if (auto r = checkId("case_id", note.caseId, true); !r) return r;
    return checkText("text", note.text, 1, 4000, true);
}

Result<void> checkPinPolicy(std::string_view pin, std::string_view role) {
    const std::size_t minimum = role == "staff" ? 6 : 8;
    if (!allDigits(pin) || pin.size() < minimum || pin.size() > 32)
        return invalid("pin", fmt::format("a {} PIN must have {} to 32 digits and nothing else", role, minimum));
    const bool same = std::all_of(pin.begin(), pin.end(), [&](char c) { return c == pin[0]; });
    bool up = true, down = true;
    for (std::size_t i = 1; i < pin.size(); ++i) {
        up = up && (pin[i] - pin[i - 1] == 1);
        down = down && (pin[i - 1] - pin[i] == 1);
    }
    if (same || up || down)
        return invalid("pin", "this PIN is too easy to guess (one repeated digit or a run); choose another");
    return {};
}

}  // namespace chasqui::storage
