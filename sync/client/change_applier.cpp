#include "sync/client/change_applier.hpp"

#include <fmt/format.h>

#include "storage/records/element_set.hpp"
#include "storage/records/record_clocks.hpp"
#include "storage/records/record_writer.hpp"
#include "storage/search/search_index.hpp"
#include "sync/protocol/merge_rules.hpp"

namespace chasqui::sync {

namespace {

using storage::Db;
using storage::Result;

// A merged value as the store takes it (the codec checked its type).
storage::FieldValue fieldValue(const nlohmann::json& value) {
    if (value.is_null()) return nullptr;
    if (value.is_number_integer()) return value.get<std::int64_t>();
    if (value.is_number()) return value.get<double>();
    if (value.is_string()) return value.get<std::string>();
    return value.dump();
}

// Winning fields of one change, with the merge clocks advanced.
struct Winners {
    nlohmann::json values = nlohmann::json::object();
    bool elementsMoved = false;  // a set field's element clocks changed, even if its value did not
};

storage::Fields fieldsOf(const Winners& w) {
    storage::Fields out;
    for (const auto& [name, value] : w.values.items()) out.emplace_back(name, fieldValue(value));
    return out;
}

// The stored text of one column of a record on this kiosk ("" when absent).
Result<std::string> storedText(Db& db, std::string_view table, const std::string& id, const std::string& column) {
    auto value = db.readOne(
        fmt::format("SELECT {} FROM {} WHERE id = ?", column, table), [](const storage::Stmt& s) { return s.text(0); },
        id);
    if (!value) return std::unexpected(value.error());
    return value->value_or(std::string());
}

// A set field merges element by element (PROTOCOL.md 3.2) and never conflicts:
// the change's edit (or, without one, every element of its value as added)
// joins this kiosk's element clocks, and the field takes the merged set.
Result<void> mergeSet(Db& db, const ChangeRecord& c, std::string_view table, bool exists, const std::string& name,
                      const nlohmann::json& value, storage::RecordClocks& state, Winners& winners) {
    std::string current;
    if (exists) {
        auto stored = storedText(db, table, c.record, name);
        if (!stored) return std::unexpected(stored.error());
        current = std::move(*stored);
    }
    const std::string clock = c.clock();
    storage::ElementSet elements = state.elements(name, current);
    const nlohmann::json before = storage::elementsToJson(elements);
    std::optional<storage::SetEdit> edit;
    if (auto it = c.sets.find(name); it != c.sets.end()) edit = storage::decodeEdit(*it);
    if (!edit) edit = storage::additionsOf(value.is_string() ? value.get<std::string>() : std::string());
    storage::applyEdit(elements, *edit, clock);
    if (storage::elementsToJson(elements) != before) winners.elementsMoved = true;
    state.setElements(name, elements);
    const storage::FieldClock local = state.field(name);
    if (clock > local.clock) state.set(name, clock, local.clock);
    std::string merged = storage::presentValue(elements);
    if (!exists || merged != current) winners.values[name] = std::move(merged);
    return {};
}

}  // namespace

Result<ApplyReport> applyRemoteChanges(storage::PersonalStore& store, const std::vector<ChangeRecord>& changes) {
    Db& db = store.db();
    // The one write path; pulled changes add no audit entry and no change record.
    storage::RecordWriter writer = store.writer();
    ApplyReport report;
    for (const ChangeRecord& c : changes) {
        // Whatever happens to this change, later local edits must order after it.
        storage::HlcStamp seen;
        if (storage::HlcStamp::decode(c.hlc, seen)) store.observeClock(seen);
        const std::string_view table = storage::tableOf(c.entity);
        if (table.empty()) {
            report.rejected.emplace_back(c.id, syncError(SyncErrorCode::UnknownEntity, "not a synced entity"));
            continue;
        }
        auto exists = writer.exists(c.entity, c.record);
        if (!exists) return std::unexpected(exists.error());
        auto clocks = storage::RecordClocks::load(db, c.entity, c.record);
        if (!clocks) return std::unexpected(clocks.error());
        const std::string clock = c.clock();
        if (isAppendOnly(c.entity) && *exists) {
            // Created once: the creating change again is a duplicate, anything else is refused.
            if (*clocks && (*clocks)->field("").clock == clock)
                ++report.ignored;
            else
                report.rejected.emplace_back(
                    c.id, syncError(SyncErrorCode::AppendOnly, fmt::format("{} records cannot change", c.entity)));
            continue;
        }
        // A delete is the tombstone field (PROTOCOL.md 2); a put's fields are read in place.
        static const nlohmann::json kTombstone = {{"deleted", 1}};
        const nlohmann::json& incoming = c.op == "delete" ? kTombstone : c.fields;
        Winners winners;
        // A record new here takes the change's clock for all its fields, as a local creation does.
        storage::RecordClocks state =
            *clocks ? std::move(**clocks) : storage::RecordClocks::created(c.entity, c.record, *exists ? "" : clock);
        for (const auto& [name, value] : incoming.items()) {
            if (storage::isSetColumn(c.entity, name)) {
                if (auto r = mergeSet(db, c, table, *exists, name, value, state, winners); !r)
                    return std::unexpected(r.error());
                continue;
            }
            const std::string base = c.base.value(name, std::string());
            if (!*clocks && !*exists) {
                winners.values[name] = value;
                if (!base.empty()) state.set(name, clock, base);
                continue;
            }
            const storage::FieldClock local = state.field(name);
            const MergeOutcome outcome = decideField({local.clock, local.base}, clock, base);
            if (outcome == MergeOutcome::Apply || outcome == MergeOutcome::ApplyLocalLoses) {
                winners.values[name] = value;
                state.set(name, clock, base);
            }
        }
        if (winners.values.empty() && !winners.elementsMoved && *exists) {
            ++report.ignored;
            continue;
        }
        storage::HlcStamp stamp;
        storage::HlcStamp::decode(c.hlc, stamp);
        storage::RemoteWrite write{c.entity, c.record, *exists,      fieldsOf(winners),
                                   c.author, c.device, stamp.wallMs, std::move(state)};
        if (auto r = writer.applyRemote(write); !r) {
            if (r.error().code == storage::ErrorCode::AlreadyExists) {
                // A unique value (a staff login, a case code) already used by another record here.
                report.rejected.emplace_back(c.id, syncError(SyncErrorCode::UniqueViolation, r.error().message));
                continue;
            }
            return std::unexpected(r.error());
        }
        if (c.entity == "person") {
            if (auto r = storage::indexPerson(db, c.record); !r) return std::unexpected(r.error());
        }
        if (c.entity == "staff" && winners.values.contains("active") && winners.values["active"] == 0)
            report.disabledStaff.push_back(c.record);
        ++report.applied;
    }
    return report;
}

}  // namespace chasqui::sync
