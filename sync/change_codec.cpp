#include "sync/change_codec.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "storage/ids.hpp"
#include "storage/text.hpp"

namespace chasqui::sync {

namespace {

using T = ColumnType;
constexpr std::size_t kShort = 64;
constexpr std::size_t kName = 400;   // 80-120 code points, up to 4 bytes each
constexpr std::size_t kLong = 8192;  // notes, reasons

struct EntityColumns {
    std::string_view entity;
    std::vector<ColumnSpec> columns;
};

const std::vector<EntityColumns>& schema() {
    static const std::vector<EntityColumns> kSchema{
        {"office", {{"code", T::Text, 8}, {"name", T::Text, kName}, {"district", T::Text, 8}}},
        {"staff",
         {{"login", T::Text, kShort}, {"name", T::Text, kName}, {"role", T::Text, kShort}, {"office_id", T::Text, kShort},
          {"active", T::Integer, 0}}},
        {"person",
         {{"case_code", T::Text, kShort},        {"given_names", T::Text, kName},     {"family_name_1", T::Text, kName},
          {"family_name_2", T::Text, kName},     {"sex", T::Text, kShort},            {"gender_identity", T::Text, kName},
          {"birth_date", T::Text, 16},           {"birth_date_estimated", T::Integer, 0}, {"nationality", T::Text, 8},
          {"doc_type", T::Text, kShort},         {"doc_number", T::Text, kShort},     {"phone", T::Text, kShort},
          {"languages", T::Text, 256},           {"population_type", T::Text, kShort}, {"migration_status", T::Text, kShort},
          {"arrival_date", T::Text, 16},         {"disability", T::Text, 16},         {"household_id", T::Text, kShort},
          {"relation_to_head", T::Text, kShort}}},
        {"household", {{"head_person_id", T::Text, kShort}, {"district", T::Text, 8}}},
        {"case",
         {{"person_id", T::Text, kShort},     {"household_id", T::Text, kShort}, {"office_id", T::Text, kShort},
          {"status", T::Text, kShort},        {"priority", T::Text, kShort},     {"vulnerabilities", T::Text, 1024},
          {"needs", T::Text, 1024},           {"consent_given", T::Integer, 0},  {"consent_date", T::Text, 16},
          {"consent_scope", T::Text, 512},    {"opened_date", T::Text, 16},      {"closed_date", T::Text, 16}}},
        {"assistance",
         {{"case_id", T::Text, kShort}, {"date", T::Text, 16}, {"sector", T::Text, kShort}, {"type", T::Text, kShort},
          {"quantity", T::Real, 0}, {"unit", T::Text, kShort}, {"office_id", T::Text, kShort},
          {"staff_id", T::Text, kShort}}},
        {"referral",
         {{"case_id", T::Text, kShort}, {"service_id", T::Text, kShort}, {"reason", T::Text, kLong},
          {"urgency", T::Text, kShort}, {"consent_to_share", T::Integer, 0}, {"status", T::Text, kShort},
          {"follow_up_date", T::Text, 16}, {"outcome", T::Text, kLong}}},
        {"referral_status",
         {{"referral_id", T::Text, kShort}, {"status", T::Text, kShort}, {"date", T::Text, 16},
          {"staff_id", T::Text, kShort}, {"comment", T::Text, kLong}}},
        {"note", {{"case_id", T::Text, kShort}, {"text", T::Text, kLong * 2}}},
        {"conflict",
         {{"entity", T::Text, kShort}, {"record_id", T::Text, kShort}, {"field", T::Text, kShort},
          {"kept_value", T::Text, kLong * 2}, {"kept_hlc", T::Text, kShort}, {"kept_device", T::Text, kShort},
          {"lost_value", T::Text, kLong * 2}, {"lost_hlc", T::Text, kShort}, {"lost_device", T::Text, kShort},
          {"lost_author", T::Text, kShort}, {"kept_author", T::Text, kShort}, {"resolved", T::Integer, 0}}},
    };
    return kSchema;
}

std::unexpected<CodecError> bad(std::string code, std::string message) {
    return std::unexpected(CodecError{std::move(code), std::move(message)});
}

// The columns of a change list, in the order of the change record's fields.
constexpr std::array<std::string_view, 10> kColumns{"id",   "entity", "record", "op",     "fields",
                                                    "base", "hlc",    "device", "author", "office"};

bool isHlc(const std::string& text) {
    storage::HlcStamp stamp;
    return storage::HlcStamp::decode(text, stamp);
}

bool isClock(const std::string& text) {
    const auto at = text.find('@');
    return at == 17 && isHlc(text.substr(0, at)) && storage::isUuid(text.substr(at + 1));
}

std::optional<CodecError> checkValue(const ColumnSpec& spec, const nlohmann::json& value) {
    switch (spec.type) {
    case T::Integer:
        if (!value.is_number_integer()) return CodecError{"bad_request", fmt::format("field {} must be an integer", spec.name)};
        // nlohmann::json keeps a non-negative integer unsigned: read as int64,
        // 18446744073709551615 would wrap to -1 and pass.
        if (value.is_number_unsigned() ? value.get<std::uint64_t>() > 1000000000ULL
                                       : (value.get<std::int64_t>() < -1000000000LL || value.get<std::int64_t>() > 1000000000LL))
            return CodecError{"bad_request", fmt::format("field {} is out of range", spec.name)};
        return std::nullopt;
    case T::Real:
        if (!value.is_number()) return CodecError{"bad_request", fmt::format("field {} must be a number", spec.name)};
        return std::nullopt;
    case T::Text: {
        if (!value.is_string()) return CodecError{"bad_request", fmt::format("field {} must be a string", spec.name)};
        const auto& s = value.get_ref<const std::string&>();
        if (s.size() > spec.maxBytes) return CodecError{"too_large", fmt::format("field {} is too long", spec.name)};
        if (!storage::isValidUtf8(s)) return CodecError{"invalid_utf8", fmt::format("field {} is not valid UTF-8", spec.name)};
        if (storage::hasControlChars(s, true))
            return CodecError{"bad_request", fmt::format("field {} holds control characters", spec.name)};
        return std::nullopt;
    }
    }
    return CodecError{"bad_request", "unknown column type"};
}

}  // namespace

std::vector<ColumnSpec> columnsOf(std::string_view entity) {
    for (const auto& e : schema()) {
        if (e.entity != entity) continue;
        std::vector<ColumnSpec> out = e.columns;
        out.push_back({"deleted", T::Integer, 0});
        return out;
    }
    return {};
}

bool isAppendOnly(std::string_view entity) {
    return entity == "assistance" || entity == "referral_status" || entity == "note";
}

bool isSyncedEntity(std::string_view entity) {
    return std::any_of(schema().begin(), schema().end(), [&](const auto& e) { return e.entity == entity; });
}

nlohmann::json encodeChange(const ChangeRecord& c) {
    nlohmann::json j = {{"id", c.id},   {"entity", c.entity}, {"record", c.record}, {"op", c.op},
                        {"fields", c.fields}, {"hlc", c.hlc}, {"device", c.device}, {"author", c.author},
                        {"office", c.office}};
    if (!c.base.empty()) j["base"] = c.base;
    return j;
}

std::expected<ChangeRecord, CodecError> decodeChange(const nlohmann::json& j) {
    if (!j.is_object()) return bad("bad_request", "a change must be a JSON object");
    const auto text = [&](const char* key, std::string& out) -> std::optional<CodecError> {
        auto it = j.find(key);
        if (it == j.end() || !it->is_string()) return CodecError{"bad_request", fmt::format("change.{} must be a string", key)};
        out = it->get<std::string>();
        if (out.size() > 128) return CodecError{"too_large", fmt::format("change.{} is too long", key)};
        if (!storage::isValidUtf8(out)) return CodecError{"invalid_utf8", fmt::format("change.{} is not valid UTF-8", key)};
        return std::nullopt;
    };
    ChangeRecord c;
    for (const auto& [key, out] : {std::pair<const char*, std::string*>{"id", &c.id},
                                   {"entity", &c.entity},
                                   {"record", &c.record},
                                   {"op", &c.op},
                                   {"hlc", &c.hlc},
                                   {"device", &c.device},
                                   {"author", &c.author},
                                   {"office", &c.office}}) {
        if (auto e = text(key, *out)) return std::unexpected(*e);
    }
    if (!storage::isUuid(c.id)) return bad("bad_request", "change.id must be a lower-case UUID");
    if (!storage::isUuid(c.record)) return bad("bad_request", "change.record must be a lower-case UUID");
    if (!storage::isUuid(c.device)) return bad("bad_request", "change.device must be a lower-case UUID");
    if (!storage::isUuid(c.author) && c.author != "server") return bad("bad_request", "change.author must be a UUID");
    if (!isHlc(c.hlc)) return bad("bad_request", "change.hlc must look like 0197734e9000-0001");
    if (c.office.size() != 3 || !std::all_of(c.office.begin(), c.office.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
        return bad("bad_request", "change.office must be a 3-letter office code");
    if (c.op != "put" && c.op != "delete") return bad("bad_request", "change.op must be put or delete");
    const std::vector<ColumnSpec> columns = columnsOf(c.entity);
    if (columns.empty()) return bad("unknown_entity", fmt::format("unknown entity '{}'", c.entity.substr(0, 40)));
    auto fields = j.find("fields");
    if (fields == j.end() || !fields->is_object()) return bad("bad_request", "change.fields must be an object");
    if (fields->size() > 40) return bad("too_large", "a change sets at most 40 fields");
    if (c.op == "delete" && !fields->empty()) return bad("bad_request", "a delete carries no fields");
    if (c.op == "put" && fields->empty()) return bad("bad_request", "a put sets at least one field");
    for (const auto& [name, value] : fields->items()) {
        auto spec = std::find_if(columns.begin(), columns.end(), [&](const ColumnSpec& s) { return s.name == name; });
        if (spec == columns.end())
            return bad("unknown_field", fmt::format("{} has no field '{}'", c.entity, name.substr(0, 40)));
        if (auto e = checkValue(*spec, value)) return std::unexpected(*e);
    }
    c.fields = *fields;
    if (auto base = j.find("base"); base != j.end()) {
        if (!base->is_object() || base->size() > 41) return bad("bad_request", "change.base must be an object");
        for (const auto& [name, value] : base->items()) {
            const bool known = name == "deleted" || std::any_of(columns.begin(), columns.end(),
                                                                [&](const ColumnSpec& s) { return s.name == name; });
            if (!known || !value.is_string() || !isClock(value.get<std::string>()))
                return bad("bad_request", fmt::format("change.base.{} must be a clock of a known field", name.substr(0, 40)));
        }
        c.base = *base;
    }
    return c;
}

nlohmann::json encodeColumns(const std::vector<nlohmann::json>& changes) {
    nlohmann::json columns = nlohmann::json::object();
    for (const std::string_view name : kColumns) {
        const std::string key(name);
        nlohmann::json column = nlohmann::json::array();
        for (const auto& change : changes) {
            const auto it = change.is_object() ? change.find(key) : change.end();
            if (it != change.end()) {
                column.push_back(*it);
            } else {
                column.push_back(key == "base" ? nlohmann::json::object() : nlohmann::json());
            }
        }
        columns[key] = std::move(column);
    }
    return columns;
}

std::expected<std::vector<nlohmann::json>, CodecError> splitColumns(const nlohmann::json& columns,
                                                                   std::size_t maxChanges) {
    if (!columns.is_object()) return bad("bad_request", "\"columns\" must be an object of arrays, one per change field");
    for (const auto& [name, column] : columns.items()) {
        if (std::find(kColumns.begin(), kColumns.end(), name) == kColumns.end())
            return bad("bad_request", fmt::format("\"columns\" has an unknown column '{}'", name.substr(0, 40)));
    }
    std::size_t count = 0;
    for (const std::string_view name : kColumns) {
        const auto it = columns.find(std::string(name));
        if (it == columns.end() || !it->is_array())
            return bad("bad_request", fmt::format("\"columns.{}\" must be an array", name));
        if (name == kColumns.front()) count = it->size();
        if (it->size() != count)
            return bad("bad_request", fmt::format("\"columns.{}\" has {} entries, \"columns.id\" {}: every column "
                                                  "needs one entry per change",
                                                  name, it->size(), count));
    }
    if (count > maxChanges)
        return bad("too_large", fmt::format("a list holds at most {} changes; send smaller batches", maxChanges));
    std::vector<nlohmann::json> out(count, nlohmann::json::object());
    for (const std::string_view name : kColumns) {
        const std::string key(name);
        const auto& column = columns.at(key);
        for (std::size_t i = 0; i < count; ++i) {
            const auto& value = column[i];
            // An empty base is the same as none (encodeChange leaves it out).
            if (key == "base" && value.is_object() && value.empty()) continue;
            out[i][key] = value;
        }
    }
    return out;
}

storage::Result<std::vector<ChangeRecord>> readOutbox(storage::Db& db, std::int64_t afterSeq, std::size_t limit,
                                                      const std::string& office, std::int64_t& lastSeq) {
    auto stmt = db.prepare(
        "SELECT seq, change_id, entity, record_id, op, fields, base, hlc, device, author FROM changes "
        "WHERE seq > ? ORDER BY seq LIMIT ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, afterSeq).bind(2, static_cast<std::int64_t>(limit));
    std::vector<ChangeRecord> out;
    lastSeq = afterSeq;
    for (;;) {
        auto row = stmt->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        ChangeRecord c;
        lastSeq = stmt->integer(0);
        c.id = stmt->text(1);
        c.entity = stmt->text(2);
        c.record = stmt->text(3);
        c.op = stmt->text(4);
        c.fields = nlohmann::json::parse(stmt->text(5), nullptr, false);
        c.base = nlohmann::json::parse(stmt->text(6), nullptr, false);
        if (c.fields.is_discarded() || c.base.is_discarded())
            return storage::fail(storage::ErrorCode::Damaged, "a change record in the outbox is damaged; run `chasqui verify`");
        c.hlc = stmt->text(7);
        c.device = stmt->text(8);
        c.author = stmt->text(9);
        c.office = office;
        out.push_back(std::move(c));
    }
    stmt->reset();
    return out;
}

}  // namespace chasqui::sync
