#include "sync/server/repository/personal_fields.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <nlohmann/json.hpp>

namespace chasqui::sync {

namespace {

struct PersonalField {
    std::string_view entity;
    std::string_view field;
    FieldPrivacy privacy;
};

constexpr std::array<PersonalField, 15> kPersonal{{
    {"person", "given_names", FieldPrivacy::Personal},
    {"person", "family_name_1", FieldPrivacy::Personal},
    {"person", "family_name_2", FieldPrivacy::Personal},
    {"person", "gender_identity", FieldPrivacy::Personal},
    {"person", "birth_date", FieldPrivacy::BirthDate},
    {"person", "doc_number", FieldPrivacy::DocNumber},
    {"person", "phone", FieldPrivacy::Personal},
    {"staff", "name", FieldPrivacy::Personal},
    {"staff", "login", FieldPrivacy::Personal},  // usually made of the name (rosa.huaman)
    {"referral", "reason", FieldPrivacy::Personal},
    {"referral", "outcome", FieldPrivacy::Personal},
    {"referral_status", "comment", FieldPrivacy::Personal},
    {"note", "text", FieldPrivacy::Personal},
    {"conflict", "kept_value", FieldPrivacy::Personal},
    {"conflict", "lost_value", FieldPrivacy::Personal},
}};

// Field separator of places: never inside an entity, id or field name.
constexpr char kSep = '\x1f';

std::string joinPlace(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (std::string_view p : parts) {
        if (!out.empty()) out.push_back(kSep);
        out.append(p);
    }
    return out;
}

}  // namespace

FieldPrivacy fieldPrivacy(std::string_view entity, std::string_view field) {
    const auto it = std::find_if(kPersonal.begin(), kPersonal.end(),
                                 [&](const PersonalField& p) { return p.entity == entity && p.field == field; });
    return it == kPersonal.end() ? FieldPrivacy::Plain : it->privacy;
}

std::optional<std::string> jsonText(std::string_view jsonValue) {
    const auto parsed = nlohmann::json::parse(jsonValue, nullptr, false);
    if (!parsed.is_string()) return std::nullopt;
    std::string text = parsed.get<std::string>();
    if (text.empty()) return std::nullopt;
    return text;
}

std::optional<int> birthYearOf(std::string_view jsonValue) {
    const auto text = jsonText(jsonValue);
    if (!text || text->size() < 4) return std::nullopt;
    int year = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + 4, year);
    if (ec != std::errc() || end != text->data() + 4 || (text->size() > 4 && (*text)[4] != '-')) return std::nullopt;
    if (year < 1800 || year > 2200) return std::nullopt;
    return year;
}

// "field_state" names the table sealed fields lived in until schema 5; it
// stays in the associated data so that values sealed then still open.
std::string fieldPlace(std::string_view entity, std::string_view record, std::string_view field) {
    return joinPlace({"field_state", entity, record, field});
}

std::string logPlace(std::string_view changeId) {
    return joinPlace({"change_log", changeId, "payload"});
}

std::string quarantinePlace(std::string_view changeId, std::string_view deviceId, std::string_view code) {
    return joinPlace({"quarantine", changeId, deviceId, code, "payload"});
}

}  // namespace chasqui::sync
