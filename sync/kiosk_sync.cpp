#include "sync/kiosk_sync.hpp"

#include <sodium.h>

#include <fmt/format.h>

#include "storage/key_wrap.hpp"
#include "storage/keyring.hpp"
#include "sync/change_applier.hpp"
#include "sync/change_codec.hpp"
#include "sync/sealed_box.hpp"

namespace chasqui::sync {

namespace {

using storage::Db;
using storage::Result;

Result<std::string> meta(Db& db, const std::string& key) {
    auto stmt = db.prepare("SELECT value FROM meta WHERE key = ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, key);
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    std::string value = *row ? stmt->text(0) : std::string();
    stmt->reset();
    return value;
}

Result<void> setMeta(Db& db, const std::string& key, const std::string& value) {
    auto stmt = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, key).bind(2, value);
    return stmt->run();
}

SyncError internal(const storage::Error& e) {
    return SyncError{SyncErrorCode::Internal, "the kiosk's store failed during sync: " + e.message, 0, {}};
}

struct DeviceKeys {
    std::string publicKey;
    storage::SecretBytes secretKey;
};

Result<DeviceKeys> deviceKeys(storage::PersonalStore& store) {
    auto pub = meta(store.db(), "device_box_public");
    if (!pub) return std::unexpected(pub.error());
    auto sec = meta(store.db(), "device_box_secret");
    if (!sec) return std::unexpected(sec.error());
    DeviceKeys keys;
    if (pub->empty()) {
        BoxKeyPair pair = BoxKeyPair::generate();
        keys.publicKey = pair.publicKey;
        keys.secretKey = std::move(pair.secretKey);
        auto saved = store.writeVoid([&](storage::RecordWriter&) -> Result<void> {
            if (auto r = setMeta(store.db(), "device_box_public", storage::toBase64(
                    reinterpret_cast<const unsigned char*>(keys.publicKey.data()), keys.publicKey.size())); !r)
                return r;
            return setMeta(store.db(), "device_box_secret", storage::toBase64(keys.secretKey.data(), keys.secretKey.size()));
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

SyncResult<void> pushAll(storage::PersonalStore& store, ServerChannel& channel, const SyncLimits& limits,
                         const std::string& serverKey, SyncSummary& summary) {
    Db& db = store.db();
    for (int round = 0; round < limits.maxRounds; ++round) {
        auto acked = meta(db, "outbox_acked_seq");
        if (!acked) return std::unexpected(internal(acked.error()));
        std::int64_t lastSeq = 0;
        auto changes = readOutbox(db, acked->empty() ? 0 : std::stoll(*acked), limits.pushBatch,
                                  store.session().officeCode, lastSeq);
        if (!changes) return std::unexpected(internal(changes.error()));
        if (changes->empty()) return {};
        nlohmann::json batch = {{"batch", changes->front().id}, {"changes", nlohmann::json::array()}};
        for (const auto& c : *changes) batch["changes"].push_back(encodeChange(c));
        auto sealed = sealCompressed(batch.dump(), serverKey);
        if (!sealed) return std::unexpected(internal(sealed.error()));
        auto results = channel.push(*sealed);
        if (!results) return std::unexpected(results.error());
        if (results->size() != changes->size())
            return syncFail(SyncErrorCode::BadResponse, "the server answered for a different number of changes");
        for (const auto& item : *results) {
            if (item.status == "applied") ++summary.pushed;
            else if (item.status == "duplicate") ++summary.duplicates;
            else {
                ++summary.quarantined;
                summary.problems.push_back(item);
            }
        }
        // Only now, with the server's answer in hand, is the batch done here.
        auto saved = store.writeVoid([&](storage::RecordWriter& w) -> Result<void> {
            if (auto r = setMeta(db, "outbox_acked_seq", std::to_string(lastSeq)); !r) return r;
            return w.audit("sync_push", "sync", "");
        });
        if (!saved) return std::unexpected(internal(saved.error()));
    }
    return {};
}

SyncResult<void> pullAll(storage::PersonalStore& store, ServerChannel& channel, const SyncLimits& limits,
                         SyncSummary& summary) {
    auto keys = deviceKeys(store);
    if (!keys) return std::unexpected(internal(keys.error()));
    for (int round = 0; round < limits.maxRounds; ++round) {
        auto cursor = meta(store.db(), "pull_cursor");
        if (!cursor) return std::unexpected(internal(cursor.error()));
        auto page = channel.pull(*cursor, limits.pullPage);
        if (!page && page.error().serverCode == "cursor_expired") {
            // The server's database was replaced: start over; merging is idempotent.
            if (auto r = store.writeVoid([&](storage::RecordWriter&) { return setMeta(store.db(), "pull_cursor", ""); }); !r)
                return std::unexpected(internal(r.error()));
            continue;
        }
        if (!page) return std::unexpected(page.error());
        auto opened = openCompressed(page->sealed, keys->publicKey, keys->secretKey);
        if (!opened) return syncFail(SyncErrorCode::BadResponse, "a page from the server could not be opened: " + opened.error().message);
        const nlohmann::json body = nlohmann::json::parse(*opened, nullptr, false);
        if (body.is_discarded() || !body.is_object() || !body.contains("changes") || !body["changes"].is_array())
            return syncFail(SyncErrorCode::BadResponse, "a page from the server is not valid JSON");
        std::vector<ChangeRecord> changes;
        for (const auto& raw : body["changes"]) {
            auto c = decodeChange(raw);
            if (c) changes.push_back(std::move(*c));
            else ++summary.rejected;
        }
        ApplyReport report;
        auto merged = store.writeVoid([&](storage::RecordWriter& w) -> Result<void> {
            auto applied = applyRemoteChanges(store, changes);
            if (!applied) return std::unexpected(applied.error());
            report = std::move(*applied);
            // The cursor moves in the same transaction as the merged changes.
            if (auto r = setMeta(store.db(), "pull_cursor", page->nextCursor); !r) return r;
            return w.audit("sync_pull", "sync", "");
        });
        if (!merged) return std::unexpected(internal(merged.error()));
        summary.pulled += static_cast<int>(changes.size());
        summary.applied += report.applied;
        summary.ignored += report.ignored;
        summary.rejected += static_cast<int>(report.rejected.size());
        summary.disabledStaff.insert(summary.disabledStaff.end(), report.disabledStaff.begin(), report.disabledStaff.end());
        if (!page->more) return {};
    }
    return {};
}

}  // namespace

Result<std::string> devicePublicKey(storage::PersonalStore& store) {
    auto keys = deviceKeys(store);
    if (!keys) return std::unexpected(keys.error());
    return keys->publicKey;
}

Result<void> setServerPublicKey(storage::PersonalStore& store, const std::string& publicKey) {
    return store.writeVoid([&](storage::RecordWriter&) {
        return setMeta(store.db(), "server_public_key",
                       storage::toBase64(reinterpret_cast<const unsigned char*>(publicKey.data()), publicKey.size()));
    });
}

Result<std::int64_t> pendingChanges(storage::PersonalStore& store) {
    return store.db().scalarInt(
        "SELECT count(*) FROM changes WHERE seq > (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'outbox_acked_seq')");
}

SyncResult<SyncSummary> syncNow(storage::PersonalStore& store, ServerChannel& channel, const SyncLimits& limits) {
    auto encodedKey = meta(store.db(), "server_public_key");
    if (!encodedKey) return std::unexpected(internal(encodedKey.error()));
    std::string serverKey;
    if (encodedKey->empty() || !storage::fromBase64(*encodedKey, serverKey) || serverKey.size() != crypto_box_PUBLICKEYBYTES)
        return syncFail(SyncErrorCode::Unauthorized, "this kiosk is not enrolled with a server yet; enroll it with a code");
    SyncSummary summary;
    if (auto r = pushAll(store, channel, limits, serverKey, summary); !r) return std::unexpected(r.error());
    if (auto r = pullAll(store, channel, limits, summary); !r) return std::unexpected(r.error());
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
