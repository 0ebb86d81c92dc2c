#include "sync/kiosk_sync.hpp"

#include <sodium.h>

#include <fmt/format.h>

#include "storage/key_wrap.hpp"
#include "storage/keyring.hpp"
#include "storage/meta_table.hpp"
#include "sync/change_applier.hpp"
#include "sync/change_codec.hpp"
#include "sync/sealed_box.hpp"
#include "sync/spool.hpp"

namespace chasqui::sync {

namespace {

using storage::Db;
using storage::Result;

SyncError internal(const storage::Error& e) {
    return SyncError{SyncErrorCode::Internal, "the kiosk's store failed during sync: " + e.message, 0, {}};
}

struct DeviceKeys {
    std::string publicKey;
    storage::SecretBytes secretKey;
};

Result<DeviceKeys> deviceKeys(storage::PersonalStore& store) {
    auto pub = storage::readMeta(store.db(), "device_box_public");
    if (!pub) return std::unexpected(pub.error());
    auto sec = storage::readMeta(store.db(), "device_box_secret");
    if (!sec) return std::unexpected(sec.error());
    DeviceKeys keys;
    if (pub->empty()) {
        BoxKeyPair pair = BoxKeyPair::generate();
        keys.publicKey = pair.publicKey;
        keys.secretKey = std::move(pair.secretKey);
        auto saved = store.writeVoid([&](storage::RecordWriter&) -> Result<void> {
            if (auto r = storage::writeMeta(store.db(), "device_box_public", storage::toBase64(
                    reinterpret_cast<const unsigned char*>(keys.publicKey.data()), keys.publicKey.size())); !r)
                return r;
            return storage::writeMeta(store.db(), "device_box_secret", storage::toBase64(keys.secretKey.data(), keys.secretKey.size()));
        });
        if (!saved) return std::unexpected(saved.error());
        return keys;
    }
    std::string rawSecret;
    if (!storage::fromBase64(*pub, keys.publicKey) || !storage::fromBase64(*sec, rawSecret) || rawSecret.size() != 32)
        return storage::fail(storage::ErrorCode::Damaged, "the device's sync key is damaged; re-enroll the device");
    keys.secretKey = storage::SecretBytes(32);
    std::copy(rawSecret.begin(), rawSecret.end(), keys.secretKey.data());
    storage::wipeString(rawSecret);
    return keys;
}

}  // namespace

Result<std::string> devicePublicKey(storage::PersonalStore& store) {
    auto keys = deviceKeys(store);
    if (!keys) return std::unexpected(keys.error());
    return keys->publicKey;
}

Result<void> setServerPublicKey(storage::PersonalStore& store, const std::string& publicKey) {
    return store.writeVoid([&](storage::RecordWriter&) {
        return storage::writeMeta(store.db(), "server_public_key",
                       storage::toBase64(reinterpret_cast<const unsigned char*>(publicKey.data()), publicKey.size()));
    });
}

Result<std::int64_t> pendingChanges(storage::PersonalStore& store) {
    return store.db().scalarInt(
        "SELECT count(*) FROM changes WHERE seq > (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'outbox_acked_seq')");
}

SyncResult<SyncSummary> syncNow(storage::PersonalStore& store, ServerChannel& channel, const SyncLimits& limits) {
    // The same path a locked kiosk takes, with the merges done right away:
    // settle what an earlier locked sync left, seal new changes, exchange, merge.
    const SpoolLimits spoolLimits{limits.pushBatch, limits.pullPage, limits.maxRounds};
    SyncSummary summary;
    const auto addMerge = [&](const MergeSummary& m) {
        summary.pulled += m.pulled;
        summary.applied += m.applied;
        summary.ignored += m.ignored;
        summary.rejected += m.rejected;
        summary.disabledStaff.insert(summary.disabledStaff.end(), m.disabledStaff.begin(), m.disabledStaff.end());
    };
    auto before = mergeSpool(store);
    if (!before) return std::unexpected(internal(before.error()));
    addMerge(*before);
    auto spooled = spoolOutbox(store, spoolLimits);
    if (!spooled) {
        if (spooled.error().code == storage::ErrorCode::NotFound)
            return syncFail(SyncErrorCode::Unauthorized, "this kiosk is not enrolled with a server yet; enroll it with a code");
        return std::unexpected(internal(spooled.error()));
    }
    auto exchanged = syncSpool(store.dataDir(), channel, spoolLimits);
    // Whatever arrived before a failure is merged now rather than at the next sign-in.
    auto after = mergeSpool(store);
    if (!exchanged) return std::unexpected(exchanged.error());
    if (!after) return std::unexpected(internal(after.error()));
    addMerge(*after);
    summary.pushed = exchanged->pushed;
    summary.duplicates = exchanged->duplicates;
    summary.quarantined = exchanged->quarantined;
    summary.problems = exchanged->problems;
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
