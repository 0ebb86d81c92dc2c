#pragma once
// Per-record merge clocks (sync/PROTOCOL.md section 3): the clock of the
// record's creating write, and for each field written since, its own clock and
// the clock of the value it replaced. A clock is "<hlc>@<device>", so plain
// string comparison orders clocks by HLC and then device id.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "storage/base/error.hpp"
#include "storage/base/sqlite_db.hpp"
#include "storage/records/element_set.hpp"

namespace chasqui::storage {

struct FieldClock {
    std::string clock;  // current value's clock; empty when the field was never written
    std::string base;   // clock of the value it replaced; empty when none
};

std::string makeClock(const std::string& hlc, const std::string& device);

class RecordClocks {
public:
    // std::nullopt when the record has no clocks yet (not on this replica).
    static Result<std::optional<RecordClocks>> load(Db& db, std::string_view entity, const std::string& recordId);
    // A new record: every field it sets has `clock`.
    static RecordClocks created(std::string_view entity, const std::string& recordId, const std::string& clock);

    FieldClock field(const std::string& name) const;
    // The highest HLC among every clock kept here (creation, fields, their
    // bases, set elements), "" when none: a write to this record must be
    // stamped above it, whatever the device's clock says now.
    std::string highestHlc() const;
    void set(const std::string& name, const std::string& clock, const std::string& base);
    // Element state of a set field (storage/records/element_set.hpp); a field
    // that has none yet is seeded from `currentValue` at the field's clock.
    ElementSet elements(const std::string& name, std::string_view currentValue) const;
    void setElements(const std::string& name, const ElementSet& state);
    // Inserts or replaces the row, inside the caller's transaction.
    Result<void> save(Db& db) const;

private:
    std::string m_entity;
    std::string m_recordId;
    std::string m_clock;
    nlohmann::json m_fields = nlohmann::json::object();
};

}  // namespace chasqui::storage
