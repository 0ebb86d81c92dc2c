#include "sync/spool.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/key_wrap.hpp"
#include "storage/meta_table.hpp"
#include "sync/change_applier.hpp"
#include "sync/change_codec.hpp"
#include "sync/sealed_box.hpp"

namespace chasqui::sync {

namespace fs = std::filesystem;
using storage::Result;

namespace {

fs::path spoolDir(const storage::DataDir& dir) { return dir.root / "sync"; }

Result<void> ensureDirs(const storage::DataDir& dir) {
    std::error_code ec;
    for (const char* sub : {"outbox", "inbox"}) {
        fs::create_directories(spoolDir(dir) / sub, ec);
        if (ec) return storage::fail(storage::ErrorCode::Io, fmt::format("cannot create the sync spool: {}", ec.message()));
    }
    fs::permissions(spoolDir(dir), fs::perms::owner_all, fs::perm_options::replace, ec);
    return {};
}

// Files of a spool folder in name order (names are zero-padded numbers).
std::vector<fs::path> filesIn(const fs::path& folder, const std::string& extension) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec))
        if (entry.path().extension() == extension) out.push_back(entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

std::string readText(const fs::path& path) {
    auto text = storage::readSmallFile(path, 64 * 1024 * 1024);
    return text ? *text : std::string();
}

std::int64_t readNumber(const fs::path& path) {
    const std::string text = readText(path);
    if (text.empty() || text.find_first_not_of("0123456789\n") != std::string::npos) return 0;
    return std::stoll(text);
}

std::int64_t asNumber(const std::string& text) {
    return text.empty() || text.find_first_not_of("0123456789") != std::string::npos ? 0 : std::stoll(text);
}

// outbox/<lastSeq>-<changes>.sealed; a legacy <lastSeq>.sealed has changes = -1.
struct OutboxName {
    std::int64_t lastSeq = 0;
    std::int64_t changes = -1;
};

OutboxName outboxName(const fs::path& file) {
    const std::string stem = file.stem().string();
    const auto dash = stem.find('-');
    if (dash == std::string::npos) return {asNumber(stem), -1};
    return {asNumber(stem.substr(0, dash)), asNumber(stem.substr(dash + 1))};
}

struct PushTally {
    int pushed = 0;
    int duplicates = 0;
    std::vector<PushItem> problems;
};

// Adds up the server's answer to one batch of `sent` changes (-1: not known,
// a legacy file name). An answer that does not account for every change sent
// is refused: acknowledging the batch could lose the changes it left out.
SyncResult<PushTally> tallyAnswer(const std::vector<PushItem>& items, std::int64_t sent) {
    PushTally tally;
    std::int64_t total = 0;
    for (const auto& item : items) {
        if (item.count < 0 || (item.status == "quarantined" && item.count != 1))
            return syncFail(SyncErrorCode::BadResponse, "the server's answer to a push is not valid");
        total += item.count;
        if (item.status == "applied") {
            tally.pushed += item.count;
        } else if (item.status == "duplicate") {
            tally.duplicates += item.count;
        } else if (item.status == "quarantined") {
            tally.problems.push_back(item);
        } else {
            return syncFail(SyncErrorCode::BadResponse, "the server's answer to a push is not valid");
        }
    }
    if (sent >= 0 && total != sent)
        return syncFail(SyncErrorCode::BadResponse,
                        fmt::format("the server answered for {} changes of a batch of {}; the batch stays queued",
                                    total, sent));
    return tally;
}

SyncError storageError(const storage::Error& e) {
    return SyncError{SyncErrorCode::Internal, "the sync spool could not be written: " + e.message, 0, {}};
}

}  // namespace

Result<int> spoolOutbox(storage::PersonalStore& store, const SpoolLimits& limits) {
    if (auto r = ensureDirs(store.dataDir()); !r) return std::unexpected(r.error());
    storage::Db& db = store.db();
    auto keyText = storage::readMeta(db, "server_public_key");
    if (!keyText) return std::unexpected(keyText.error());
    std::string serverKey;
    if (keyText->empty() || !storage::fromBase64(*keyText, serverKey))
        return storage::fail(storage::ErrorCode::NotFound, "this kiosk is not enrolled with a server yet");
    auto acked = storage::readMeta(db, "outbox_acked_seq");
    auto spooled = storage::readMeta(db, "outbox_spooled_seq");
    if (!acked || !spooled) return std::unexpected(!acked ? acked.error() : spooled.error());
    std::int64_t after = std::max(asNumber(*acked), asNumber(*spooled));
    int batches = 0;
    for (int round = 0; round < limits.maxRounds; ++round) {
        std::int64_t lastSeq = after;
        auto changes = readOutbox(db, after, limits.pushBatch, store.session().officeCode, lastSeq);
        if (!changes) return std::unexpected(changes.error());
        if (changes->empty()) break;
        std::vector<nlohmann::json> encoded;
        encoded.reserve(changes->size());
        for (const auto& c : *changes) encoded.push_back(encodeChange(c));
        const nlohmann::json batch = {{"batch", changes->front().id}, {"columns", encodeColumns(encoded)}};
        auto sealed = sealCompressed(batch.dump(), serverKey);
        if (!sealed) return std::unexpected(sealed.error());
        // File first, then the position: a crash in between re-spools the same
        // changes into the same file name, and the server deduplicates anyway.
        // The count in the name lets a locked kiosk show what waits without opening the batch.
        const fs::path file =
            spoolDir(store.dataDir()) / "outbox" / fmt::format("{:020}-{}.sealed", lastSeq, changes->size());
        if (auto r = storage::writeFileAtomically(file, *sealed); !r) return std::unexpected(r.error());
        auto saved = store.writeVoid([&](storage::RecordWriter&) { return storage::writeMeta(db, "outbox_spooled_seq", std::to_string(lastSeq)); });
        if (!saved) return std::unexpected(saved.error());
        after = lastSeq;
        ++batches;
    }
    return batches;
}

SyncResult<LockedSyncSummary> syncSpool(const storage::DataDir& dir, ServerChannel& channel, const SpoolLimits& limits,
                                        const SpoolProgressFn& onProgress) {
    if (auto r = ensureDirs(dir); !r) return std::unexpected(storageError(r.error()));
    LockedSyncSummary summary;
    const fs::path root = spoolDir(dir);
    const std::vector<fs::path> outbox = filesIn(root / "outbox", ".sealed");
    SpoolProgress progress;
    progress.batchesToSend = static_cast<int>(outbox.size());
    // False when the caller asked to stop.
    const auto report = [&] {
        progress.batchesSent = summary.batchesSent;
        progress.pushed = summary.pushed;
        progress.duplicates = summary.duplicates;
        progress.quarantined = summary.quarantined;
        progress.pagesReceived = summary.pagesReceived;
        return !onProgress || onProgress(progress);
    };
    if (!outbox.empty() && !report()) {
        summary.more = true;
        return summary;
    }
    for (const fs::path& file : outbox) {
        const OutboxName name = outboxName(file);
        auto results = channel.push(readText(file));
        if (!results) return std::unexpected(results.error());
        auto tally = tallyAnswer(*results, name.changes);
        if (!tally) return std::unexpected(tally.error());
        summary.pushed += tally->pushed;
        summary.duplicates += tally->duplicates;
        summary.quarantined += static_cast<int>(tally->problems.size());
        summary.problems.insert(summary.problems.end(), tally->problems.begin(), tally->problems.end());
        const std::int64_t lastSeq = name.lastSeq;
        if (lastSeq > readNumber(root / "acked_seq")) {
            if (auto r = storage::writeFileAtomically(root / "acked_seq", std::to_string(lastSeq)); !r)
                return std::unexpected(storageError(r.error()));
        }
        std::error_code ec;
        fs::remove(file, ec);
        ++summary.batchesSent;
        if (!report()) {
            summary.more = true;
            return summary;
        }
    }
    progress.receiving = true;
    if (!report()) {
        summary.more = true;
        return summary;
    }
    std::int64_t next = 1;
    if (auto pages = filesIn(root / "inbox", ".page"); !pages.empty()) next = asNumber(pages.back().stem().string()) + 1;
    for (int round = 0; round < limits.maxRounds; ++round) {
        const std::string cursor = readText(root / "cursor");
        auto page = channel.pull(cursor, limits.pullPage);
        if (!page && page.error().serverCode == "cursor_expired") {
            // The server's database was replaced: start over; merging is idempotent.
            std::error_code ec;
            fs::remove(root / "cursor", ec);
            continue;
        }
        if (!page) return std::unexpected(page.error());
        // The page (with its cursor) is durable before the cursor moves on.
        const std::string content = page->nextCursor + "\n" + page->sealed;
        if (auto r = storage::writeFileAtomically(root / "inbox" / fmt::format("{:020}.page", next++), content); !r)
            return std::unexpected(storageError(r.error()));
        if (auto r = storage::writeFileAtomically(root / "cursor", page->nextCursor); !r)
            return std::unexpected(storageError(r.error()));
        ++summary.pagesReceived;
        progress.morePages = page->more;
        const bool goOn = report();
        if (!page->more) return summary;
        if (!goOn) break;
    }
    summary.more = true;
    return summary;
}

SpoolCounts countSpool(const storage::DataDir& dir) {
    SpoolCounts counts;
    const fs::path root = spoolDir(dir);
    std::int64_t previous = readNumber(root / "acked_seq");
    for (const fs::path& file : filesIn(root / "outbox", ".sealed")) {
        const OutboxName name = outboxName(file);
        // A legacy name has no count: outbox seqs have no gaps, so the distance
        // to the previous batch is its size (at most).
        counts.pendingUp += name.changes >= 0 ? name.changes : std::max<std::int64_t>(0, name.lastSeq - previous);
        previous = std::max(previous, name.lastSeq);
        ++counts.outboxFiles;
    }
    counts.inboxPages = static_cast<int>(filesIn(root / "inbox", ".page").size());
    return counts;
}

Result<MergeSummary> mergeSpool(storage::PersonalStore& store) {
    if (auto r = ensureDirs(store.dataDir()); !r) return std::unexpected(r.error());
    MergeSummary summary;
    const fs::path root = spoolDir(store.dataDir());
    storage::Db& db = store.db();
    const std::int64_t ackedByServer = readNumber(root / "acked_seq");
    auto acked = storage::readMeta(db, "outbox_acked_seq");
    if (!acked) return std::unexpected(acked.error());
    if (ackedByServer > asNumber(*acked)) {
        auto saved = store.writeVoid([&](storage::RecordWriter& w) -> Result<void> {
            if (auto r = storage::writeMeta(db, "outbox_acked_seq", std::to_string(ackedByServer)); !r) return r;
            return w.audit("sync_push", "sync", "");
        });
        if (!saved) return std::unexpected(saved.error());
    }
    auto pub = storage::readMeta(db, "device_box_public");
    auto sec = storage::readMeta(db, "device_box_secret");
    if (!pub || !sec) return std::unexpected(!pub ? pub.error() : sec.error());
    std::string publicKey, secretText;
    if (!storage::fromBase64(*pub, publicKey) || !storage::fromBase64(*sec, secretText) || secretText.size() != 32) {
        if (filesIn(root / "inbox", ".page").empty()) return summary;
        return storage::fail(storage::ErrorCode::Damaged, "the device's sync key is missing; re-enroll the device");
    }
    storage::SecretBytes secretKey(32);
    std::copy(secretText.begin(), secretText.end(), secretKey.data());
    storage::wipeString(secretText);
    for (const fs::path& file : filesIn(root / "inbox", ".page")) {
        const std::string content = readText(file);
        const auto newline = content.find('\n');
        std::vector<ChangeRecord> changes;
        std::string cursor;
        if (newline != std::string::npos) {
            cursor = content.substr(0, newline);
            auto opened = openCompressed(std::string_view(content).substr(newline + 1), publicKey, secretKey);
            const auto body = opened ? nlohmann::json::parse(*opened, nullptr, false) : nlohmann::json();
            std::expected<std::vector<nlohmann::json>, CodecError> raws =
                std::unexpected(CodecError{"bad_request", "the page holds no change columns"});
            if (body.is_object() && body.contains("columns")) raws = splitColumns(body["columns"]);
            if (raws) {
                for (const auto& raw : *raws) {
                    auto c = decodeChange(raw);
                    if (c) changes.push_back(std::move(*c));
                    else ++summary.rejected;
                }
            } else {
                // A damaged page (disk corruption): pull everything again; merging is idempotent.
                ++summary.rejected;
                std::error_code ec;
                fs::remove(root / "cursor", ec);
                cursor.clear();
            }
        }
        ApplyReport report;
        auto merged = store.writeVoid([&](storage::RecordWriter& w) -> Result<void> {
            auto applied = applyRemoteChanges(store, changes);
            if (!applied) return std::unexpected(applied.error());
            report = std::move(*applied);
            // The cursor moves in the same transaction as the merged changes.
            if (!cursor.empty()) {
                if (auto r = storage::writeMeta(db, "pull_cursor", cursor); !r) return r;
            }
            return w.audit("sync_pull", "sync", "");
        });
        if (!merged) return std::unexpected(merged.error());
        std::error_code ec;
        fs::remove(file, ec);
        summary.pulled += static_cast<int>(changes.size());
        summary.applied += report.applied;
        summary.ignored += report.ignored;
        summary.rejected += static_cast<int>(report.rejected.size());
        summary.disabledStaff.insert(summary.disabledStaff.end(), report.disabledStaff.begin(), report.disabledStaff.end());
    }
    return summary;
}

}  // namespace chasqui::sync
