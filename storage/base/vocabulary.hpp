#pragma once
// The closed lists (enumerations) of the data model. Codes are stable ASCII
// identifiers stored in the database and sent over sync; people see translated
// labels from the kiosk's catalogs, never these codes.
#include <span>
#include <string>
#include <string_view>

namespace chasqui::storage::vocab {

using List = std::span<const std::string_view>;

List roles();
List sexes();
List documentTypes();
List populationTypes();
List migrationStatuses();
List relationsToHead();
List sectors();
List vulnerabilities();
List consentScopes();
List caseStatuses();
List casePriorities();
List referralUrgencies();
List referralStatuses();
List assistanceUnits();
List serviceCategories();
List languages();
// Assistance types allowed for a sector (empty list for an unknown sector).
List assistanceTypes(std::string_view sector);

bool contains(List list, std::string_view code);
// "a, b, c" for error messages.
std::string joinForMessage(List list);

// Codes whose mere sight can put a person in danger (spec section 1: a
// case file can locate a GBV survivor or a trafficking victim), so screens
// show them only when staff ask, and never in large type: survivors of
// gender-based violence, victims of trafficking and LGBTIQ+ persons, and the
// needs of the GBV and trafficking sectors, which say the same thing.
bool sensitiveVulnerability(std::string_view code);
bool sensitiveSector(std::string_view code);

// Whether a referral in `status` still needs follow-up: not completed,
// rejected or cancelled.
bool referralOpen(std::string_view status);
// May a referral go from `from` to `to`? sent -> accepted -> in_progress ->
// completed, and rejected/cancelled from any open status.
bool referralTransitionAllowed(std::string_view from, std::string_view to);

// ISO 3166-1 alpha-3 country code, or "XXX" (stateless / unknown).
bool isCountryCode(std::string_view code);

}  // namespace chasqui::storage::vocab
