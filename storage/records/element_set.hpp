#pragma once
// Multi-valued fields (a case's needs and vulnerabilities, a person's
// languages, a case's consent scopes) merge element by element
// (sync/PROTOCOL.md section 3.2), never as one value: an addition on one kiosk
// and another addition elsewhere both stay, and a removal takes away only the
// additions its writer had seen.
//
// Each replica keeps, per element, the largest clock of a write that added it
// and the largest add clock that a removal covered. The element is present
// while its add clock is larger. Both only grow (by max), so replicas that
// received the same writes, in any order and any number of times, agree.
// Pure functions on values: the kiosk's writer and applier and the server's
// store all use them.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace chasqui::storage {

// Whether a synced column holds a set of codes ("a,b,c") that merges element
// by element. The list lives here once.
bool isSetColumn(std::string_view entity, std::string_view column);

struct ElementClocks {
    std::string added;    // largest clock of a write that added the element
    std::string removed;  // largest add clock a removal covered (empty: never removed)
};
using ElementSet = std::map<std::string, ElementClocks>;

// What one write did to a set field: the elements it added (at the write's
// own clock) and the ones it removed, each with the add clock its writer saw.
struct SetEdit {
    std::vector<std::string> added;
    std::map<std::string, std::string> removed;
};

// The stored form of a set value: codes sorted and unique, "a,b,c". Every
// replica writes a merged set in this form, so equal sets are equal text.
std::string normalizeSet(std::string_view value);

// Element state of a value that has none yet (a record written before sets
// merged element by element): every element added at `clock`.
ElementSet seedElements(std::string_view value, const std::string& clock);

// The edit that turns `before` into `after` on a replica whose element state is `state`.
SetEdit diffElements(const ElementSet& state, std::string_view before, std::string_view after);

// A write with clock `clock` that carried no edit (a creation, or a change
// from a kiosk older than element merging): every element of its value added.
SetEdit additionsOf(std::string_view value);

// Applies an edit made at `clock`; order and repetition do not matter.
void applyEdit(ElementSet& state, const SetEdit& edit, const std::string& clock);

// The elements present, as stored (normalizeSet's form).
std::string presentValue(const ElementSet& state);

// Wire form of an edit: {"add": [codes], "del": {code: clock}}.
nlohmann::json encodeEdit(const SetEdit& edit);
// The inverse; std::nullopt when the shape is wrong (the codec checks sizes and text).
std::optional<SetEdit> decodeEdit(const nlohmann::json& json);

// Stored form of element state: {code: [added, removed]}.
nlohmann::json elementsToJson(const ElementSet& state);
std::optional<ElementSet> elementsFromJson(const nlohmann::json& json);

}  // namespace chasqui::storage
