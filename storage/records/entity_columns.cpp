#include "storage/records/entity_columns.hpp"

#include <algorithm>
#include <array>

namespace chasqui::storage {

namespace {

using T = ColumnType;
// Longest text a change may carry (the codec refuses longer values).
constexpr std::size_t kShort = 64;
constexpr std::size_t kName = 400;   // 80-120 code points, up to 4 bytes each
constexpr std::size_t kLong = 8192;  // notes, reasons

constexpr std::array<ColumnSpec, 3> kOffice{{{"code", T::Text, 8}, {"name", T::Text, kName}, {"district", T::Text, 8}}};

constexpr std::array<ColumnSpec, 5> kStaff{{{"login", T::Text, kShort},
                                            {"name", T::Text, kName},
                                            {"role", T::Text, kShort},
                                            {"office_id", T::Text, kShort},
                                            {"active", T::Integer, 0}}};

// persons also holds doc_number_norm (migration 2), derived on this kiosk and never synced.
constexpr std::array<ColumnSpec, 19> kPerson{{{"case_code", T::Text, kShort},
                                              {"given_names", T::Text, kName},
                                              {"family_name_1", T::Text, kName},
                                              {"family_name_2", T::Text, kName},
                                              {"sex", T::Text, kShort},
                                              {"gender_identity", T::Text, kName},
                                              {"birth_date", T::Text, 16},
                                              {"birth_date_estimated", T::Integer, 0},
                                              {"nationality", T::Text, 8},
                                              {"doc_type", T::Text, kShort},
                                              {"doc_number", T::Text, kShort},
                                              {"phone", T::Text, kShort},
                                              {"languages", T::Text, 256},
                                              {"population_type", T::Text, kShort},
                                              {"migration_status", T::Text, kShort},
                                              {"arrival_date", T::Text, 16},
                                              {"disability", T::Text, 16},
                                              {"household_id", T::Text, kShort},
                                              {"relation_to_head", T::Text, kShort}}};

constexpr std::array<ColumnSpec, 2> kHousehold{{{"head_person_id", T::Text, kShort}, {"district", T::Text, 8}}};

constexpr std::array<ColumnSpec, 12> kCase{{{"person_id", T::Text, kShort},
                                            {"household_id", T::Text, kShort},
                                            {"office_id", T::Text, kShort},
                                            {"status", T::Text, kShort},
                                            {"priority", T::Text, kShort},
                                            {"vulnerabilities", T::Text, 1024},
                                            {"needs", T::Text, 1024},
                                            {"consent_given", T::Integer, 0},
                                            {"consent_date", T::Text, 16},
                                            {"consent_scope", T::Text, 512},
                                            {"opened_date", T::Text, 16},
                                            {"closed_date", T::Text, 16}}};

constexpr std::array<ColumnSpec, 8> kAssistance{{{"case_id", T::Text, kShort},
                                                 {"date", T::Text, 16},
                                                 {"sector", T::Text, kShort},
                                                 {"type", T::Text, kShort},
                                                 {"quantity", T::Real, 0},
                                                 {"unit", T::Text, kShort},
                                                 {"office_id", T::Text, kShort},
                                                 {"staff_id", T::Text, kShort}}};

constexpr std::array<ColumnSpec, 8> kReferral{{{"case_id", T::Text, kShort},
                                               {"service_id", T::Text, kShort},
                                               {"reason", T::Text, kLong},
                                               {"urgency", T::Text, kShort},
                                               {"consent_to_share", T::Integer, 0},
                                               {"status", T::Text, kShort},
                                               {"follow_up_date", T::Text, 16},
                                               {"outcome", T::Text, kLong}}};

constexpr std::array<ColumnSpec, 5> kReferralStatus{{{"referral_id", T::Text, kShort},
                                                     {"status", T::Text, kShort},
                                                     {"date", T::Text, 16},
                                                     {"staff_id", T::Text, kShort},
                                                     {"comment", T::Text, kLong}}};

constexpr std::array<ColumnSpec, 2> kNote{{{"case_id", T::Text, kShort}, {"text", T::Text, kLong * 2}}};

// Table order: kept_author came last, in migration 6.
constexpr std::array<ColumnSpec, 12> kConflict{{{"entity", T::Text, kShort, 3},
                                                {"record_id", T::Text, kShort, 3},
                                                {"field", T::Text, kShort, 3},
                                                {"kept_value", T::Text, kLong * 2, 3},
                                                {"kept_hlc", T::Text, kShort, 3},
                                                {"kept_device", T::Text, kShort, 3},
                                                {"lost_value", T::Text, kLong * 2, 3},
                                                {"lost_hlc", T::Text, kShort, 3},
                                                {"lost_device", T::Text, kShort, 3},
                                                {"lost_author", T::Text, kShort, 3},
                                                {"resolved", T::Integer, 0, 3, "0"},
                                                {"kept_author", T::Text, kShort, 6, "''"}}};

constexpr std::array<EntitySpec, 10> kEntities{{
    {"office", "offices", "id", kOffice, false, 1},
    {"staff", "staff", "id", kStaff, false, 1},
    {"person", "persons", "id", kPerson, false, 1},
    {"household", "households", "id", kHousehold, false, 1},
    {"case", "cases", "id", kCase, false, 1},
    {"assistance", "assistance", "id", kAssistance, true, 1},
    {"referral", "referrals", "id", kReferral, false, 1},
    {"referral_status", "referral_status", "id", kReferralStatus, true, 1},
    {"note", "notes", "id", kNote, true, 1},
    {"conflict", "conflicts", "id", kConflict, false, 3},
}};

constexpr ColumnSpec kDeleted{"deleted", T::Integer, 0, 1, "0"};

}  // namespace

std::string_view recordColumnsSql() {
    return "rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, "
           "updated_at INTEGER NOT NULL, author TEXT NOT NULL, device TEXT NOT NULL, "
           "deleted INTEGER NOT NULL DEFAULT 0";
}

const ColumnSpec& deletedColumn() {
    return kDeleted;
}

std::span<const EntitySpec> syncedEntities() {
    return kEntities;
}

const EntitySpec* findEntity(std::string_view entity) {
    const auto it =
        std::find_if(kEntities.begin(), kEntities.end(), [&](const EntitySpec& e) { return e.entity == entity; });
    return it == kEntities.end() ? nullptr : &*it;
}

std::string_view tableOf(std::string_view entity) {
    const EntitySpec* spec = findEntity(entity);
    return spec != nullptr ? spec->table : std::string_view{};
}

std::string columnDefinition(const ColumnSpec& column) {
    std::string out(column.name);
    switch (column.type) {
        case T::Text:
            out += " TEXT";
            break;
        case T::Integer:
            out += " INTEGER";
            break;
        case T::Real:
            out += " REAL";
            break;
    }
    if (column.notNull) out += " NOT NULL";
    if (!column.defaultValue.empty()) {
        out += " DEFAULT ";
        out += column.defaultValue;
    }
    return out;
}

}  // namespace chasqui::storage
