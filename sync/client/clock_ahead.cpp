#include "sync/client/clock_ahead.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/base/trusted_clock.hpp"
#include "storage/db/meta_table.hpp"
#include "storage/records/record_clocks.hpp"

namespace chasqui::sync {

namespace fs = std::filesystem;
using storage::HlcStamp;
using storage::Result;

namespace {

constexpr std::size_t kMaxKeptIds = 100000;  // about 3.7 MB of ids: far more than a kiosk ever queues

fs::path idsFile(const storage::DataDir& dir) {
    return dir.root / "sync" / "clock_ahead.ids";
}
fs::path takenFile(const storage::DataDir& dir) {
    return dir.root / "sync" / "clock_ahead.ids.taken";
}

std::vector<std::string> readIds(const fs::path& file) {
    std::vector<std::string> ids;
    auto text = storage::readSmallFile(file, kMaxKeptIds * 37 + 37);
    if (!text) return ids;
    std::istringstream lines(*text);
    for (std::string line; std::getline(lines, line);)
        if (storage::isUuid(line)) ids.push_back(line);
    return ids;
}

// The ids the sync thread noted, moved aside first so that ids it notes while
// this runs land in a new file (a crash leaves the taken file to take again).
std::vector<std::string> takeIds(const storage::DataDir& dir) {
    std::error_code ec;
    if (!fs::exists(takenFile(dir), ec)) fs::rename(idsFile(dir), takenFile(dir), ec);
    return readIds(takenFile(dir));
}

struct Change {
    std::int64_t seq = 0;
    std::string id;
    std::string entity;
    std::string record;
    std::string hlc;
};

Result<std::vector<Change>> query(storage::Db& db, const std::string& sql,
                                  const std::function<void(storage::Stmt&)>& bind = {}) {
    auto stmt = db.prepare(sql);
    if (!stmt) return std::unexpected(stmt.error());
    if (bind) bind(*stmt);
    std::vector<Change> out;
    while (true) {
        auto row = stmt->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        out.push_back({stmt->integer(0), stmt->text(1), stmt->text(2), stmt->text(3), stmt->text(4)});
    }
    return out;
}

// What to re-stamp: this device's changes stamped past `limit` (the newest
// ones: stamps grow with seq), those the server refused, and every later
// change of this device to the records they touch (so their order holds).
Result<std::map<std::int64_t, Change>> chooseChanges(storage::Db& db, const std::string& device,
                                                     const std::string& limit,
                                                     const std::vector<std::string>& refused) {
    std::map<std::int64_t, Change> chosen;
    {
        auto stmt = db.prepare("SELECT seq, change_id, entity, record_id, hlc, device FROM changes ORDER BY seq DESC");
        if (!stmt) return std::unexpected(stmt.error());
        while (true) {
            auto row = stmt->step();
            if (!row) return std::unexpected(row.error());
            if (!*row || stmt->text(4) <= limit) break;
            if (stmt->text(5) == device)
                chosen[stmt->integer(0)] = {stmt->integer(0), stmt->text(1), stmt->text(2), stmt->text(3),
                                            stmt->text(4)};
        }
    }
    for (const std::string& id : refused) {
        auto found =
            query(db, "SELECT seq, change_id, entity, record_id, hlc FROM changes WHERE change_id = ?1 AND device = ?2",
                  [&](storage::Stmt& s) { s.bind(1, id).bind(2, device); });
        if (!found) return std::unexpected(found.error());
        for (auto& c : *found) chosen[c.seq] = c;
    }
    if (chosen.empty()) return chosen;
    std::map<std::pair<std::string, std::string>, std::int64_t> firstSeq;
    for (const auto& [seq, c] : chosen) firstSeq.try_emplace({c.entity, c.record}, seq);
    auto tail = query(db, "SELECT seq, change_id, entity, record_id, hlc FROM changes WHERE seq > ?1 AND device = ?2",
                      [&](storage::Stmt& s) { s.bind(1, chosen.begin()->first).bind(2, device); });
    if (!tail) return std::unexpected(tail.error());
    for (auto& c : *tail) {
        const auto it = firstSeq.find({c.entity, c.record});
        if (it != firstSeq.end() && c.seq > it->second) chosen.try_emplace(c.seq, c);
    }
    return chosen;
}

std::string hlcOf(const std::string& clock) {
    return clock.substr(0, clock.find('@'));
}

template <typename Fn>
void visitClock(nlohmann::json& clock, Fn&& fn) {
    if (!clock.is_string()) return;
    std::string value = clock.get<std::string>();
    fn(value);
    clock = value;
}

// Every clock string in a record's merge clocks: the creating clock, each
// field's clock and base, and a set field's element clocks (added, removed).
template <typename Fn>
void forEachClock(nlohmann::json& fields, std::string& created, Fn&& fn) {
    fn(created);
    if (!fields.is_object()) return;
    for (auto& [name, entry] : fields.items()) {
        if (!entry.is_object()) continue;
        for (const char* key : {"c", "b"}) {
            if (auto it = entry.find(key); it != entry.end()) visitClock(*it, fn);
        }
        if (auto elements = entry.find("e"); elements != entry.end() && elements->is_object()) {
            for (auto& [code, pair] : elements->items()) {
                if (!pair.is_array()) continue;
                for (auto& clock : pair) visitClock(clock, fn);
            }
        }
    }
}

struct ClockRow {
    std::string entity;
    std::string record;
    std::string clock;
    nlohmann::json fields;
};

Result<std::vector<ClockRow>> loadClocks(storage::Db& db,
                                         const std::set<std::pair<std::string, std::string>>& records) {
    std::vector<ClockRow> rows;
    auto stmt = db.prepare("SELECT clock, fields FROM record_clocks WHERE entity = ? AND record_id = ?");
    if (!stmt) return std::unexpected(stmt.error());
    for (const auto& [entity, record] : records) {
        auto row = stmt->bindAll(entity, record).readOne([&](const storage::Stmt& s) {
            return ClockRow{entity, record, s.text(0), nlohmann::json::parse(s.text(1), nullptr, false)};
        });
        if (!row) return std::unexpected(row.error());
        if (*row) rows.push_back(std::move(**row));
    }
    return rows;
}

// The clocks a change names as what its writer saw: the bases of its fields
// and, for set fields, the add clocks its removals covered.
Result<void> rewriteBases(storage::Db& db, std::int64_t afterSeq, const std::map<std::string, std::string>& renamed) {
    auto read = db.prepare("SELECT seq, base, sets FROM changes WHERE seq > ?");
    if (!read) return std::unexpected(read.error());
    read->bind(1, afterSeq);
    struct Update {
        std::int64_t seq;
        std::string base, sets;
    };
    std::vector<Update> updates;
    bool changed = false;
    const auto rename = [&](std::string& clock) {
        if (auto it = renamed.find(clock); it != renamed.end()) {
            clock = it->second;
            changed = true;
        }
    };
    while (true) {
        auto row = read->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        auto base = nlohmann::json::parse(read->text(1), nullptr, false);
        auto sets = nlohmann::json::parse(read->text(2), nullptr, false);
        changed = false;
        if (base.is_object())
            for (auto& [name, value] : base.items()) visitClock(value, rename);
        if (sets.is_object()) {
            for (auto& [name, edit] : sets.items()) {
                if (!edit.is_object() || !edit.contains("del") || !edit["del"].is_object()) continue;
                for (auto& [code, seen] : edit["del"].items()) visitClock(seen, rename);
            }
        }
        if (changed)
            updates.push_back({read->integer(0), base.is_object() ? base.dump() : read->text(1),
                               sets.is_object() ? sets.dump() : read->text(2)});
    }
    auto write = db.prepare("UPDATE changes SET base = ?, sets = ? WHERE seq = ?");
    if (!write) return std::unexpected(write.error());
    for (const auto& u : updates) {
        write->bind(1, u.base).bind(2, u.sets).bind(3, u.seq);
        if (auto r = write->run(); !r) return r;
    }
    return {};
}

std::int64_t asNumber(const std::string& text) {
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) return 0;
    return std::stoll(text);
}

}  // namespace

Result<void> noteClockAhead(const storage::DataDir& dir, const std::vector<PushItem>& problems) {
    std::string added;
    for (const auto& p : problems)
        if (p.code == "clock_ahead" && storage::isUuid(p.id)) added += p.id + "\n";
    if (added.empty()) return {};
    std::vector<std::string> kept = readIds(idsFile(dir));
    if (kept.size() >= kMaxKeptIds)
        kept.erase(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(kept.size() - kMaxKeptIds / 2));
    std::string content;
    for (const auto& id : kept) content += id + "\n";
    return storage::writeFileAtomically(idsFile(dir), content + added);
}

Result<RestampSummary> restampAheadChanges(storage::PersonalStore& store) {
    storage::Db& db = store.db();
    const storage::DataDir& dir = store.dataDir();
    const std::string device = store.session().deviceId;
    const std::int64_t now = store.clock().nowMs();
    const std::string limit = HlcStamp{now + storage::kClockToleranceMs, 0xFFFF}.encode();
    const std::vector<std::string> refused = takeIds(dir);
    auto chosen = chooseChanges(db, device, limit, refused);
    if (!chosen) return std::unexpected(chosen.error());
    RestampSummary summary;
    if (chosen->empty()) {
        std::error_code ec;
        fs::remove(takenFile(dir), ec);
        return summary;
    }
    auto acked = storage::readMeta(db, "outbox_acked_seq");
    if (!acked) return std::unexpected(acked.error());
    const std::int64_t ackedSeq = asNumber(*acked);

    auto done = store.writeVoid([&](storage::RecordWriter& w) -> Result<void> {
        std::set<std::string> oldClocks;
        std::set<std::pair<std::string, std::string>> records;
        for (const auto& [seq, c] : *chosen) {
            oldClocks.insert(storage::makeClock(c.hlc, device));
            records.insert({c.entity, c.record});
        }
        // The new stamps must stay above every clock they are compared with:
        // the other clocks of the records they touch and this device's other changes.
        std::string floor = HlcStamp{now, 0}.encode();
        auto clocks = loadClocks(db, records);
        if (!clocks) return std::unexpected(clocks.error());
        for (auto& row : *clocks)
            forEachClock(row.fields, row.clock, [&](const std::string& clock) {
                if (!clock.empty() && !oldClocks.count(clock)) floor = std::max(floor, hlcOf(clock));
            });
        {
            auto stmt = db.prepare("SELECT seq, hlc FROM changes ORDER BY seq DESC");
            if (!stmt) return std::unexpected(stmt.error());
            while (true) {
                auto row = stmt->step();
                if (!row) return std::unexpected(row.error());
                if (!*row) break;
                if (!chosen->count(stmt->integer(0))) {
                    floor = std::max(floor, stmt->text(1));
                    break;
                }
            }
        }
        HlcStamp start;
        if (!HlcStamp::decode(floor, start))
            return storage::fail(storage::ErrorCode::Damaged, "a change's clock is damaged");
        storage::HybridLogicalClock& hlc = *w.context().hlc;
        hlc.reset(start);
        auto maxSeq = db.scalarInt("SELECT coalesce(max(seq), 0) FROM changes");
        if (!maxSeq) return std::unexpected(maxSeq.error());
        std::int64_t nextSeq = *maxSeq;
        std::map<std::string, std::string> renamed;
        auto move = db.prepare("UPDATE changes SET seq = ?1, change_id = ?2, hlc = ?3 WHERE seq = ?4");
        if (!move) return std::unexpected(move.error());
        for (const auto& [seq, c] : *chosen) {
            const std::string stamp = hlc.now().encode();
            move->bind(1, ++nextSeq).bind(2, w.context().ids->next()).bind(3, stamp).bind(4, seq);
            if (auto r = move->run(); !r) return r;
            renamed[storage::makeClock(c.hlc, device)] = storage::makeClock(stamp, device);
        }
        if (auto r = rewriteBases(db, std::min(ackedSeq, chosen->begin()->first - 1), renamed); !r) return r;
        auto save = db.prepare("UPDATE record_clocks SET clock = ?1, fields = ?2 WHERE entity = ?3 AND record_id = ?4");
        if (!save) return std::unexpected(save.error());
        for (auto& row : *clocks) {
            forEachClock(row.fields, row.clock, [&](std::string& clock) {
                if (auto it = renamed.find(clock); it != renamed.end()) clock = it->second;
            });
            save->bind(1, row.clock).bind(2, row.fields.dump()).bind(3, row.entity).bind(4, row.record);
            if (auto r = save->run(); !r) return r;
        }
        // Sealed outbox files may hold the old stamps: everything not yet
        // acknowledged is sealed again (the server deduplicates the rest).
        if (auto r = storage::writeMeta(db, "outbox_spooled_seq", std::to_string(ackedSeq)); !r) return r;
        return w.audit("sync_restamp", "sync", "");
    });
    if (!done) return std::unexpected(done.error());
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir.root / "sync" / "outbox", ec)) {
        const std::string stem = entry.path().stem().string();
        const auto ext = entry.path().extension();
        if ((ext == ".sealed" || ext == ".signed") && asNumber(stem.substr(0, stem.find('-'))) > ackedSeq)
            fs::remove(entry.path(), ec);
    }
    fs::remove(takenFile(dir), ec);
    summary.restamped = static_cast<int>(chosen->size());
    return summary;
}

}  // namespace chasqui::sync
