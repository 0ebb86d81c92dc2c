#include "sync/client/kiosk_sync.hpp"

#include <sodium.h>

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
    SpoolLimits spoolLimits{limits.pushBatch, limits.pullPage, limits.maxRounds};
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
        auto spooled = spoolOutbox(store, spoolLimits);
        if (!spooled) {
            if (spooled.error().code == storage::ErrorCode::NotFound)
                return syncFail(SyncErrorCode::Unauthorized,
                                "this kiosk is not enrolled with a server yet; enroll it with a code");
            return std::unexpected(fromStorage(spooled.error(), kStoreFailed));
        }
        auto exchanged = syncSpool(store.dataDir(), channel, spoolLimits);
        // Whatever arrived before a failure is merged now rather than at the next sign-in.
        auto after = mergeSpool(store);
        if (!exchanged) return std::unexpected(exchanged.error());
        if (!after) return std::unexpected(fromStorage(after.error(), kStoreFailed));
        addMerge(*after);
        summary.pushed += exchanged->pushed;
        summary.duplicates += exchanged->duplicates;
        // Refused for the clock and stamped again: not a problem left for anyone.
        for (const auto& p : exchanged->problems) {
            if (p.code == "clock_ahead" && after->restamped > 0) continue;
            summary.problems.push_back(p);
            ++summary.quarantined;
        }
        if (after->restamped == 0) break;
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
