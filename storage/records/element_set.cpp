#include "storage/records/element_set.hpp"

#include <algorithm>
#include <set>

#include "storage/base/text.hpp"

namespace chasqui::storage {

namespace {

// An element state made from a value written before element merging, or by
// a record's creation on a replica with no clock for it: older than any real clock.
constexpr std::string_view kOldestClock = "0";

std::set<std::string> codesOf(std::string_view value) {
    const auto codes = splitCodes(value);
    return {codes.begin(), codes.end()};
}

bool present(const ElementClocks& e) {
    return e.added > e.removed;
}

}  // namespace

bool isSetColumn(std::string_view entity, std::string_view column) {
    if (entity == "case") return column == "needs" || column == "vulnerabilities" || column == "consent_scope";
    if (entity == "person") return column == "languages";
    return false;
}

std::string normalizeSet(std::string_view value) {
    const auto codes = codesOf(value);
    return joinCodes({codes.begin(), codes.end()});
}

ElementSet seedElements(std::string_view value, const std::string& clock) {
    ElementSet state;
    for (const auto& code : codesOf(value)) state[code].added = clock.empty() ? std::string(kOldestClock) : clock;
    return state;
}

SetEdit diffElements(const ElementSet& state, std::string_view before, std::string_view after) {
    const auto old = codesOf(before);
    const auto now = codesOf(after);
    SetEdit edit;
    for (const auto& code : now)
        if (!old.contains(code)) edit.added.push_back(code);
    for (const auto& code : old) {
        if (now.contains(code)) continue;
        const auto it = state.find(code);
        // Removing what this replica shows: the additions it has seen end here.
        edit.removed[code] = it != state.end() ? it->second.added : std::string(kOldestClock);
    }
    return edit;
}

SetEdit additionsOf(std::string_view value) {
    const auto codes = codesOf(value);
    return {{codes.begin(), codes.end()}, {}};
}

void applyEdit(ElementSet& state, const SetEdit& edit, const std::string& clock) {
    for (const auto& code : edit.added) {
        auto& e = state[code];
        e.added = std::max(e.added, clock);
    }
    for (const auto& [code, seen] : edit.removed) {
        auto& e = state[code];
        e.removed = std::max(e.removed, seen);
    }
}

std::string presentValue(const ElementSet& state) {
    std::vector<std::string> codes;
    for (const auto& [code, clocks] : state)
        if (present(clocks)) codes.push_back(code);
    return joinCodes(codes);  // a std::map iterates in sorted order
}

nlohmann::json encodeEdit(const SetEdit& edit) {
    nlohmann::json removed = nlohmann::json::object();
    for (const auto& [code, seen] : edit.removed) removed[code] = seen;
    return {{"add", edit.added}, {"del", removed}};
}

std::optional<SetEdit> decodeEdit(const nlohmann::json& json) {
    if (!json.is_object() || json.size() != 2) return std::nullopt;
    const auto add = json.find("add");
    const auto del = json.find("del");
    if (add == json.end() || del == json.end() || !add->is_array() || !del->is_object()) return std::nullopt;
    SetEdit edit;
    for (const auto& code : *add) {
        if (!code.is_string()) return std::nullopt;
        edit.added.push_back(code.get<std::string>());
    }
    for (const auto& [code, seen] : del->items()) {
        if (!seen.is_string()) return std::nullopt;
        edit.removed[code] = seen.get<std::string>();
    }
    return edit;
}

nlohmann::json elementsToJson(const ElementSet& state) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [code, clocks] : state) out[code] = {clocks.added, clocks.removed};
    return out;
}

std::optional<ElementSet> elementsFromJson(const nlohmann::json& json) {
    if (!json.is_object()) return std::nullopt;
    ElementSet state;
    for (const auto& [code, pair] : json.items()) {
        if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) return std::nullopt;
        state[code] = {pair[0].get<std::string>(), pair[1].get<std::string>()};
    }
    return state;
}

}  // namespace chasqui::storage
