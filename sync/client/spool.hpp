#pragma once
// The sync spool: plain files in DIR/sync/ that let a kiosk sync while no
// staff member is signed in and its personal-data store is locked.
//   outbox/<lastSeq>-<n>[-<prev>].signed  batches of n changes sealed to the server's key and
//                                signed with the device's key while a session was open: the
//                                push body (sync/protocol/batch_signature.hpp); <prev> when it
//                                shares no record with the batch before it (spool_files.hpp)
//   outbox/<lastSeq>[-<n>].sealed unsigned batches from before batches were signed: never
//                                sent (the server refuses them); the next sign-in seals them again
//   acked_seq                    the highest outbox seq the server acknowledged
//   inbox/<n>.page               pages sealed to this device's key, with the cursor they end at
//   cursor                       the newest cursor received
// Nothing in it is readable without the server's or this device's secret key.
// Every file is replaced atomically, so a cut or a crash at any point leaves a
// state from which the next sync simply goes on.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "storage/base/data_dir.hpp"
#include "storage/db/personal_store.hpp"
#include "sync/client/server_channel.hpp"

namespace chasqui::sync {

struct SpoolLimits {
    std::size_t pushBatch = 1000;
    // A batch may end earlier so that none of its records is touched in the
    // next `batchLookahead` changes: the batch after it can then be pushed
    // beside it (readOutboxBatch). 0 cuts at pushBatch changes exactly.
    std::size_t batchLookahead = 64;
    std::size_t pullPage = 500;
    int maxRounds = 1000;
    // Budgets of one syncSpool run's pulls, against a hostile or broken server
    // (pages with "more" for ever, an answer trickling in): the run stops with
    // TooLarge past maxRunPullBytes of pages received or maxInboxBytes of pages
    // waiting for a sign-in, and with Timeout past maxRunTime. What arrived is
    // kept; the next run goes on from the cursor. Per request, CurlTransport
    // bounds bytes and time too (CurlOptions, HttpRequest::maxResponseBytes).
    std::uint64_t maxRunPullBytes = std::uint64_t{64} * 1024 * 1024;
    std::uint64_t maxInboxBytes = std::uint64_t{256} * 1024 * 1024;
    std::chrono::milliseconds maxRunTime = std::chrono::minutes(30);
    // Told the server's time from every answer (a storage::TrustedClock keeps
    // it; the kiosk's dates and stamps then follow the server). May be null.
    const storage::Clock* clock = nullptr;
};

struct LockedSyncSummary {
    int batchesSent = 0;
    int pushed = 0;
    int duplicates = 0;
    int quarantined = 0;
    std::vector<PushItem> problems;
    int pagesReceived = 0;
    bool more = false;  // stopped at maxRounds, or stopped early by the progress callback
};

// Where a syncSpool run is, reported after each batch sent and each page stored.
struct SpoolProgress {
    bool receiving = false;  // false while sending outbox batches, true while pulling pages
    int batchesToSend = 0;   // outbox files found when the run started
    int batchesSent = 0;
    int pushed = 0;
    int duplicates = 0;
    int quarantined = 0;
    int pagesReceived = 0;
    bool morePages = true;  // the server said more pages follow the last one stored
};
// Called on syncSpool's thread; return false to stop after the current step
// (everything done so far is durable; the summary then says `more`).
using SpoolProgressFn = std::function<bool(const SpoolProgress&)>;

// What waits in the spool, read from file names alone (no key needed).
struct SpoolCounts {
    // Changes in outbox files not yet acknowledged. A crash between writing a
    // batch file and recording it can leave two files that overlap until they
    // are sent (the server deduplicates), so this may briefly count a change twice.
    std::int64_t pendingUp = 0;
    int outboxFiles = 0;
    int inboxPages = 0;  // received, not yet merged at sign-in
};

struct MergeSummary {
    int pulled = 0;
    int applied = 0;
    int ignored = 0;
    int rejected = 0;
    int restamped = 0;     // changes a clock running ahead had stamped, stamped again (sync/client/clock_ahead.hpp)
    int pagesDropped = 0;  // damaged inbox pages, pulled again from the last merged position
    std::vector<std::string> disabledStaff;
    bool stoppedAtDamaged = false;  // MergeOptions::repullDamaged false and a damaged page left for later
};

// Lets syncSpool send the batches spoolOutbox seals while it runs: syncNow
// seals on the store's thread and sends on another, so that sealing batch n+1
// overlaps sending batch n. Thread-safe.
class OutboxFeed {
public:
    // The sealing side: a batch file was written (and its position saved).
    void sealed();
    // The sealing side: no more batches come in this run (also after a failure).
    void finished();
    // For syncSpool: blocks until a batch was sealed since the last call (true)
    // or sealing finished with nothing new (false), or, with `unless`, until
    // that says there is something else to do (false; checked at each poke()).
    bool waitForMore(const std::function<bool()>& unless = {});
    // Wakes waitForMore to look at its `unless` again (a push's answer came).
    void poke();

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    int m_sealed = 0;
    int m_seen = 0;
    bool m_finished = false;
};

// While signed in (and at sign-out): seals and signs the changes not yet spooled
// into outbox files. When an outbox file is not a valid signed batch of this
// device, the whole outbox is sealed again from the acknowledged position.
// `onBatchSealed` runs on the caller's thread after each batch file is durable
// and its position saved.
storage::Result<int> spoolOutbox(storage::PersonalStore& store, const SpoolLimits& limits = {},
                                 const std::function<void()>& onBatchSealed = {});
// Needs no key: sends spooled batches, stores pulled pages in the inbox. With
// a `feed`, it goes on sending the batches sealed meanwhile until the feed is
// finished, and only then pulls.
SyncResult<LockedSyncSummary> syncSpool(const storage::DataDir& dir, ServerChannel& channel,
                                        const SpoolLimits& limits = {}, const SpoolProgressFn& onProgress = {},
                                        OutboxFeed* feed = nullptr);
// Needs no key and no network; safe while another thread runs syncSpool.
SpoolCounts countSpool(const storage::DataDir& dir);
struct MergeOptions {
    // A damaged page and the pages after it are dropped and pulled again from
    // the last merged position (the sync thread's cursor file is rewritten).
    // False while a syncSpool run is still pulling: merging then stops at the
    // damaged page and leaves it for a later mergeSpool (MergeSummary::stoppedAtDamaged).
    bool repullDamaged = true;
};

// At sign-in: records what the server acknowledged and merges inbox pages, each
// page in one transaction with its cursor; a merged page's file is then removed.
// Safe while another thread runs syncSpool when `options.repullDamaged` is false.
storage::Result<MergeSummary> mergeSpool(storage::PersonalStore& store, const MergeOptions& options = {});

}  // namespace chasqui::sync
