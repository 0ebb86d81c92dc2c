#include "sync/client/change_applier.hpp"

#include <fmt/format.h>

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
};

storage::Fields fieldsOf(const Winners& w) {
    storage::Fields out;
    for (const auto& [name, value] : w.values.items()) out.emplace_back(name, fieldValue(value));
    return out;
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
        nlohmann::json incoming = c.fields;
        if (c.op == "delete") incoming = {{"deleted", 1}};
        Winners winners;
        // A record new here takes the change's clock for all its fields, as a local creation does.
        storage::RecordClocks state =
            *clocks ? std::move(**clocks) : storage::RecordClocks::created(c.entity, c.record, *exists ? "" : clock);
        for (const auto& [name, value] : incoming.items()) {
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
        if (winners.values.empty() && *exists) {
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
