#include "storage/records/record_clocks.hpp"

namespace chasqui::storage {

std::string makeClock(const std::string& hlc, const std::string& device) {
    return hlc + "@" + device;
}

Result<std::optional<RecordClocks>> RecordClocks::load(Db& db, std::string_view entity, const std::string& recordId) {
    auto row = db.readOne(
        "SELECT clock, fields FROM record_clocks WHERE entity = ? AND record_id = ?",
        [](const Stmt& s) { return std::make_pair(s.text(0), s.text(1)); }, entity, recordId);
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::optional<RecordClocks>{};
    RecordClocks c;
    c.m_entity = std::string(entity);
    c.m_recordId = recordId;
    c.m_clock = std::move((*row)->first);
    c.m_fields = nlohmann::json::parse((*row)->second, nullptr, false);
    if (c.m_fields.is_discarded() || !c.m_fields.is_object())
        return fail(ErrorCode::Damaged, "the merge clocks of a record are damaged; run `chasqui verify`");
    return std::optional<RecordClocks>(std::move(c));
}

RecordClocks RecordClocks::created(std::string_view entity, const std::string& recordId, const std::string& clock) {
    RecordClocks c;
    c.m_entity = std::string(entity);
    c.m_recordId = recordId;
    c.m_clock = clock;
    return c;
}

FieldClock RecordClocks::field(const std::string& name) const {
    if (auto it = m_fields.find(name); it != m_fields.end() && it->is_object())
        return {it->value("c", std::string()), it->value("b", std::string())};
    return {m_clock, {}};
}

namespace {
void collectHighest(const nlohmann::json& node, std::string& highest) {
    if (node.is_string()) {
        const std::string& clock = node.get_ref<const std::string&>();
        const std::string hlc = clock.substr(0, clock.find('@'));
        if (hlc > highest) highest = hlc;
    } else if (node.is_object() || node.is_array()) {
        for (const auto& child : node) collectHighest(child, highest);
    }
}
}  // namespace

std::string RecordClocks::highestHlc() const {
    std::string highest;
    collectHighest(nlohmann::json(m_clock), highest);
    collectHighest(m_fields, highest);
    return highest;
}

void RecordClocks::set(const std::string& name, const std::string& clock, const std::string& base) {
    auto& field = m_fields[name];
    if (!field.is_object()) field = nlohmann::json::object();
    field["c"] = clock;
    field["b"] = base;
}

ElementSet RecordClocks::elements(const std::string& name, std::string_view currentValue) const {
    if (auto it = m_fields.find(name); it != m_fields.end() && it->is_object()) {
        if (auto e = it->find("e"); e != it->end()) {
            if (auto state = elementsFromJson(*e)) return std::move(*state);
        }
    }
    return seedElements(currentValue, field(name).clock);
}

void RecordClocks::setElements(const std::string& name, const ElementSet& state) {
    auto& field = m_fields[name];
    if (!field.is_object()) field = {{"c", m_clock}, {"b", ""}};
    field["e"] = elementsToJson(state);
}

Result<void> RecordClocks::save(Db& db) const {
    const std::string fields = m_fields.dump();
    auto upsert = db.prepare(
        "INSERT INTO record_clocks (entity, record_id, clock, fields) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (record_id, entity) DO UPDATE SET clock = excluded.clock, fields = excluded.fields");
    if (!upsert) return std::unexpected(upsert.error());
    return upsert->bindAll(m_entity, m_recordId, m_clock, fields).run();
}

}  // namespace chasqui::storage
