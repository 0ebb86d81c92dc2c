#pragma once
// Which synced fields are personal: their values are encrypted by the
// server (FieldCipher) before they reach PostgreSQL. Everything else stays
// plaintext and queryable for reports (sex, nationality, population type,
// sector, office, district, dates, statuses). Two personal fields keep
// something queryable beside their ciphertext: a birth date its year (age
// groups), a document number its keyed lookup hash.
//
// The list follows storage/records/entity_columns.cpp; the change log and
// the quarantine are encrypted whole, since their payloads hold every field.
#include <optional>
#include <string>
#include <string_view>

namespace chasqui::sync {

enum class FieldPrivacy {
    Plain,      // stored as it is
    Personal,   // encrypted
    BirthDate,  // encrypted, and its year kept in plaintext
    DocNumber,  // encrypted, and its keyed hash kept for lookups
};

FieldPrivacy fieldPrivacy(std::string_view entity, std::string_view field);
inline bool isPersonalField(std::string_view entity, std::string_view field) {
    return fieldPrivacy(entity, field) != FieldPrivacy::Plain;
}

// The year of a birth date given as its JSON text ("\"1990-05-17\""), when it
// is one (1800..2200); nullopt for null, a wrong type or a malformed date.
std::optional<int> birthYearOf(std::string_view jsonValue);
// The text of a JSON string value, nullopt for anything else or an empty string.
std::optional<std::string> jsonText(std::string_view jsonValue);

// Where a sealed value belongs, for its associated data: a ciphertext of one
// place does not open at another.
std::string fieldPlace(std::string_view entity, std::string_view record, std::string_view field);
std::string logPlace(std::string_view changeId);
std::string quarantinePlace(std::string_view changeId, std::string_view deviceId, std::string_view code);

}  // namespace chasqui::sync
