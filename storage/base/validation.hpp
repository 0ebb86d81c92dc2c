#pragma once
// Validation of every field a person or a file can set. Each function returns
// the first problem found, naming the field and saying what a valid value looks
// like. Repositories call these before writing anything. `todayIso` is passed in
// so that "not in the future" is testable.
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/base/model.hpp"

namespace chasqui::storage {

// Free text: valid UTF-8, no control characters, trimmed length in [min, max] code points.
Result<void> checkText(std::string_view field, std::string_view value, std::size_t minLen, std::size_t maxLen,
                       bool allowNewlines = false);
// "YYYY-MM-DD", a real calendar date between `earliest` and `latest` (inclusive, ISO strings).
Result<void> checkDate(std::string_view field, std::string_view value, std::string_view earliest,
                       std::string_view latest);
Result<void> checkUbigeo(std::string_view field, std::string_view value);
Result<void> checkOfficeCode(std::string_view value);
Result<void> checkLogin(std::string_view value);
Result<void> checkPhone(std::string_view value);
// Document number in the format of its type (DNI: 8 digits; CE: 9 digits or
// 1 letter + 6-11 digits; PTP/CPP: 9 digits; passport: 6-12 letters/digits;
// Venezuelan cédula: V or E then 6-9 digits; asylum card: 6-15 letters/digits;
// none: empty).
Result<void> checkDocument(std::string_view type, std::string_view number);
// Normalized form used for storage and matching: upper case, no separators
// ("v-12.345.678" -> "V12345678").
std::string normalizeDocumentNumber(std::string_view type, std::string_view number);

Result<void> validateOffice(const Office& office);
Result<void> validateStaff(const Staff& staff);
Result<void> validatePerson(const Person& person, std::string_view todayIso);
Result<void> validateHousehold(const Household& household);
Result<void> validateCase(const Case& record, std::string_view todayIso);
Result<void> validateAssistance(const Assistance& record, std::string_view todayIso);
Result<void> validateReferral(const Referral& record, std::string_view todayIso);
Result<void> validateNote(const Note& note);

// Every problem of a record, at most one per field, in the order of its
// fields; validateAssistance / validateReferral return the first. For forms
// that mark all their fields at once with the store's own rules.
std::vector<Error> assistanceProblems(const Assistance& record, std::string_view todayIso);
std::vector<Error> referralProblems(const Referral& record, std::string_view todayIso);

// Staff PIN policy: digits only; at least 6 for staff and 8 for supervisors and
// administrators; not all one digit, not a straight run (123456, 987654).
Result<void> checkPinPolicy(std::string_view pin, std::string_view role);

}  // namespace chasqui::storage
