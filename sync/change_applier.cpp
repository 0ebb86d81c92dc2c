#include "sync/change_applier.hpp"

#include <fmt/format.h>

#include "storage/record_clocks.hpp"
#include "storage/record_writer.hpp"
#include "storage/search_index.hpp"
#include "sync/merge_rules.hpp"

namespace chasqui::sync {

namespace {

using storage::Db;
using storage::Result;

// Value for a column that a partial first change does not set: the tables'
// columns are NOT NULL without defaults.
nlohmann::json emptyValue(ColumnType type) {
    switch (type) {
    case ColumnType::Integer: return 0;
    case ColumnType::Real: return 0.0;
    default: return "";
    }
}

void bindJson(storage::Stmt& stmt, int index, const nlohmann::json& value) {
    if (value.is_null()) stmt.bindNull(index);
    else if (value.is_number_integer()) stmt.bind(index, value.get<std::int64_t>());
    else if (value.is_number()) stmt.bind(index, value.get<double>());
    else if (value.is_string()) stmt.bind(index, value.get<std::string>());
    else stmt.bind(index, value.dump());
}

Result<bool> recordExists(Db& db, std::string_view table, const std::string& id) {
    auto stmt = db.prepare(fmt::format("SELECT 1 FROM {} WHERE id = ?", table));
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, id);
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    stmt->reset();
    return *row;
}

// Winning fields of one change, with the merge clocks advanced.
struct Winners {
    nlohmann::json values = nlohmann::json::object();
};

Result<void> writeRow(Db& db, const ChangeRecord& c, std::string_view table, bool exists, const Winners& w,
                      std::int64_t wallMs) {
    if (!exists) {
        std::string columns = "id, created_at, updated_at, author, device";
        std::string marks = "?, ?, ?, ?, ?";
        std::vector<std::pair<std::string, nlohmann::json>> values;
        for (const auto& spec : columnsOf(c.entity)) {
            auto it = w.values.find(std::string(spec.name));
            values.emplace_back(std::string(spec.name), it != w.values.end() ? *it : emptyValue(spec.type));
            columns += ", " + std::string(spec.name);
            marks += ", ?";
        }
        auto stmt = db.prepare(fmt::format("INSERT INTO {} ({}) VALUES ({})", table, columns, marks));
        if (!stmt) return std::unexpected(stmt.error());
        stmt->bind(1, c.record).bind(2, wallMs).bind(3, wallMs).bind(4, c.author).bind(5, c.device);
        int index = 6;
        for (const auto& [name, value] : values) bindJson(*stmt, index++, value);
        return stmt->run();
    }
    if (w.values.empty()) return {};
    std::string sets = "updated_at = ?, author = ?, device = ?";
    for (const auto& [name, value] : w.values.items()) sets += ", " + name + " = ?";
    auto stmt = db.prepare(fmt::format("UPDATE {} SET {} WHERE id = ?", table, sets));
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, wallMs).bind(2, c.author).bind(3, c.device);
    int index = 4;
    for (const auto& [name, value] : w.values.items()) bindJson(*stmt, index++, value);
    stmt->bind(index, c.record);
    return stmt->run();
}

}  // namespace

Result<ApplyReport> applyRemoteChanges(storage::PersonalStore& store, const std::vector<ChangeRecord>& changes) {
    Db& db = store.db();
    ApplyReport report;
    for (const ChangeRecord& c : changes) {
        // Whatever happens to this change, later local edits must order after it.
        storage::HlcStamp seen;
        if (storage::HlcStamp::decode(c.hlc, seen)) store.observeClock(seen);
        const std::string_view table = storage::tableOf(c.entity);
        if (table.empty()) {
            report.rejected.emplace_back(c.id, CodecError{"unknown_entity", "not a synced entity"});
            continue;
        }
        auto exists = recordExists(db, table, c.record);
        if (!exists) return std::unexpected(exists.error());
        auto clocks = storage::RecordClocks::load(db, c.entity, c.record);
        if (!clocks) return std::unexpected(clocks.error());
        const std::string clock = c.clock();
        if (isAppendOnly(c.entity) && *exists) {
            // Created once: the creating change again is a duplicate, anything else is refused.
            if (*clocks && (*clocks)->field("").clock == clock) ++report.ignored;
            else report.rejected.emplace_back(c.id, CodecError{"append_only", fmt::format("{} records cannot change", c.entity)});
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
        if (auto r = writeRow(db, c, table, *exists, winners, stamp.wallMs); !r) {
            if (r.error().code == storage::ErrorCode::AlreadyExists) {
                // A unique value (a staff login, a case code) already used by another record here.
                report.rejected.emplace_back(c.id, CodecError{"unique_violation", r.error().message});
                continue;
            }
            return std::unexpected(r.error());
        }
        if (auto r = state.save(db); !r) return std::unexpected(r.error());
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
