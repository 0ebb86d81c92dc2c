#include "sync/server/repository/postgres/pg_record_fields.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "storage/base/secret.hpp"
#include "storage/keys/key_wrap.hpp"
#include "sync/server/repository/personal_fields.hpp"

namespace chasqui::sync::pg {

namespace {

SyncError damaged() {
    return syncError(SyncErrorCode::Internal,
                     "the PostgreSQL store returned a malformed record (record_state.fields); restore the database "
                     "from a backup");
}

// jsonb keeps numbers as decimals: "1e+19" comes back "10000000000000000000"
// (read as an integer), "-0.0" as "0.0". The core compares value texts, so
// such a value keeps its exact text. Anything that does not look like the
// JSON the core writes is kept as text too, never handed to jsonb to refuse.
bool needsExactText(std::string_view value) {
    if (value.empty()) return true;
    const char first = value.front();
    if (first == '"' || first == 'n' || first == 't' || first == 'f') return false;
    if (first != '-' && (first < '0' || first > '9')) return true;
    return value.find_first_of("eE") != std::string_view::npos || value.starts_with("-0");
}

// Starts member `name` of a field object (the opening brace is already out).
void startMember(std::string& out, std::string_view name) {
    if (out.back() != '{') out.push_back(',');
    out.push_back('"');
    out += name;
    out += "\":";
}

void appendMember(std::string& out, std::string_view name, std::string_view text) {
    startMember(out, name);
    appendJsonString(out, text);
}

// A member of a field object that must be a string when present.
std::optional<std::string> stringMember(const nlohmann::json& entry, const char* name, bool& ok) {
    const auto it = entry.find(name);
    if (it == entry.end()) return std::nullopt;
    if (!it->is_string()) {
        ok = false;
        return std::nullopt;
    }
    return it->get<std::string>();
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t plain = 0;  // start of the run of bytes copied as they are
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
        out.append(text.substr(plain, i - plain));
        plain = i + 1;
        if (byte >= 0x20) {
            out.push_back('\\');
            out.push_back(static_cast<char>(byte));
        } else {
            out += "\\u00";
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 0xF]);
        }
    }
    out.append(text.substr(plain));
    out.push_back('"');
}

FieldDefaults commonDefaults(const std::vector<const StoredField*>& fields) {
    // A handful of fields, nearly always one pair: counting in place is enough.
    std::vector<std::pair<const StoredField*, std::size_t>> counts;
    for (const StoredField* f : fields) {
        auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) {
            return c.first->clock == f->clock && c.first->author == f->author;
        });
        if (it == counts.end()) {
            counts.push_back({f, 1});
        } else {
            ++it->second;
        }
    }
    const auto best = std::max_element(counts.begin(), counts.end(),
                                       [](const auto& a, const auto& b) { return a.second < b.second; });
    if (best == counts.end()) return {};
    return {best->first->clock, best->first->author};
}

void appendFieldEntry(std::string& out, const FieldCipher& cipher, const RecordKey& key, std::string_view field,
                      const StoredField& state, const FieldDefaults& defaults) {
    appendJsonString(out, field);
    out += ":{";
    // Empty defaults (a row not read first, whose own defaults are unknown)
    // leave nothing out: a field without a clock is damaged, and a stored
    // row's author must not stand in for an empty one.
    const bool nameAll = defaults.clock.empty();
    if (nameAll || state.clock != defaults.clock) appendMember(out, "c", state.clock);
    const FieldPrivacy privacy = fieldPrivacy(key.entity, field);
    if (privacy == FieldPrivacy::Plain) {
        if (needsExactText(state.value)) {
            appendMember(out, "t", state.value);
        } else {
            startMember(out, "v");
            out += state.value;
        }
    } else {
        startMember(out, "s");
        out.push_back('"');  // base64 needs no escaping
        const std::string sealed = cipher.seal(state.value, fieldPlace(key.entity, key.record, field));
        out += storage::toBase64(reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size());
        out.push_back('"');
        if (privacy == FieldPrivacy::BirthDate) {
            if (const auto year = birthYearOf(state.value)) {
                startMember(out, "y");
                out += std::to_string(*year);
            }
        }
        if (privacy == FieldPrivacy::DocNumber) {
            if (auto text = jsonText(state.value)) {
                appendMember(out, "h", cipher.lookupHash(*text));
                storage::wipeString(*text);
            }
        }
    }
    if (!state.base.empty()) appendMember(out, "b", state.base);
    if (nameAll || state.author != defaults.author) appendMember(out, "a", state.author);
    if (!state.elements.empty()) {
        if (state.elements.front() == '{') {
            startMember(out, "e");
            out += state.elements;
        } else {
            appendMember(out, "et", state.elements);  // not the object the core writes: kept as text
        }
    }
    out.push_back('}');
}

SyncResult<RecordFieldMap> readRecordFields(const FieldCipher& cipher, const RecordKey& key,
                                            std::string_view fieldsJson, const FieldDefaults& defaults) {
    const auto parsed = nlohmann::json::parse(fieldsJson, nullptr, false);
    if (!parsed.is_object()) return std::unexpected(damaged());
    RecordFieldMap out;
    for (const auto& [name, entry] : parsed.items()) {
        if (!entry.is_object()) return std::unexpected(damaged());
        bool ok = true;
        StoredField stored;
        auto clock = stringMember(entry, "c", ok);
        auto exact = stringMember(entry, "t", ok);
        auto sealed = stringMember(entry, "s", ok);
        auto base = stringMember(entry, "b", ok);
        auto author = stringMember(entry, "a", ok);
        auto exactElements = stringMember(entry, "et", ok);
        if (!ok) return std::unexpected(damaged());
        if (!clock && defaults.clock.empty()) return std::unexpected(damaged());
        if (clock) {
            stored.clock = std::move(*clock);
        } else {
            stored.clock = defaults.clock;
        }
        if (base) stored.base = std::move(*base);
        if (author) {
            stored.author = std::move(*author);
        } else {
            stored.author = defaults.author;
        }
        if (exactElements) {
            stored.elements = std::move(*exactElements);
        } else if (const auto e = entry.find("e"); e != entry.end()) {
            stored.elements = e->dump();
        }
        if (exact) {
            stored.value = std::move(*exact);
        } else if (sealed) {
            std::string bytes;
            if (!storage::fromBase64(*sealed, bytes)) return std::unexpected(damaged());
            auto opened = cipher.open(bytes, fieldPlace(key.entity, key.record, name));
            if (!opened) return std::unexpected(opened.error());
            stored.value = std::move(*opened);
        } else if (const auto v = entry.find("v"); v != entry.end()) {
            stored.value = v->dump();
        } else {
            stored.value = "null";  // a JSON null: the migration strips it
        }
        out.emplace(name, std::move(stored));
    }
    return out;
}

}  // namespace chasqui::sync::pg
