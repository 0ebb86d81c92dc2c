#include "storage/conflict_repository.hpp"

#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/ids.hpp"
#include "storage/search_index.hpp"

namespace chasqui::storage {

namespace {

using json = nlohmann::json;

// Values travel as JSON text (sync/PROTOCOL.md: the server keeps each field's
// value as the JSON it received), so "Ana" arrives as "\"Ana\"".
std::string readable(const std::string& jsonText) {
    const json value = json::parse(jsonText, nullptr, false);
    if (value.is_discarded()) return jsonText;
    if (value.is_null()) return {};
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
    if (value.is_number()) return fmt::format("{}", value.get<double>());
    return value.dump();
}

Result<FieldValue> writable(const std::string& jsonText) {
    const json value = json::parse(jsonText, nullptr, false);
    if (value.is_discarded()) return fail(ErrorCode::Damaged, "the other value of this conflict cannot be read");
    if (value.is_null()) return FieldValue{nullptr};
    if (value.is_string()) return FieldValue{value.get<std::string>()};
    if (value.is_boolean()) return FieldValue{std::int64_t{value.get<bool>() ? 1 : 0}};
    if (value.is_number_integer()) return FieldValue{value.get<std::int64_t>()};
    if (value.is_number()) return FieldValue{value.get<double>()};
    return FieldValue{value.dump()};
}

std::int64_t wallMsOf(const std::string& hlc) {
    HlcStamp stamp;
    return HlcStamp::decode(hlc, stamp) ? stamp.wallMs : 0;
}

// One text column of one record (deleted or not: a conflict may outlive it).
Result<std::string> column(Db& db, std::string_view table, std::string_view name, const std::string& id) {
    auto stmt = db.prepare(fmt::format("SELECT {} FROM {} WHERE id = ?", name, table));
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, id);
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    std::string out = *row ? stmt->text(0) : std::string();
    stmt->reset();
    return out;
}

// The person a record is about, following case, household, referral links.
Result<std::string> personOf(Db& db, std::string_view entity, const std::string& id) {
    if (id.empty()) return std::string();
    if (entity == "person") return id;
    if (entity == "household") return column(db, "households", "head_person_id", id);
    if (entity == "case") {
        auto person = column(db, "cases", "person_id", id);
        if (!person || !person->empty()) return person;
        auto household = column(db, "cases", "household_id", id);
        if (!household) return household;
        return personOf(db, "household", *household);
    }
    if (entity == "assistance" || entity == "referral" || entity == "note") {
        auto caseId = column(db, tableOf(entity), "case_id", id);
        if (!caseId) return caseId;
        return personOf(db, "case", *caseId);
    }
    if (entity == "referral_status") {
        auto referral = column(db, "referral_status", "referral_id", id);
        if (!referral) return referral;
        return personOf(db, "referral", *referral);
    }
    return std::string();
}

Result<void> fillStaff(Db& db, ConflictSide& side) {
    if (side.staffId.empty()) return {};
    auto stmt = db.prepare("SELECT name, login FROM staff WHERE id = ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, side.staffId);
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (*row) {
        side.staffName = stmt->text(0);
        side.staffLogin = stmt->text(1);
    }
    stmt->reset();
    return {};
}

Result<void> describe(Db& db, const std::string& thisDevice, ConflictView& c) {
    const std::string_view table = tableOf(c.entity);
    if (table.empty()) return {};
    auto person = personOf(db, c.entity, c.recordId);
    if (!person) return std::unexpected(person.error());
    if (!person->empty()) {
        auto stmt = db.prepare("SELECT case_code, given_names, family_name_1, family_name_2 FROM persons WHERE id = ?");
        if (!stmt) return std::unexpected(stmt.error());
        stmt->bind(1, *person);
        auto row = stmt->step();
        if (!row) return std::unexpected(row.error());
        if (*row) {
            c.caseCode = stmt->text(0);
            c.personName = stmt->text(1);
            for (int i : {2, 3})
                if (!stmt->text(i).empty()) c.personName += " " + stmt->text(i);
        }
        stmt->reset();
    } else if (c.entity == "staff") {
        auto name = column(db, table, "name", c.recordId);
        if (!name) return std::unexpected(name.error());
        c.recordLabel = *name;
    } else if (c.entity == "office") {
        auto code = column(db, table, "code", c.recordId);
        if (!code) return std::unexpected(code.error());
        c.recordLabel = *code;
    }
    // Conflicts recorded before the server named the kept value's author: the
    // record's last writer wrote it when the last write came from its device.
    auto device = column(db, table, "device", c.recordId);
    if (!device) return std::unexpected(device.error());
    if (c.kept.staffId.empty() && !device->empty() && *device == c.kept.deviceId) {
        auto author = column(db, table, "author", c.recordId);
        if (!author) return std::unexpected(author.error());
        c.kept.staffId = *author;
    }
    c.kept.thisDevice = c.kept.deviceId == thisDevice;
    c.lost.thisDevice = c.lost.deviceId == thisDevice;
    if (auto r = fillStaff(db, c.kept); !r) return r;
    return fillStaff(db, c.lost);
}

Result<void> requireSupervisor(PersonalStore& store) {
    if (!store.isOpen()) return fail(ErrorCode::PermissionDenied, "the store is locked; sign in again");
    if (!store.session().isSupervisor())
        return fail(ErrorCode::PermissionDenied, "only a supervisor or administrator may resolve conflicts");
    return {};
}

// A field that a conflict may write back: a real column of the table that is
// not one of the record's own bookkeeping columns. The name comes from synced
// data, so it is checked before it goes into SQL.
Result<bool> isWritableField(Db& db, std::string_view table, const std::string& field) {
    static constexpr std::array<std::string_view, 6> kBookkeeping{"rid", "id", "created_at", "updated_at", "author",
                                                                  "device"};
    for (auto b : kBookkeeping)
        if (field == b) return false;
    auto stmt = db.prepare(fmt::format("PRAGMA table_info({})", table));
    if (!stmt) return std::unexpected(stmt.error());
    bool found = false;
    for (;;) {
        auto row = stmt->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        if (stmt->text(1) == field) found = true;
    }
    return found;
}

}  // namespace

Result<std::vector<ConflictView>> ConflictRepository::listOpen(std::size_t limit) {
    if (auto r = requireSupervisor(m_store); !r) return std::unexpected(r.error());
    Db& db = m_store.db();
    auto stmt = db.prepare(
        "SELECT id, entity, record_id, field, kept_value, kept_hlc, kept_device, lost_value, lost_hlc, lost_device, "
        "lost_author, kept_author FROM conflicts WHERE resolved = 0 AND deleted = 0 ORDER BY created_at, rid LIMIT ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, static_cast<std::int64_t>(limit));
    std::vector<ConflictView> out;
    for (;;) {
        auto row = stmt->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        ConflictView c;
        c.id = stmt->text(0);
        c.entity = stmt->text(1);
        c.recordId = stmt->text(2);
        c.field = stmt->text(3);
        c.kept.value = readable(stmt->text(4));
        c.kept.atMs = wallMsOf(stmt->text(5));
        c.kept.deviceId = stmt->text(6);
        c.lost.value = readable(stmt->text(7));
        c.lost.atMs = wallMsOf(stmt->text(8));
        c.lost.deviceId = stmt->text(9);
        c.lost.staffId = stmt->text(10);
        c.kept.staffId = stmt->text(11);
        out.push_back(std::move(c));
    }
    for (auto& c : out)
        if (auto r = describe(db, m_store.session().deviceId, c); !r) return std::unexpected(r.error());
    return out;
}

Result<std::int64_t> ConflictRepository::countOpen() {
    if (auto r = requireSupervisor(m_store); !r) return std::unexpected(r.error());
    return m_store.db().scalarInt("SELECT count(*) FROM conflicts WHERE resolved = 0 AND deleted = 0");
}

Result<void> ConflictRepository::resolve(const std::string& conflictId, ConflictChoice choice) {
    if (auto r = requireSupervisor(m_store); !r) return r;
    return m_store.writeVoid([&](RecordWriter& w) -> Result<void> {
        Db& db = m_store.db();
        auto stmt = db.prepare(
            "SELECT entity, record_id, field, lost_value FROM conflicts WHERE id = ? AND resolved = 0 AND deleted = 0");
        if (!stmt) return std::unexpected(stmt.error());
        stmt->bind(1, conflictId);
        auto row = stmt->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) return fail(ErrorCode::NotFound, "this conflict was already resolved or is gone");
        const std::string entity = stmt->text(0);
        const std::string recordId = stmt->text(1);
        const std::string field = stmt->text(2);
        const std::string lostValue = stmt->text(3);
        stmt->reset();

        if (choice == ConflictChoice::KeepOther) {
            const std::string_view table = tableOf(entity);
            if (table.empty()) return fail(ErrorCode::Damaged, fmt::format("unknown entity '{}' in a conflict", entity));
            auto ok = isWritableField(db, table, field);
            if (!ok) return std::unexpected(ok.error());
            if (!*ok) return fail(ErrorCode::Damaged, fmt::format("'{}' of {} cannot be written back", field, entity));
            auto value = writable(lostValue);
            if (!value) return std::unexpected(value.error());
            if (field == "deleted") {
                // The other side deleted the record: keeping that means deleting it now.
                const auto* deleted = std::get_if<std::int64_t>(&*value);
                if (deleted != nullptr && *deleted == 1) {
                    if (auto r = w.remove(entity, recordId); !r) return r;
                } else {
                    return fail(ErrorCode::NotFound, "the record was deleted; it cannot be brought back from here");
                }
            } else {
                auto changed = w.update(entity, recordId, {{field, *value}});
                if (!changed) return std::unexpected(changed.error());
                if (entity == "person") {
                    if (auto r = indexPerson(db, recordId); !r) return r;
                }
            }
        }
        auto marked = w.update("conflict", conflictId, {{"resolved", std::int64_t{1}}});
        if (!marked) return std::unexpected(marked.error());
        return w.audit("resolve_conflict", "conflict", conflictId);
    });
}

}  // namespace chasqui::storage
