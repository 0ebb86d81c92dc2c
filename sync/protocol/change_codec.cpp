#include "sync/protocol/change_codec.hpp"

#include "sync/protocol/json_text.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "storage/base/text.hpp"
#include "storage/records/element_set.hpp"
#include "storage/records/ids.hpp"

namespace chasqui::sync {

namespace {

using T = ColumnType;

std::unexpected<SyncError> bad(SyncErrorCode code, std::string message) {
    return syncFail(code, std::move(message));
}

// The columns of a change list, in the order of the change record's fields.
constexpr std::array<std::string_view, 10> kColumns{"id",   "entity", "record", "op",     "fields",
                                                    "base", "hlc",    "device", "author", "office"};
// Present only when a change of the list edits a set field (PROTOCOL.md 3.2).
constexpr std::string_view kSetsColumn = "sets";
// At most this many codes in one set value's edit (vocabularies are far smaller).
constexpr std::size_t kMaxSetCodes = 64;

bool isHlc(const std::string& text) {
    storage::HlcStamp stamp;
    return storage::HlcStamp::decode(text, stamp);
}

bool isClock(const std::string& text) {
    const auto at = text.find('@');
    return at == 17 && isHlc(text.substr(0, at)) && storage::isUuid(text.substr(at + 1));
}

std::optional<SyncError> checkValue(const ColumnSpec& spec, const nlohmann::json& value) {
    switch (spec.type) {
        case T::Integer:
            if (!value.is_number_integer())
                return syncError(SyncErrorCode::BadRequest, fmt::format("field {} must be an integer", spec.name));
            // nlohmann::json keeps a non-negative integer unsigned: read as int64,
            // 18446744073709551615 would wrap to -1 and pass.
            if (value.is_number_unsigned()
                    ? value.get<std::uint64_t>() > 1000000000ULL
                    : (value.get<std::int64_t>() < -1000000000LL || value.get<std::int64_t>() > 1000000000LL))
                return syncError(SyncErrorCode::BadRequest, fmt::format("field {} is out of range", spec.name));
            return std::nullopt;
        case T::Real:
            if (!value.is_number())
                return syncError(SyncErrorCode::BadRequest, fmt::format("field {} must be a number", spec.name));
            return std::nullopt;
        case T::Text: {
            if (!value.is_string())
                return syncError(SyncErrorCode::BadRequest, fmt::format("field {} must be a string", spec.name));
            const auto& s = value.get_ref<const std::string&>();
            if (s.size() > spec.maxBytes)
                return syncError(SyncErrorCode::TooLarge, fmt::format("field {} is too long", spec.name));
            if (!storage::isValidUtf8(s))
                return syncError(SyncErrorCode::InvalidUtf8, fmt::format("field {} is not valid UTF-8", spec.name));
            if (storage::hasControlChars(s, true))
                return syncError(SyncErrorCode::BadRequest,
                                 fmt::format("field {} holds control characters", spec.name));
            return std::nullopt;
        }
    }
    return syncError(SyncErrorCode::BadRequest, "unknown column type");
}

// The "sets" of a put: one edit per set field the change sets.
std::optional<SyncError> checkSets(std::string_view entity, const nlohmann::json& fields, const nlohmann::json& sets) {
    if (!sets.is_object() || sets.size() > 8)
        return syncError(SyncErrorCode::BadRequest, "change.sets must be an object of set-field edits");
    const auto code = [](const std::string& text) {
        return !text.empty() && text.size() <= 64 && storage::isValidUtf8(text) &&
               text.find(',') == std::string::npos && !storage::hasControlChars(text, false);
    };
    for (const auto& [name, value] : sets.items()) {
        const std::string shown = name.substr(0, 40);
        if (!storage::isSetColumn(entity, name) || !fields.contains(name))
            return syncError(SyncErrorCode::BadRequest,
                             fmt::format("change.sets.{} must edit a set field the change sets", shown));
        const auto edit = storage::decodeEdit(value);
        if (!edit || edit->added.size() + edit->removed.size() > kMaxSetCodes)
            return syncError(
                SyncErrorCode::BadRequest,
                fmt::format("change.sets.{} must be {{\"add\": [codes], \"del\": {{code: clock}}}}", shown));
        for (const auto& added : edit->added)
            if (!code(added))
                return syncError(SyncErrorCode::BadRequest, fmt::format("change.sets.{} adds a malformed code", shown));
        for (const auto& [removed, seen] : edit->removed)
            if (!code(removed) || !(seen == "0" || isClock(seen)))
                return syncError(SyncErrorCode::BadRequest,
                                 fmt::format("change.sets.{} removes a malformed code or clock", shown));
    }
    return std::nullopt;
}

}  // namespace

std::vector<ColumnSpec> columnsOf(std::string_view entity) {
    const storage::EntitySpec* spec = storage::findEntity(entity);
    if (spec == nullptr) return {};
    std::vector<ColumnSpec> out(spec->columns.begin(), spec->columns.end());
    out.push_back(storage::deletedColumn());
    return out;
}

bool isAppendOnly(std::string_view entity) {
    const storage::EntitySpec* spec = storage::findEntity(entity);
    return spec != nullptr && spec->appendOnly;
}

bool isSyncedEntity(std::string_view entity) {
    return storage::findEntity(entity) != nullptr;
}

nlohmann::json encodeChange(const ChangeRecord& c) {
    nlohmann::json j = {{"id", c.id},         {"entity", c.entity}, {"record", c.record},
                        {"op", c.op},         {"fields", c.fields}, {"hlc", c.hlc},
                        {"device", c.device}, {"author", c.author}, {"office", c.office}};
    if (!c.base.empty()) j["base"] = c.base;
    if (!c.sets.empty()) j["sets"] = c.sets;
    return j;
}

namespace {

// True when decodeChange was given the JSON to keep (an rvalue): its values
// are then moved into the change record instead of copied.
template <typename Json>
constexpr bool kMovable = !std::is_lvalue_reference_v<Json> && !std::is_const_v<std::remove_reference_t<Json>>;

template <typename Json, typename Value>
decltype(auto) taken(Value& value) {
    if constexpr (kMovable<Json>)
        return std::move(value);
    else
        return static_cast<const Value&>(value);
}

template <typename Json>
SyncResult<ChangeRecord> decodeChangeFrom(Json&& j) {
    if (!j.is_object()) return bad(SyncErrorCode::BadRequest, "a change must be a JSON object");
    // Everything is checked before anything is taken: a change refused is
    // left as it came, for the quarantine to keep its text.
    static constexpr std::array<const char*, 8> kTexts{"id",  "entity", "record", "op",
                                                       "hlc", "device", "author", "office"};
    using Text = std::conditional_t<kMovable<Json>, std::string, const std::string>;
    std::array<Text*, kTexts.size()> texts{};
    for (std::size_t i = 0; i < kTexts.size(); ++i) {
        const char* key = kTexts[i];
        auto it = j.find(key);
        if (it == j.end() || !it->is_string())
            return bad(SyncErrorCode::BadRequest, fmt::format("change.{} must be a string", key));
        Text& text = it->template get_ref<Text&>();
        if (text.size() > 128) return bad(SyncErrorCode::TooLarge, fmt::format("change.{} is too long", key));
        if (!storage::isValidUtf8(text))
            return bad(SyncErrorCode::InvalidUtf8, fmt::format("change.{} is not valid UTF-8", key));
        texts[i] = &text;
    }
    const std::string& id = *texts[0];
    const std::string& entity = *texts[1];
    const std::string& record = *texts[2];
    const std::string& op = *texts[3];
    const std::string& hlc = *texts[4];
    const std::string& device = *texts[5];
    const std::string& author = *texts[6];
    const std::string& office = *texts[7];
    if (!storage::isUuid(id)) return bad(SyncErrorCode::BadRequest, "change.id must be a lower-case UUID");
    if (!storage::isUuid(record)) return bad(SyncErrorCode::BadRequest, "change.record must be a lower-case UUID");
    if (!storage::isUuid(device)) return bad(SyncErrorCode::BadRequest, "change.device must be a lower-case UUID");
    if (!storage::isUuid(author) && author != "server")
        return bad(SyncErrorCode::BadRequest, "change.author must be a UUID");
    if (!isHlc(hlc)) return bad(SyncErrorCode::BadRequest, "change.hlc must look like 0197734e9000-0001");
    if (office.size() != 3 ||
        !std::all_of(office.begin(), office.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
        return bad(SyncErrorCode::BadRequest, "change.office must be a 3-letter office code");
    if (op != "put" && op != "delete") return bad(SyncErrorCode::BadRequest, "change.op must be put or delete");
    const std::vector<ColumnSpec> columns = columnsOf(entity);
    if (columns.empty())
        return bad(SyncErrorCode::UnknownEntity, fmt::format("unknown entity '{}'", entity.substr(0, 40)));
    auto fields = j.find("fields");
    if (fields == j.end() || !fields->is_object())
        return bad(SyncErrorCode::BadRequest, "change.fields must be an object");
    if (fields->size() > 40) return bad(SyncErrorCode::TooLarge, "a change sets at most 40 fields");
    if (op == "delete" && !fields->empty()) return bad(SyncErrorCode::BadRequest, "a delete carries no fields");
    if (op == "put" && fields->empty()) return bad(SyncErrorCode::BadRequest, "a put sets at least one field");
    for (const auto& [name, value] : fields->items()) {
        auto spec = std::find_if(columns.begin(), columns.end(), [&](const ColumnSpec& s) { return s.name == name; });
        if (spec == columns.end())
            return bad(SyncErrorCode::UnknownField, fmt::format("{} has no field '{}'", entity, name.substr(0, 40)));
        if (auto e = checkValue(*spec, value)) return std::unexpected(*e);
    }
    auto base = j.find("base");
    if (base != j.end()) {
        if (!base->is_object() || base->size() > 41)
            return bad(SyncErrorCode::BadRequest, "change.base must be an object");
        for (const auto& [name, value] : base->items()) {
            const bool known = name == "deleted" || std::any_of(columns.begin(), columns.end(),
                                                                [&](const ColumnSpec& s) { return s.name == name; });
            if (!known || !value.is_string() || !isClock(value.template get<std::string>()))
                return bad(SyncErrorCode::BadRequest,
                           fmt::format("change.base.{} must be a clock of a known field", name.substr(0, 40)));
        }
    }
    auto sets = j.find("sets");
    if (sets != j.end()) {
        if (auto e = checkSets(entity, *fields, *sets)) return std::unexpected(*e);
    }
    ChangeRecord c;
    const std::array<std::string*, kTexts.size()> outs{&c.id,  &c.entity, &c.record, &c.op,
                                                       &c.hlc, &c.device, &c.author, &c.office};
    for (std::size_t i = 0; i < kTexts.size(); ++i) *outs[i] = taken<Json>(*texts[i]);
    c.fields = taken<Json>(*fields);
    if (base != j.end()) c.base = taken<Json>(*base);
    if (sets != j.end()) c.sets = taken<Json>(*sets);
    return c;
}

}  // namespace

SyncResult<ChangeRecord> decodeChange(const nlohmann::json& json) {
    return decodeChangeFrom(json);
}

SyncResult<ChangeRecord> decodeChange(nlohmann::json&& json) {
    return decodeChangeFrom(std::move(json));
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
    const std::string setsKey(kSetsColumn);
    const bool anySets = std::any_of(changes.begin(), changes.end(), [&](const nlohmann::json& change) {
        return change.is_object() && change.contains(setsKey);
    });
    if (anySets) {
        nlohmann::json column = nlohmann::json::array();
        for (const auto& change : changes) {
            const auto it = change.is_object() ? change.find(setsKey) : change.end();
            column.push_back(it != change.end() ? *it : nlohmann::json::object());
        }
        columns[setsKey] = std::move(column);
    }
    return columns;
}

namespace {

template <typename Json>
SyncResult<std::vector<nlohmann::json>> splitColumnsFrom(Json&& columns, std::size_t maxChanges) {
    if (!columns.is_object())
        return bad(SyncErrorCode::BadRequest, "\"columns\" must be an object of arrays, one per change field");
    for (const auto& [name, column] : columns.items()) {
        if (std::find(kColumns.begin(), kColumns.end(), name) == kColumns.end() && name != kSetsColumn)
            return bad(SyncErrorCode::BadRequest,
                       fmt::format("\"columns\" has an unknown column '{}'", name.substr(0, 40)));
    }
    std::size_t count = 0;
    for (const std::string_view name : kColumns) {
        const auto it = columns.find(std::string(name));
        if (it == columns.end() || !it->is_array())
            return bad(SyncErrorCode::BadRequest, fmt::format("\"columns.{}\" must be an array", name));
        if (name == kColumns.front()) count = it->size();
        if (it->size() != count)
            return bad(SyncErrorCode::BadRequest,
                       fmt::format("\"columns.{}\" has {} entries, \"columns.id\" {}: every column "
                                   "needs one entry per change",
                                   name, it->size(), count));
    }
    const std::string setsKey(kSetsColumn);
    if (const auto sets = columns.find(setsKey); sets != columns.end() && (!sets->is_array() || sets->size() != count))
        return bad(SyncErrorCode::BadRequest, "\"columns.sets\", when present, needs one entry per change");
    if (count > maxChanges)
        return bad(SyncErrorCode::TooLarge,
                   fmt::format("a list holds at most {} changes; send smaller batches", maxChanges));
    std::vector<nlohmann::json> out(count, nlohmann::json::object());
    if (const auto sets = columns.find(setsKey); sets != columns.end()) {
        for (std::size_t i = 0; i < count; ++i) {
            auto& value = (*sets)[i];
            // Like base: an empty object is the same as none.
            if (!(value.is_object() && value.empty())) out[i][setsKey] = taken<Json>(value);
        }
    }
    for (const std::string_view name : kColumns) {
        const std::string key(name);
        auto& column = columns.at(key);
        for (std::size_t i = 0; i < count; ++i) {
            auto& value = column[i];
            // An empty base is the same as none (encodeChange leaves it out).
            if (key == "base" && value.is_object() && value.empty()) continue;
            out[i][key] = taken<Json>(value);
        }
    }
    return out;
}

}  // namespace

SyncResult<std::vector<nlohmann::json>> splitColumns(const nlohmann::json& columns, std::size_t maxChanges) {
    return splitColumnsFrom(columns, maxChanges);
}

SyncResult<std::vector<nlohmann::json>> splitColumns(nlohmann::json&& columns, std::size_t maxChanges) {
    return splitColumnsFrom(std::move(columns), maxChanges);
}

ChangeText changeText(const ChangeRecord& c) {
    ChangeText out;
    std::string& t = out.text;
    t.reserve(160 + 48 * c.fields.size());
    // The keys in the order dump() writes them (sorted).
    const auto key = [&t](std::string_view name) {
        t += t.empty() ? '{' : ',';
        appendJsonString(t, name);
        t += ':';
    };
    const auto object = [&](const nlohmann::json& members, bool spans) {
        t += '{';
        bool first = true;
        for (const auto& [name, value] : members.items()) {
            if (!first) t += ',';
            first = false;
            appendJsonString(t, name);
            t += ':';
            const std::size_t at = t.size();
            appendJsonValue(t, value);
            if (spans) out.values.emplace_back(at, t.size() - at);
        }
        t += '}';
    };
    key("author");
    appendJsonString(t, c.author);
    if (!c.base.empty()) {
        key("base");
        object(c.base, false);
    }
    key("device");
    appendJsonString(t, c.device);
    key("entity");
    appendJsonString(t, c.entity);
    key("fields");
    if (c.fields.is_object()) {
        object(c.fields, true);
    } else {
        t += c.fields.dump();
    }
    key("hlc");
    appendJsonString(t, c.hlc);
    key("id");
    appendJsonString(t, c.id);
    key("office");
    appendJsonString(t, c.office);
    key("op");
    appendJsonString(t, c.op);
    key("record");
    appendJsonString(t, c.record);
    if (!c.sets.empty()) {
        key("sets");
        t += c.sets.dump();
    }
    t += '}';
    return out;
}

}  // namespace chasqui::sync
