#include "storage/records/conflict_repository.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/records/entity_columns.hpp"
#include "storage/records/ids.hpp"
#include "storage/search/search_index.hpp"

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
    auto value = db.readOne(
        fmt::format("SELECT {} FROM {} WHERE id = ?", name, table), [](const Stmt& s) { return s.text(0); }, id);
    if (!value) return std::unexpected(value.error());
    return value->value_or(std::string());
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
    auto row = db.readOne(
        "SELECT name, login FROM staff WHERE id = ?",
        [&](const Stmt& s) {
            side.staffName = s.text(0);
            side.staffLogin = s.text(1);
            return true;
        },
        side.staffId);
    if (!row) return std::unexpected(row.error());
    return {};
}

Result<void> describe(Db& db, const std::string& thisDevice, ConflictView& c) {
    const std::string_view table = tableOf(c.entity);
    if (table.empty()) return {};
    auto person = personOf(db, c.entity, c.recordId);
    if (!person) return std::unexpected(person.error());
    if (!person->empty()) {
        auto row = db.readOne(
            "SELECT case_code, given_names, family_name_1, family_name_2 FROM persons WHERE id = ?",
            [&](const Stmt& s) {
                c.caseCode = s.text(0);
                c.personName = s.text(1);
                for (int i : {2, 3})
                    if (!s.text(i).empty()) c.personName += " " + s.text(i);
                return true;
            },
            *person);
        if (!row) return std::unexpected(row.error());
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

// A field that a conflict may write back: a synced column of the entity
// (storage/records/entity_columns.hpp) or its tombstone, never the record's
// own bookkeeping or a value this kiosk derives. The name comes from synced
// data, so it is checked before it goes into SQL.
bool isWritableField(const EntitySpec& spec, const std::string& field) {
    return field == deletedColumn().name ||
           std::any_of(spec.columns.begin(), spec.columns.end(), [&](const ColumnSpec& c) { return c.name == field; });
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
        auto row = db.readOne(
            "SELECT entity, record_id, field, lost_value FROM conflicts WHERE id = ? AND resolved = 0 AND deleted = 0",
            [](const Stmt& s) {
                return std::array<std::string, 4>{s.text(0), s.text(1), s.text(2), s.text(3)};
            },
            conflictId);
        if (!row) return std::unexpected(row.error());
        if (!*row) return fail(ErrorCode::NotFound, "this conflict was already resolved or is gone");
        const auto& [entity, recordId, field, lostValue] = **row;

        if (choice == ConflictChoice::KeepOther) {
            const EntitySpec* spec = findEntity(entity);
            if (spec == nullptr)
                return fail(ErrorCode::Damaged, fmt::format("unknown entity '{}' in a conflict", entity));
            if (!isWritableField(*spec, field))
                return fail(ErrorCode::Damaged, fmt::format("'{}' of {} cannot be written back", field, entity));
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
