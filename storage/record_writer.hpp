#pragma once
// The one path by which records are written. Each call writes, inside the
// caller's open transaction, the record itself, its audit entry and a change
// record for sync (the per-field values set, with a hybrid logical clock stamp,
// the device and the author). Committing the transaction makes all three
// durable together; a crash before commit leaves none.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "storage/audit_log.hpp"
#include "storage/clock.hpp"
#include "storage/error.hpp"
#include "storage/ids.hpp"
#include "storage/sqlite_db.hpp"

namespace chasqui::storage {

using FieldValue = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
using Fields = std::vector<std::pair<std::string, FieldValue>>;

// Table of a synced entity ("person" -> "persons"), or empty for an unknown one.
std::string_view tableOf(std::string_view entity);

struct WriterContext {
    Db* db = nullptr;
    const Clock* clock = nullptr;
    UuidV7Generator* ids = nullptr;
    HybridLogicalClock* hlc = nullptr;
    std::string staffId;
    std::string deviceId;
};

class RecordWriter {
public:
    explicit RecordWriter(WriterContext context) : m_ctx(std::move(context)), m_audit(*m_ctx.db) {}

    // New record; returns its id (a fresh UUIDv7 unless `id` is given).
    Result<std::string> insert(std::string_view entity, const Fields& fields, std::string id = {});
    // Changes only the fields whose value differs; returns false when nothing changed.
    Result<bool> update(std::string_view entity, const std::string& id, const Fields& fields);
    // Tombstone: the row stays with deleted = 1 so the deletion can sync.
    Result<void> remove(std::string_view entity, const std::string& id);
    // Audit entry alone (views, sign-ins, exports).
    Result<void> audit(std::string_view action, std::string_view entity, const std::string& recordId);
    // Current values of the given columns; NotFound if there is no such live record.
    Result<Fields> read(std::string_view entity, const std::string& id, const std::vector<std::string>& columns);

    const WriterContext& context() const { return m_ctx; }

private:
    // Moves the merge clocks of `changed` fields to a new stamp; returns the
    // bases (clocks of the replaced values) and the stamp.
    Result<std::pair<Fields, std::string>> advanceClocks(std::string_view entity, const std::string& id,
                                                         const Fields& changed);
    Result<void> recordChange(std::string_view entity, const std::string& id, std::string_view op,
                              const Fields& fields, const Fields& bases, const std::string& hlc, std::int64_t now);
    WriterContext m_ctx;
    AuditLog m_audit;
};

}  // namespace chasqui::storage
