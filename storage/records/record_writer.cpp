#include "storage/records/record_writer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <iterator>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/records/element_set.hpp"
#include "storage/records/record_clocks.hpp"

namespace chasqui::storage {

namespace {

void bindValue(Stmt& stmt, int index, const FieldValue& value) {
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>)
                stmt.bindNull(index);
            else
                stmt.bind(index, v);
        },
        value);
}

nlohmann::json toJson(const FieldValue& value) {
    return std::visit(
        [](const auto& v) -> nlohmann::json {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>)
                return nullptr;
            else
                return v;
        },
        value);
}

FieldValue columnValue(const Stmt& stmt, int column) {
    switch (stmt.columnType(column)) {
        case SQLITE_INTEGER:
            return stmt.integer(column);
        case SQLITE_FLOAT:
            return stmt.real(column);
        case SQLITE_NULL:
            return nullptr;
        default:
            return stmt.text(column);
    }
}

Error unknownEntity(std::string_view entity) {
    return Error{ErrorCode::Internal, fmt::format("unknown entity '{}'", entity), {}};
}

FieldValue emptyValue(ColumnType type) {
    switch (type) {
        case ColumnType::Integer:
            return std::int64_t{0};
        case ColumnType::Real:
            return 0.0;
        case ColumnType::Text:
            break;
    }
    return std::string();
}

bool isSyncedColumn(const EntitySpec& spec, std::string_view name) {
    return name == deletedColumn().name || std::any_of(spec.columns.begin(), spec.columns.end(),
                                                       [&](const ColumnSpec& column) { return column.name == name; });
}

// The entity's description, when every field a write sets is one of its
// synced columns (or the tombstone): what is written is what syncs, and no
// other name reaches the SQL.
Result<const EntitySpec*> describedWrite(std::string_view entity, const Fields& fields) {
    const EntitySpec* spec = findEntity(entity);
    if (spec == nullptr) return std::unexpected(unknownEntity(entity));
    for (const auto& [name, value] : fields)
        if (!isSyncedColumn(*spec, name))
            return fail(ErrorCode::Internal, fmt::format("{} has no synced field '{}'", entity, name));
    return spec;
}

// Set fields are stored sorted and unique (element_set.hpp), whatever order the caller gave.
Fields normalizedSets(std::string_view entity, const Fields& fields) {
    Fields out = fields;
    for (auto& [name, value] : out) {
        if (!isSetColumn(entity, name)) continue;
        if (const auto* text = std::get_if<std::string>(&value)) value = normalizeSet(*text);
    }
    return out;
}

std::string textOf(const FieldValue& value) {
    const auto* text = std::get_if<std::string>(&value);
    return text != nullptr ? *text : std::string();
}

const FieldValue* valueOf(const Fields& fields, std::string_view name) {
    for (const auto& [field, value] : fields)
        if (field == name) return &value;
    return nullptr;
}

}  // namespace

Result<std::string> RecordWriter::insert(std::string_view entity, const Fields& given, std::string id) {
    const Fields fields = normalizedSets(entity, given);
    auto spec = describedWrite(entity, fields);
    if (!spec) return std::unexpected(spec.error());
    const std::string_view table = (*spec)->table;
    if (id.empty()) id = m_ctx.ids->next();
    const std::int64_t now = m_ctx.clock->nowMs();
    std::string columns = "id, created_at, updated_at, author, device";
    std::string marks = "?, ?, ?, ?, ?";
    for (const auto& [name, value] : fields) {
        columns += ", " + name;
        marks += ", ?";
    }
    auto stmt = m_ctx.db->prepare(fmt::format("INSERT INTO {} ({}) VALUES ({})", table, columns, marks));
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, id).bind(2, now).bind(3, now).bind(4, m_ctx.staffId).bind(5, m_ctx.deviceId);
    int index = 6;
    for (const auto& [name, value] : fields) bindValue(*stmt, index++, value);
    if (auto r = stmt->run(); !r) return std::unexpected(r.error());
    const std::string hlc = m_ctx.hlc->now().encode();
    if (auto r = RecordClocks::created(entity, id, makeClock(hlc, m_ctx.deviceId)).save(*m_ctx.db); !r)
        return std::unexpected(r.error());
    // A creation's set fields need no edit: every element of its value is added (PROTOCOL.md 3.2).
    if (auto r = recordChange(entity, id, "put", fields, {{}, hlc, "{}"}, now); !r) return std::unexpected(r.error());
    if (auto r = m_audit.append(now, m_ctx.staffId, m_ctx.deviceId, "create", std::string(entity), id); !r)
        return std::unexpected(r.error());
    return id;
}

Result<Fields> RecordWriter::read(std::string_view entity, const std::string& id,
                                  const std::vector<std::string>& columns) {
    const std::string_view table = tableOf(entity);
    if (table.empty()) return std::unexpected(unknownEntity(entity));
    std::string list;
    for (const auto& c : columns) list += (list.empty() ? "" : ", ") + c;
    auto row = m_ctx.db->readOne(
        fmt::format("SELECT {} FROM {} WHERE id = ? AND deleted = 0", list, table),
        [&](const Stmt& s) {
            Fields out;
            for (std::size_t i = 0; i < columns.size(); ++i)
                out.emplace_back(columns[i], columnValue(s, static_cast<int>(i)));
            return out;
        },
        id);
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(ErrorCode::NotFound, fmt::format("no {} with id {}", entity, id));
    return std::move(**row);
}

Result<bool> RecordWriter::update(std::string_view entity, const std::string& id, const Fields& given) {
    const Fields fields = normalizedSets(entity, given);
    if (auto spec = describedWrite(entity, fields); !spec) return std::unexpected(spec.error());
    std::vector<std::string> names;
    for (const auto& [name, value] : fields) names.push_back(name);
    auto current = read(entity, id, names);
    if (!current) return std::unexpected(current.error());
    Fields changed;
    Fields before;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const auto& [name, value] = fields[i];
        const FieldValue& old = (*current)[i].second;
        // A set written before values were normalized may differ only in order.
        const bool same = isSetColumn(entity, name) ? normalizeSet(textOf(old)) == textOf(value) : value == old;
        if (same) continue;
        changed.push_back(fields[i]);
        before.push_back((*current)[i]);
    }
    if (changed.empty()) return false;
    const std::int64_t now = m_ctx.clock->nowMs();
    std::string sets = "updated_at = ?, author = ?, device = ?";
    for (const auto& [name, value] : changed) sets += ", " + name + " = ?";
    auto stmt = m_ctx.db->prepare(fmt::format("UPDATE {} SET {} WHERE id = ?", tableOf(entity), sets));
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, now).bind(2, m_ctx.staffId).bind(3, m_ctx.deviceId);
    int index = 4;
    for (const auto& [name, value] : changed) bindValue(*stmt, index++, value);
    stmt->bind(index, id);
    if (auto r = stmt->run(); !r) return std::unexpected(r.error());
    auto stamped = advanceClocks(entity, id, changed, before);
    if (!stamped) return std::unexpected(stamped.error());
    if (auto r = recordChange(entity, id, "put", changed, *stamped, now); !r) return std::unexpected(r.error());
    if (auto r = m_audit.append(now, m_ctx.staffId, m_ctx.deviceId, "update", std::string(entity), id); !r)
        return std::unexpected(r.error());
    return true;
}

Result<void> RecordWriter::remove(std::string_view entity, const std::string& id) {
    const std::string_view table = tableOf(entity);
    if (table.empty()) return std::unexpected(unknownEntity(entity));
    const std::int64_t now = m_ctx.clock->nowMs();
    auto stmt = m_ctx.db->prepare(fmt::format(
        "UPDATE {} SET deleted = 1, updated_at = ?, author = ?, device = ? WHERE id = ? AND deleted = 0", table));
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, now).bind(2, m_ctx.staffId).bind(3, m_ctx.deviceId).bind(4, id);
    if (auto r = stmt->run(); !r) return r;
    if (m_ctx.db->changes() == 0) return fail(ErrorCode::NotFound, fmt::format("no {} with id {}", entity, id));
    const Fields tombstone{{"deleted", std::int64_t{1}}};
    auto stamped = advanceClocks(entity, id, tombstone, {});
    if (!stamped) return std::unexpected(stamped.error());
    if (auto r = recordChange(entity, id, "delete", {}, *stamped, now); !r) return r;
    return m_audit.append(now, m_ctx.staffId, m_ctx.deviceId, "delete", std::string(entity), id);
}

Result<bool> RecordWriter::exists(std::string_view entity, const std::string& id) {
    const std::string_view table = tableOf(entity);
    if (table.empty()) return std::unexpected(unknownEntity(entity));
    return m_ctx.db->hasRow(fmt::format("SELECT 1 FROM {} WHERE id = ?", table), id);
}

Result<void> RecordWriter::applyRemote(const RemoteWrite& change) {
    auto described = describedWrite(change.entity, change.values);
    if (!described) return std::unexpected(described.error());
    const EntitySpec* spec = *described;
    if (!change.exists) {
        std::string columns = "id, created_at, updated_at, author, device";
        std::string marks = "?, ?, ?, ?, ?";
        Fields row;
        const auto add = [&](const ColumnSpec& column) {
            const FieldValue* value = valueOf(change.values, column.name);
            row.emplace_back(std::string(column.name), value != nullptr ? *value : emptyValue(column.type));
            fmt::format_to(std::back_inserter(columns), ", {}", column.name);
            marks += ", ?";
        };
        for (const ColumnSpec& column : spec->columns) add(column);
        add(deletedColumn());
        auto stmt = m_ctx.db->prepare(fmt::format("INSERT INTO {} ({}) VALUES ({})", spec->table, columns, marks));
        if (!stmt) return std::unexpected(stmt.error());
        stmt->bind(1, change.id)
            .bind(2, change.atMs)
            .bind(3, change.atMs)
            .bind(4, change.author)
            .bind(5, change.device);
        int index = 6;
        for (const auto& [name, value] : row) bindValue(*stmt, index++, value);
        if (auto r = stmt->run(); !r) return r;
    } else if (!change.values.empty()) {
        std::string sets = "updated_at = ?, author = ?, device = ?";
        for (const auto& [name, value] : change.values) sets += ", " + name + " = ?";
        auto stmt = m_ctx.db->prepare(fmt::format("UPDATE {} SET {} WHERE id = ?", spec->table, sets));
        if (!stmt) return std::unexpected(stmt.error());
        stmt->bind(1, change.atMs).bind(2, change.author).bind(3, change.device);
        int index = 4;
        for (const auto& [name, value] : change.values) bindValue(*stmt, index++, value);
        stmt->bind(index, change.id);
        if (auto r = stmt->run(); !r) return r;
    }
    return change.clocks.save(*m_ctx.db);
}

Result<void> RecordWriter::audit(std::string_view action, std::string_view entity, const std::string& recordId) {
    return m_audit.append(m_ctx.clock->nowMs(), m_ctx.staffId, m_ctx.deviceId, std::string(action), std::string(entity),
                          recordId);
}

Result<RecordWriter::Stamped> RecordWriter::advanceClocks(std::string_view entity, const std::string& id,
                                                          const Fields& changed, const Fields& before) {
    auto clocks = RecordClocks::load(*m_ctx.db, entity, id);
    if (!clocks) return std::unexpected(clocks.error());
    RecordClocks current = *clocks ? std::move(**clocks) : RecordClocks::created(entity, id, std::string());
    // A write must order after every clock of what it replaces. The device's
    // clock alone does not promise it: after a restart with the wall clock
    // behind, the trusted time stays at the last server contact, and a clock
    // pulled at that contact may carry the same milliseconds and a higher
    // counter than this device's restarted HLC (the convergence property found it).
    if (HlcStamp seen; HlcStamp::decode(current.highestHlc(), seen)) m_ctx.hlc->observe(seen);
    Stamped out;
    out.hlc = m_ctx.hlc->now().encode();
    const std::string clock = makeClock(out.hlc, m_ctx.deviceId);
    nlohmann::json sets = nlohmann::json::object();
    for (const auto& [name, value] : changed) {
        const std::string base = current.field(name).clock;
        if (isSetColumn(entity, name)) {
            const FieldValue* old = valueOf(before, name);
            const std::string oldText = old != nullptr ? textOf(*old) : std::string();
            ElementSet elements = current.elements(name, oldText);
            const SetEdit edit = diffElements(elements, oldText, textOf(value));
            applyEdit(elements, edit, clock);
            current.setElements(name, elements);
            sets[name] = encodeEdit(edit);
        }
        if (!base.empty()) out.bases.emplace_back(name, base);
        current.set(name, clock, base);
    }
    if (auto r = current.save(*m_ctx.db); !r) return std::unexpected(r.error());
    out.sets = sets.dump();
    return out;
}

Result<void> RecordWriter::recordChange(std::string_view entity, const std::string& id, std::string_view op,
                                        const Fields& fields, const Stamped& stamped, std::int64_t now) {
    nlohmann::json values = nlohmann::json::object();
    for (const auto& [name, value] : fields) values[name] = toJson(value);
    nlohmann::json baseJson = nlohmann::json::object();
    for (const auto& [name, value] : stamped.bases) baseJson[name] = toJson(value);
    auto stmt = m_ctx.db->prepare(
        "INSERT INTO changes(change_id, entity, record_id, op, fields, hlc, device, author, created_at, base, sets) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, m_ctx.ids->next()).bind(2, entity).bind(3, id).bind(4, op);
    stmt->bind(5, values.dump()).bind(6, stamped.hlc).bind(7, m_ctx.deviceId);
    stmt->bind(8, m_ctx.staffId).bind(9, now).bind(10, baseJson.dump()).bind(11, stamped.sets);
    return stmt->run();
}

}  // namespace chasqui::storage
