#pragma once
// What "pending changes" means, counted one way for the kiosk's sync panel,
// `chasqui status`, `chasqui sync` and the tests. A change is pending from the
// moment it is written until the server acknowledges it. On the way it is
// first unsealed (only in the store, after the outbox's sealed position) and
// then sealed (in an outbox batch file under spool/, waiting to be sent).
//
// The store keeps both positions in its meta table: 'outbox_acked_seq' (the
// last seq the server acknowledged, as the store knows it) and
// 'outbox_spooled_seq' (the last seq sealed into an outbox file). The sync
// worker holds no key while the kiosk is locked, so it counts only the sealed
// part, from the outbox files' names (pendingWhileLocked).
#include <cstdint>

#include "storage/base/error.hpp"
#include "storage/db/personal_store.hpp"
#include "sync/client/spool.hpp"

namespace chasqui::sync {

struct PendingChanges {
    std::int64_t sealed = 0;    // in outbox files, not yet acknowledged
    std::int64_t unsealed = 0;  // only in the store: the next seal writes them out
    std::int64_t total() const { return sealed + unsealed; }
};

// Both parts, from the signed-in store. Errors: the store's own (a damaged
// or closed database). A position that is not a number reads as 0: counting
// too much is safe, the server deduplicates.
storage::Result<PendingChanges> countPending(storage::PersonalStore& store);

// Every change not yet acknowledged by the server: countPending's total().
storage::Result<std::int64_t> pendingChanges(storage::PersonalStore& store);

// Without a key (the sync worker, a locked kiosk): the sealed part, counted
// from the outbox files' names (countSpool); the unsealed part is not known
// and counts 0 here.
PendingChanges pendingWhileLocked(const SpoolCounts& spool);

}  // namespace chasqui::sync
