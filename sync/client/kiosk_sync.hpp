#pragma once
// One sync of a kiosk's personal-data store with the server, while a staff
// member is signed in: push the outbox in bounded sealed batches (the acked
// position saved only after the server answered), then pull sealed pages and
// merge each in one transaction together with its cursor. Every step is
// idempotent, so a cut at any point is healed by simply syncing again.
// Runs on the caller's thread; the kiosk calls it from its sync worker.
#include <cstddef>
#include <string>
#include <vector>

#include "storage/base/secret.hpp"
#include "storage/db/personal_store.hpp"
#include "sync/client/device_keys.hpp"      // devicePublicKeys, sent at enrollment
#include "sync/client/pending_changes.hpp"  // pendingChanges, what `chasqui sync` announces
#include "sync/client/server_channel.hpp"

namespace chasqui::sync {

struct SyncLimits {
    // Large batches compress better and need fewer round trips on 2G (see
    // chasqui-bench sync); the protocol's limits are 1000 and 500.
    std::size_t pushBatch = 1000;  // changes per sealed batch
    std::size_t pullPage = 500;    // changes per page
    int maxRounds = 1000;          // safety stop
};

struct SyncSummary {
    int pushed = 0;       // accepted by the server now
    int duplicates = 0;   // already there (a retry after a lost answer)
    int quarantined = 0;  // refused one by one; see `problems`
    int pulled = 0;
    int applied = 0;
    int ignored = 0;
    int rejected = 0;
    int restamped = 0;  // stamped by a clock that ran ahead; stamped again and sent (sync/client/clock_ahead.hpp)
    std::vector<PushItem> problems;  // ids and codes only, no personal data
    std::vector<std::string> disabledStaff;
};

storage::Result<void> setServerPublicKey(storage::PersonalStore& store, const std::string& publicKey);

SyncResult<SyncSummary> syncNow(storage::PersonalStore& store, ServerChannel& channel, const SyncLimits& limits = {});

}  // namespace chasqui::sync
