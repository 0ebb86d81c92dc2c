#include "sync/client/pending_changes.hpp"

#include <algorithm>
#include <string>

#include "storage/db/meta_table.hpp"
#include "sync/client/spool_files.hpp"

namespace chasqui::sync {

namespace {

storage::Result<std::int64_t> position(storage::Db& db, const char* key) {
    auto value = storage::readMeta(db, key);
    if (!value) return std::unexpected(value.error());
    return parseSpoolNumber(*value).value_or(0);
}

}  // namespace

storage::Result<PendingChanges> countPending(storage::PersonalStore& store) {
    storage::Db& db = store.db();
    auto acked = position(db, "outbox_acked_seq");
    if (!acked) return std::unexpected(acked.error());
    auto spooled = position(db, "outbox_spooled_seq");
    if (!spooled) return std::unexpected(spooled.error());
    // After a reseal from the acknowledged position the sealed one may lie
    // behind it: nothing is sealed then.
    const std::int64_t sealedUpTo = std::max(*acked, *spooled);
    auto stmt = db.prepare("SELECT count(*), coalesce(sum(seq > ?2), 0) FROM changes WHERE seq > ?1");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, *acked).bind(2, sealedUpTo);
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    PendingChanges pending;
    if (*row) {
        pending.unsealed = stmt->integer(1);
        pending.sealed = stmt->integer(0) - pending.unsealed;
    }
    stmt->reset();
    return pending;
}

storage::Result<std::int64_t> pendingChanges(storage::PersonalStore& store) {
    auto pending = countPending(store);
    if (!pending) return std::unexpected(pending.error());
    return pending->total();
}

PendingChanges pendingWhileLocked(const SpoolCounts& spool) {
    return PendingChanges{spool.pendingUp, 0};
}

}  // namespace chasqui::sync
