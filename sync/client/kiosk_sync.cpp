#include "sync/client/kiosk_sync.hpp"

#include <sodium.h>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "storage/db/meta_table.hpp"
#include "storage/keys/key_wrap.hpp"
#include "storage/keys/keyring.hpp"
#include "sync/client/change_applier.hpp"
#include "sync/client/spool.hpp"
#include "sync/protocol/change_codec.hpp"

namespace chasqui::sync {

namespace {

using storage::Result;

constexpr std::string_view kStoreFailed = "the kiosk's store failed during sync: ";

// What one exchange of syncNow did.
struct OverlappedRun {
    Result<int> spooled = 0;
    SyncResult<LockedSyncSummary> exchanged = LockedSyncSummary{};
    Result<MergeSummary> merged = MergeSummary{};
};

void addTo(MergeSummary& total, const MergeSummary& m) {
    total.pulled += m.pulled;
    total.applied += m.applied;
    total.ignored += m.ignored;
    total.rejected += m.rejected;
    total.restamped += m.restamped;
    total.pagesDropped += m.pagesDropped;
    total.disabledStaff.insert(total.disabledStaff.end(), m.disabledStaff.begin(), m.disabledStaff.end());
}

// Seal, send, pull and merge, with the network on a helper thread: sealing
// batch n+1 overlaps sending batch n, and merging page n overlaps pulling page
// n+1. Each side does what it does when the kiosk syncs while locked (the
// sync thread's syncSpool beside a sign-out's spoolOutbox or a sign-in's
// mergeSpool), so every step stays durable and idempotent as there; the store
// is used on this thread only, the channel on the helper only. Sending starts
// once the first batch is sealed (or none is), so spoolOutbox's check of the
// outbox files never races with sends. Whatever arrived before a failure is
// merged before returning.
OverlappedRun exchangeOverlapped(storage::PersonalStore& store, ServerChannel& channel, const SpoolLimits& limits) {
    OverlappedRun run;
    OutboxFeed feed;
    std::mutex mutex;
    std::condition_variable changed;
    int pagesStored = 0;
    bool exchangeDone = false;
    std::atomic<bool> stop{false};
    const auto onProgress = [&](const SpoolProgress& p) {
        {
            std::lock_guard lock(mutex);
            pagesStored = p.pagesReceived;
        }
        changed.notify_all();
        return !stop.load();
    };
    const auto exchange = [&] {
        // Nothing may escape a thread; on the caller's thread this would have
        // been an exception out of syncNow, here it is an error of the exchange.
        SyncResult<LockedSyncSummary> result = LockedSyncSummary{};
        try {
            result = syncSpool(store.dataDir(), channel, limits, onProgress, &feed);
        } catch (const std::exception& e) {
            result = syncFail(SyncErrorCode::Internal, std::string("sync failed inside the kiosk: ") + e.what());
        }
        {
            std::lock_guard lock(mutex);
            run.exchanged = std::move(result);
            exchangeDone = true;
        }
        changed.notify_all();
    };
    std::thread helper;
    // Should anything below throw, the helper is told to stop, released from
    // waiting for batches and joined before the locals it uses go away.
    struct JoinOnExit {
        std::thread& thread;
        OutboxFeed& feed;
        std::atomic<bool>& stop;
        ~JoinOnExit() {
            if (!thread.joinable()) return;
            stop = true;
            feed.finished();
            thread.join();
        }
    } joinOnExit{helper, feed, stop};
    bool inline_ = false;
    const auto startExchange = [&] {
        if (helper.joinable() || inline_) return;
        try {
            helper = std::thread(exchange);
        } catch (const std::system_error&) {
            inline_ = true;  // no thread to be had: the exchange runs after sealing, one step after the other
        }
    };
    run.spooled = spoolOutbox(store, limits, [&] {
        startExchange();
        feed.sealed();
    });
    if (!run.spooled) stop = true;  // nothing is exchanged after a failure to seal; what is under way ends
    feed.finished();
    startExchange();
    if (inline_) exchange();
    MergeSummary total;
    int merged = 0;
    while (run.spooled) {
        bool done = false;
        {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return exchangeDone || pagesStored > merged; });
            done = exchangeDone;
            merged = pagesStored;
        }
        if (done) break;
        MergeOptions options;
        options.repullDamaged = false;  // the helper owns the cursor file until it is done
        auto m = mergeSpool(store, options);
        if (!m) {
            run.merged = std::move(m);
            stop = true;
            break;
        }
        addTo(total, *m);
        if (m->stoppedAtDamaged) {
            // The rest waits for the final merge below, once the helper is done.
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return exchangeDone; });
        }
    }
    if (helper.joinable()) helper.join();
    if (!run.spooled || !run.merged) return run;
    auto last = mergeSpool(store);
    if (!last) {
        run.merged = std::move(last);
        return run;
    }
    addTo(total, *last);
    run.merged = std::move(total);
    return run;
}

}  // namespace

Result<void> setServerPublicKey(storage::PersonalStore& store, const std::string& publicKey) {
    return store.writeVoid([&](storage::RecordWriter&) {
        return storage::writeMeta(
            store.db(), "server_public_key",
            storage::toBase64(reinterpret_cast<const unsigned char*>(publicKey.data()), publicKey.size()));
    });
}

SyncResult<SyncSummary> syncNow(storage::PersonalStore& store, ServerChannel& channel, const SyncLimits& limits) {
    // The same path a locked kiosk takes, with the merges done right away:
    // settle what an earlier locked sync left, seal new changes, exchange, merge.
    SpoolLimits spoolLimits{.pushBatch = limits.pushBatch, .pullPage = limits.pullPage, .maxRounds = limits.maxRounds};
    spoolLimits.clock = &store.clock();
    SyncSummary summary;
    const auto addMerge = [&](const MergeSummary& m) {
        summary.pulled += m.pulled;
        summary.applied += m.applied;
        summary.ignored += m.ignored;
        summary.rejected += m.rejected;
        summary.restamped += m.restamped;
        summary.disabledStaff.insert(summary.disabledStaff.end(), m.disabledStaff.begin(), m.disabledStaff.end());
    };
    auto before = mergeSpool(store);
    if (!before) return std::unexpected(fromStorage(before.error(), kStoreFailed));
    addMerge(*before);
    // A second exchange only when the first taught the kiosk that its clock ran
    // ahead: the changes the server refused for it are stamped again and sent now.
    for (int exchange = 0; exchange < 2; ++exchange) {
        auto run = exchangeOverlapped(store, channel, spoolLimits);
        if (!run.spooled) {
            if (run.spooled.error().code == storage::ErrorCode::NotFound)
                return syncFail(SyncErrorCode::Unauthorized,
                                "this kiosk is not enrolled with a server yet; enroll it with a code");
            return std::unexpected(fromStorage(run.spooled.error(), kStoreFailed));
        }
        if (!run.exchanged) return std::unexpected(run.exchanged.error());
        if (!run.merged) return std::unexpected(fromStorage(run.merged.error(), kStoreFailed));
        const MergeSummary& after = *run.merged;
        addMerge(after);
        summary.pushed += run.exchanged->pushed;
        summary.duplicates += run.exchanged->duplicates;
        // Refused for the clock and stamped again: not a problem left for anyone.
        for (const auto& p : run.exchanged->problems) {
            if (p.code == "clock_ahead" && after.restamped > 0) continue;
            summary.problems.push_back(p);
            ++summary.quarantined;
        }
        if (after.restamped == 0) break;
    }
    // A staff member disabled elsewhere loses their credential on this kiosk too.
    if (!summary.disabledStaff.empty()) {
        auto keyring = storage::loadKeyring(store.dataDir().keyring());
        if (keyring) {
            for (const auto& id : summary.disabledStaff)
                std::erase_if(keyring->credentials, [&](const storage::Credential& c) { return c.staffId == id; });
            (void)storage::saveKeyring(store.dataDir().keyring(), *keyring);
        }
    }
    return summary;
}

}  // namespace chasqui::sync
