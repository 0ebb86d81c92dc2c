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

#include "storage/base/clock.hpp"
#include "storage/base/error.hpp"
#include "storage/base/sqlite_db.hpp"
#include "storage/records/audit_log.hpp"
#include "storage/records/entity_columns.hpp"
#include "storage/records/ids.hpp"
#include "storage/records/record_clocks.hpp"

namespace chasqui::storage {

using FieldValue = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
using Fields = std::vector<std::pair<std::string, FieldValue>>;

// A change pulled from another device, already merged by the caller (sync's
// applier): what RecordWriter::applyRemote writes.
struct RemoteWrite {
    std::string_view entity;
    std::string id;
    bool exists = false;  // the record is on this kiosk already, deleted or not
    Fields values;        // the fields the change wins
    std::string author;   // the change's author and device, stamped on the row
    std::string device;
    std::int64_t atMs = 0;  // the wall time of the change's clock: created_at/updated_at
    RecordClocks clocks;    // the record's merge clocks after the merge, saved with the row
};

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

    // Every write below sets only the entity's synced columns
    // (storage/records/entity_columns.hpp) or "deleted"; another name fails
    // with Internal before anything is written.
    // New record; returns its id (a fresh UUIDv7 unless `id` is given).
    Result<std::string> insert(std::string_view entity, const Fields& fields, std::string id = {});
    // Changes only the fields whose value differs; returns false when nothing changed.
    Result<bool> update(std::string_view entity, const std::string& id, const Fields& fields);
    // Tombstone: the row stays with deleted = 1 so the deletion can sync.
    Result<void> remove(std::string_view entity, const std::string& id);
    // Audit entry alone (views, sign-ins, exports).
    Result<void> audit(std::string_view action, std::string_view entity, const std::string& recordId);
    // Whether a record with this id is on this kiosk, deleted or not.
    Result<bool> exists(std::string_view entity, const std::string& id);
    // Writes a pulled change and saves its merge clocks. A record new here is
    // created with every described column (storage/records/entity_columns.hpp;
    // the ones the change does not set get their type's empty value: the
    // columns are NOT NULL without defaults); an existing one gets only
    // `values` (nothing when empty). Unlike local writes it adds no audit
    // entry and no change record (the change is another device's, already in
    // the office's log) and does not tick this device's clock. A unique value
    // already used by another record here fails with AlreadyExists.
    Result<void> applyRemote(const RemoteWrite& change);
    // Current values of the given columns; NotFound if there is no such live record.
    Result<Fields> read(std::string_view entity, const std::string& id, const std::vector<std::string>& columns);

    const WriterContext& context() const { return m_ctx; }

private:
    struct Stamped {
        Fields bases;      // clocks of the replaced values
        std::string hlc;   // the write's stamp
        std::string sets;  // JSON: what the write did to each set field (element_set.hpp)
    };
    // Moves the merge clocks of `changed` fields to a new stamp, and the
    // element clocks of changed set fields (whose values were `before`).
    Result<Stamped> advanceClocks(std::string_view entity, const std::string& id, const Fields& changed,
                                  const Fields& before);
    Result<void> recordChange(std::string_view entity, const std::string& id, std::string_view op, const Fields& fields,
                              const Stamped& stamped, std::int64_t now);
    WriterContext m_ctx;
    AuditLog m_audit;
};

}  // namespace chasqui::storage
