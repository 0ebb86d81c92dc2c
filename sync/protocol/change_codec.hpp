#pragma once
// Change records on the wire (sync/PROTOCOL.md section 2): reading them from
// the local outbox, encoding them as JSON, and decoding JSON from the network
// with every field validated. Decoding never throws; a bad record yields a
// SyncError (sync/protocol/sync_error.hpp) with its code (BadRequest, InvalidUtf8,
// TooLarge, UnknownEntity, UnknownField) and a message, so it can be
// quarantined alone.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/base/error.hpp"
#include "storage/base/sqlite_db.hpp"
#include "storage/records/entity_columns.hpp"
#include "sync/protocol/sync_error.hpp"

namespace chasqui::sync {

struct ChangeRecord {
    std::string id;                                    // UUIDv7 of the change
    std::string entity;                                // "person", ...
    std::string record;                                // UUID of the record
    std::string op;                                    // "put" | "delete"
    nlohmann::json fields = nlohmann::json::object();  // column -> value
    nlohmann::json base = nlohmann::json::object();    // column -> clock of the replaced value
    nlohmann::json sets = nlohmann::json::object();    // set column -> its edit (PROTOCOL.md 3.2)
    std::string hlc;
    std::string device;
    std::string author;
    std::string office;

    std::string clock() const { return hlc + "@" + device; }
};

// The synced columns are described once, in storage/records/entity_columns.hpp.
using ColumnType = storage::ColumnType;
using ColumnSpec = storage::ColumnSpec;

// Columns a change may set for an entity (empty for an unknown entity): the
// entity's synced columns in table order, then "deleted" (tombstones).
std::vector<ColumnSpec> columnsOf(std::string_view entity);
bool isAppendOnly(std::string_view entity);
bool isSyncedEntity(std::string_view entity);

nlohmann::json encodeChange(const ChangeRecord& change);
// BadRequest (or TooLarge, InvalidUtf8, UnknownEntity, UnknownField) for
// anything that is not a valid change; the input is then left as it was.
SyncResult<ChangeRecord> decodeChange(const nlohmann::json& json);
// The same, moving the values out of `json` when it is valid (left valid but
// unspecified).
SyncResult<ChangeRecord> decodeChange(nlohmann::json&& json);

// encodeChange(c).dump() written straight from the record, and where each
// field's value sits in that text (offset and size, in the order of
// c.fields): a server writes one per change it receives. For a change
// decodeChange made (its texts are valid UTF-8).
struct ChangeText {
    std::string text;
    std::vector<std::pair<std::size_t, std::size_t>> values;
};
ChangeText changeText(const ChangeRecord& c);

// A list of changes travels as columns (sync/PROTOCOL.md section 2.1): one
// array per field of the change record, entry i of every array belonging to
// change i ("sets" only when some change has one). The ids of consecutive changes then sit side by side, which
// compresses much better than one object per change.
constexpr std::size_t kMaxChangesPerList = 1000;
// From change objects as encodeChange makes them (or as the server stored
// them); a missing field becomes null, a missing "base" an empty object.
nlohmann::json encodeColumns(const std::vector<nlohmann::json>& changes);
// Back to one object per change, in order, each still to be checked with
// decodeChange (a bad value there is that change's problem alone). Fails only
// when the columns themselves are malformed: not an object, a column missing,
// unknown or not an array, columns of different lengths (BadRequest), or
// more than `maxChanges` changes (TooLarge).
SyncResult<std::vector<nlohmann::json>> splitColumns(const nlohmann::json& columns,
                                                     std::size_t maxChanges = kMaxChangesPerList);
// The same, moving the values out of `columns` (left valid but unspecified).
SyncResult<std::vector<nlohmann::json>> splitColumns(nlohmann::json&& columns,
                                                     std::size_t maxChanges = kMaxChangesPerList);

// Local changes with seq > afterSeq, oldest first, at most `limit`, stamped
// with `office`. `lastSeq` receives the seq of the last one returned.
storage::Result<std::vector<ChangeRecord>> readOutbox(storage::Db& db, std::int64_t afterSeq, std::size_t limit,
                                                      const std::string& office, std::int64_t& lastSeq);

// A push batch's JSON text, {"batch": <first change id>, "columns": {...}},
// for the same changes readOutbox returns: the bytes that dumping
// {"batch", encodeColumns(encodeChange(...))} gives, written straight from the
// stored texts. The stored JSON of fields, base and sets is checked (syntax
// and UTF-8) but not built into a DOM, which was most of the cost of sealing
// a batch. Empty `text` when there is nothing after `afterSeq`. Damaged when a
// stored change is not valid JSON or UTF-8. `records` names the records the
// batch touches ("entity\x1frecord id", sorted, once each), so the spool can
// tell whether two batches may reach the server in either order.
struct OutboxBatch {
    std::string text;
    std::string firstId;
    std::size_t changes = 0;
    std::int64_t lastSeq = 0;
    std::vector<std::string> records;
};
// With `lookahead` > 0 the batch may end before `limit` changes: at the
// latest point from which none of its records is touched again within the
// next `lookahead` changes (but not below half of `limit`), so that the
// batch after it shares no record with it and both may be pushed at once.
storage::Result<OutboxBatch> readOutboxBatch(storage::Db& db, std::int64_t afterSeq, std::size_t limit,
                                             const std::string& office, std::size_t lookahead = 0);

// Where to end a batch over `records` (one name per change, oldest first; at
// most `limit` of them go in the batch, the rest are the lookahead): the
// largest count c in [limit / 2, limit] such that no record appears both
// before and from c on; `limit` when there is none, everything when it all fits.
std::size_t cleanBatchEnd(const std::vector<std::string>& records, std::size_t limit);

}  // namespace chasqui::sync
