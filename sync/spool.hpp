#pragma once
// The sync spool: plain files in DIR/sync/ that let a kiosk sync while no
// staff member is signed in and its personal-data store is locked.
//   outbox/<lastSeq>.sealed  batches sealed to the server's key while a session was open
//   acked_seq                the highest outbox seq the server acknowledged
//   inbox/<n>.page           pages sealed to this device's key, with the cursor they end at
//   cursor                   the newest cursor received
// Nothing in it is readable without the server's or this device's secret key.
// Every file is replaced atomically, so a cut or a crash at any point leaves a
// state from which the next sync simply goes on.
#include <string>

#include "storage/data_dir.hpp"
#include "storage/personal_store.hpp"
#include "sync/server_channel.hpp"

namespace chasqui::sync {

struct SpoolLimits {
    std::size_t pushBatch = 1000;
    std::size_t pullPage = 500;
    int maxRounds = 1000;
};

struct LockedSyncSummary {
    int batchesSent = 0;
    int pushed = 0;
    int duplicates = 0;
    int quarantined = 0;
    std::vector<PushItem> problems;
    int pagesReceived = 0;
    bool more = false;  // stopped at maxRounds
};

struct MergeSummary {
    int pulled = 0;
    int applied = 0;
    int ignored = 0;
    int rejected = 0;
    std::vector<std::string> disabledStaff;
};

// While signed in (and at sign-out): seals the changes not yet spooled into outbox files.
storage::Result<int> spoolOutbox(storage::PersonalStore& store, const SpoolLimits& limits = {});
// Needs no key: sends spooled batches, stores pulled pages in the inbox.
SyncResult<LockedSyncSummary> syncSpool(const storage::DataDir& dir, ServerChannel& channel,
                                        const SpoolLimits& limits = {});
// At sign-in: records what the server acknowledged and merges inbox pages, each
// page in one transaction with its cursor; a merged page's file is then removed.
storage::Result<MergeSummary> mergeSpool(storage::PersonalStore& store);

}  // namespace chasqui::sync
