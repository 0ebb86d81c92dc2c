#include "sync/client/spool.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <optional>
#include <span>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/db/meta_table.hpp"
#include "storage/keys/key_wrap.hpp"
#include "sync/client/change_applier.hpp"
#include "sync/client/clock_ahead.hpp"
#include "sync/client/device_keys.hpp"
#include "sync/client/push_pipeline.hpp"
#include "sync/client/spool_files.hpp"
#include "sync/protocol/batch_signature.hpp"
#include "sync/protocol/change_codec.hpp"
#include "sync/protocol/protocol_limits.hpp"
#include "sync/protocol/sealed_box.hpp"

namespace chasqui::sync {

namespace fs = std::filesystem;
using storage::Result;

namespace {

constexpr std::string_view kSpoolFailed = "the sync spool could not be written: ";

fs::path spoolDir(const storage::DataDir& dir) {
    return dir.root / "sync";
}

Result<void> ensureDirs(const storage::DataDir& dir) {
    std::error_code ec;
    for (const char* sub : {"outbox", "inbox"}) {
        fs::create_directories(spoolDir(dir) / sub, ec);
        if (ec)
            return storage::fail(storage::ErrorCode::Io, fmt::format("cannot create the sync spool: {}", ec.message()));
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

// Outbox files in seq order: signed batches, and unsigned ones left by a
// kiosk from before batches were signed (the server refuses those).
constexpr const char* kSignedBatch = ".signed";
constexpr const char* kUnsignedBatch = ".sealed";

std::vector<fs::path> outboxFiles(const fs::path& folder) {
    std::vector<fs::path> out = filesIn(folder, kSignedBatch);
    std::vector<fs::path> unsignedFiles = filesIn(folder, kUnsignedBatch);
    out.insert(out.end(), unsignedFiles.begin(), unsignedFiles.end());
    std::sort(out.begin(), out.end());
    return out;
}

std::string readText(const fs::path& path) {
    auto text = storage::readSmallFile(path, 64 * 1024 * 1024);
    return text ? *text : std::string();
}

// The spool's files are untrusted (sync/client/spool_files.hpp): a value that is
// not a number reads as 0, as a missing file does.
std::int64_t readNumber(const fs::path& path) {
    return parseSpoolNumber(readText(path)).value_or(0);
}

std::int64_t asNumber(const std::string& text) {
    return text.ends_with('\n') ? 0 : parseSpoolNumber(text).value_or(0);
}

OutboxName outboxName(const fs::path& file) {
    return parseOutboxName(file.stem().string()).value_or(OutboxName{});
}

// Bytes of the pages waiting in the inbox for a sign-in.
std::uint64_t inboxBytes(const fs::path& folder) {
    std::uint64_t total = 0;
    for (const fs::path& page : filesIn(folder, ".page")) {
        std::error_code ec;
        const auto size = fs::file_size(page, ec);
        if (!ec) total += size;
    }
    return total;
}

// True when every outbox file is a batch this device signed and nothing in it changed.
bool outboxAllSigned(const fs::path& folder, const std::string& deviceId, const std::string& signingPublic) {
    for (const fs::path& file : outboxFiles(folder)) {
        if (file.extension() != kSignedBatch || !verifySignedBatch(readText(file), deviceId, signingPublic))
            return false;
    }
    return true;
}

// Both sorted (OutboxBatch::records).
bool sharesRecord(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    auto i = a.begin();
    auto j = b.begin();
    while (i != a.end() && j != b.end()) {
        if (*i == *j) return true;
        if (*i < *j) {
            ++i;
        } else {
            ++j;
        }
    }
    return false;
}

// Every answer carries the server's time; a TrustedClock keeps it.
void learnServerTime(const ServerChannel& channel, const SpoolLimits& limits) {
    if (limits.clock != nullptr && channel.serverTimeMs() > 0) limits.clock->observeServerTime(channel.serverTimeMs());
}

// Why the pull loop must stop now, if it must (SpoolLimits' budgets).
std::optional<SyncError> overBudget(const SpoolLimits& limits, std::chrono::steady_clock::time_point started,
                                    std::uint64_t received, std::uint64_t waiting) {
    constexpr double kMiB = 1024.0 * 1024.0;
    if (std::chrono::steady_clock::now() - started >= limits.maxRunTime)
        return syncError(SyncErrorCode::Timeout,
                         fmt::format("The server was still sending after {} s, this sync's limit; the pages that "
                                     "arrived are kept and the next sync goes on from there.",
                                     std::chrono::duration_cast<std::chrono::seconds>(limits.maxRunTime).count()));
    if (received >= limits.maxRunPullBytes)
        return syncError(SyncErrorCode::TooLarge,
                         fmt::format("The server sent {:.1f} MiB of pages in one sync, this sync's limit; they are "
                                     "kept and the next sync goes on from there. If this repeats, tell an "
                                     "administrator.",
                                     static_cast<double>(received) / kMiB));
    if (waiting >= limits.maxInboxBytes)
        return syncError(SyncErrorCode::TooLarge,
                         fmt::format("{:.1f} MiB of received pages wait to be merged, the most this kiosk keeps; a "
                                     "staff member signing in merges them, then sync goes on.",
                                     static_cast<double>(waiting) / kMiB));
    return std::nullopt;
}

}  // namespace

void OutboxFeed::sealed() {
    {
        std::lock_guard lock(m_mutex);
        ++m_sealed;
    }
    m_changed.notify_all();
}

void OutboxFeed::poke() {
    { std::lock_guard lock(m_mutex); }  // a waiter is either before its check or waiting
    m_changed.notify_all();
}

void OutboxFeed::finished() {
    {
        std::lock_guard lock(m_mutex);
        m_finished = true;
    }
    m_changed.notify_all();
}

bool OutboxFeed::waitForMore(const std::function<bool()>& unless) {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_sealed != m_seen || m_finished || (unless && unless()); });
    if (m_sealed == m_seen) return false;
    m_seen = m_sealed;
    return true;
}

Result<int> spoolOutbox(storage::PersonalStore& store, const SpoolLimits& limits,
                        const std::function<void()>& onBatchSealed) {
    if (auto r = ensureDirs(store.dataDir()); !r) return std::unexpected(r.error());
    // Nothing stamped by a clock that ran ahead is sealed as it is.
    if (auto r = restampAheadChanges(store); !r) return std::unexpected(r.error());
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
    auto keys = deviceKeys(store);
    if (!keys) return std::unexpected(keys.error());
    const std::string& deviceId = store.session().deviceId;
    const fs::path outbox = spoolDir(store.dataDir()) / "outbox";
    // A file the server would refuse (unsigned, from before batches were
    // signed, or damaged) would block the queue for good: the outbox is sealed
    // again from the acknowledged position instead. Nothing is lost: every
    // change after that position is still in the store. The position moves
    // back first, so a crash before the files are written again redoes this.
    if (!outboxAllSigned(outbox, deviceId, keys->signingPublic)) {
        after = asNumber(*acked);
        auto reset = store.writeVoid([&](storage::RecordWriter&) {
            return storage::writeMeta(db, "outbox_spooled_seq", std::to_string(after));
        });
        if (!reset) return std::unexpected(reset.error());
        for (const fs::path& file : outboxFiles(outbox)) {
            std::error_code ec;
            fs::remove(file, ec);
            if (ec)
                return storage::fail(storage::ErrorCode::Io,
                                     fmt::format("cannot replace an unsigned outbox file: {}", ec.message()));
        }
    }
    int batches = 0;
    // The batches sealed just before, in this call, newest last: as many as
    // may be under way beside the next one.
    struct Sealed {
        std::int64_t lastSeq;
        std::vector<std::string> records;
    };
    std::deque<Sealed> recent;
    for (int round = 0; round < limits.maxRounds; ++round) {
        // Stored changes were validated when written; a byte that is not UTF-8
        // or JSON that does not parse here means the file was damaged.
        auto batch = readOutboxBatch(db, after, limits.pushBatch, store.session().officeCode, limits.batchLookahead);
        if (!batch) return std::unexpected(batch.error());
        if (batch->changes == 0) break;
        const std::string& text = batch->text;
        const std::int64_t lastSeq = batch->lastSeq;
        // Either fails only for a key of the wrong size: the store holds a damaged key.
        auto sealed = sealCompressed(text, serverKey);
        if (!sealed)
            return storage::fail(storage::ErrorCode::Damaged, "the server's key kept by this kiosk is damaged (" +
                                                                  sealed.error().message + "); enroll it again");
        auto body = signBatch(*sealed, deviceId, keys->signingSecret);
        if (!body)
            return storage::fail(storage::ErrorCode::Damaged,
                                 "this kiosk's signing key is damaged (" + body.error().message + "); enroll it again");
        // File first, then the position: a crash in between re-spools the same
        // changes under the same number, and the server deduplicates anyway.
        // The count in the name lets a locked kiosk show what waits without
        // opening the batch; the last part names the oldest of the batches
        // sealed right before it that it shares no record with, nor with any
        // after that one, so it may be pushed while they are.
        std::string name = fmt::format("{:020}-{}", lastSeq, batch->changes);
        std::int64_t independentOf = -1;
        for (auto it = recent.rbegin(); it != recent.rend() && !sharesRecord(it->records, batch->records); ++it)
            independentOf = it->lastSeq;
        if (independentOf >= 0) name += fmt::format("-{:020}", independentOf);
        const fs::path file = outbox / (name + kSignedBatch);
        if (round == 0) {
            // What such a crash left under another name for the same changes.
            for (const fs::path& old : outboxFiles(outbox)) {
                std::error_code ec;
                if (old != file && outboxName(old).lastSeq == lastSeq) fs::remove(old, ec);
            }
        }
        if (auto r = storage::writeFileAtomically(file, *body); !r) return std::unexpected(r.error());
        auto saved = store.writeVoid([&](storage::RecordWriter&) {
            return storage::writeMeta(db, "outbox_spooled_seq", std::to_string(lastSeq));
        });
        if (!saved) return std::unexpected(saved.error());
        after = lastSeq;
        recent.push_back({lastSeq, std::move(batch->records)});
        if (recent.size() >= kMaxPushesInFlight) recent.pop_front();
        ++batches;
        if (onBatchSealed) onBatchSealed();
    }
    return batches;
}

SyncResult<LockedSyncSummary> syncSpool(const storage::DataDir& dir, ServerChannel& channel, const SpoolLimits& limits,
                                        const SpoolProgressFn& onProgress, OutboxFeed* feed) {
    if (auto r = ensureDirs(dir); !r) return std::unexpected(fromStorage(r.error(), kSpoolFailed));
    LockedSyncSummary summary;
    const fs::path root = spoolDir(dir);
    // The batches to send now, in seq order, after the last one handled. An
    // unsigned file (from before batches were signed) would be refused: it
    // and everything after it wait for the next sign-in, which seals them
    // again (spoolOutbox). Sending past it would acknowledge its changes.
    std::int64_t handledUpTo = -1;
    bool blocked = false;
    const auto toSend = [&] {
        std::vector<fs::path> files = outboxFiles(root / "outbox");
        std::erase_if(files, [&](const fs::path& f) { return outboxName(f).lastSeq <= handledUpTo; });
        const auto firstUnsigned =
            std::find_if(files.begin(), files.end(), [](const fs::path& f) { return f.extension() == kUnsignedBatch; });
        blocked = firstUnsigned != files.end();
        files.erase(firstUnsigned, files.end());
        return files;
    };
    std::vector<fs::path> outbox = toSend();
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
    // Without a feed, the files found at the start; with one, also those sealed
    // meanwhile, until the sealing side has finished. A batch may go while the
    // ones before it are still under way (PushPipeline says when); answers are
    // handled oldest first.
    PushPipeline pushes(channel, [feed] {
        if (feed != nullptr) feed->poke();
    });
    bool sending = true;
    const auto startWhatMay = [&] {
        while (sending && !outbox.empty() && pushes.mayStart(outboxName(outbox.front()))) {
            const fs::path file = outbox.front();
            outbox.erase(outbox.begin());
            const OutboxName name = outboxName(file);
            handledUpTo = std::max(handledUpTo, name.lastSeq);
            // Gone when a sign-in sealed the outbox again meanwhile: the next
            // run sends the new files; what is under way is still answered.
            auto body = storage::readSmallFile(file, 64 * 1024 * 1024);
            if (!body) {
                sending = false;
                return;
            }
            pushes.start(file, name, std::move(*body));
        }
    };
    while (true) {
        startWhatMay();
        // While batches are still being sealed: whichever comes first, the
        // oldest push's answer or a new batch to send.
        if (sending && outbox.empty() && feed != nullptr && !blocked &&
            feed->waitForMore([&] { return pushes.oldestArrived(); })) {
            outbox = toSend();
            progress.batchesToSend = summary.batchesSent + static_cast<int>(pushes.size() + outbox.size());
            continue;
        }
        if (pushes.empty()) break;
        PushPipeline::Answer answer = pushes.takeOldest();
        learnServerTime(*answer.via, limits);
        if (!answer.items) return std::unexpected(answer.items.error());
        auto tally = tallyAnswer(*answer.items, answer.name.changes);
        if (!tally) return std::unexpected(tally.error());
        // The next push is under way before this answer's files are written,
        // and only once the answer is good: a batch that shares a record with
        // this one must never reach the server if this one did not.
        startWhatMay();
        // Refused for a clock that ran ahead: kept to be stamped again at the
        // next sign-in (sync/client/clock_ahead.hpp). The batch is acknowledged only
        // once these ids are safe on disk.
        if (auto r = noteClockAhead(dir, tally->problems); !r)
            return std::unexpected(fromStorage(r.error(), kSpoolFailed));
        summary.pushed += tally->pushed;
        summary.duplicates += tally->duplicates;
        summary.quarantined += static_cast<int>(tally->problems.size());
        summary.problems.insert(summary.problems.end(), tally->problems.begin(), tally->problems.end());
        const std::int64_t lastSeq = answer.name.lastSeq;
        if (lastSeq > readNumber(root / "acked_seq")) {
            if (auto r = storage::writeFileAtomically(root / "acked_seq", std::to_string(lastSeq)); !r)
                return std::unexpected(fromStorage(r.error(), kSpoolFailed));
        }
        std::error_code ec;
        fs::remove(answer.file, ec);
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
    if (auto pages = filesIn(root / "inbox", ".page"); !pages.empty())
        next = asNumber(pages.back().stem().string()) + 1;
    // A server that sends pages with "more" for ever, or slowly, must neither
    // fill the disk nor hold the kiosk: what one run may take is bounded, and
    // so is what waits for a sign-in (pages are only removed once merged).
    const auto started = std::chrono::steady_clock::now();
    std::uint64_t waiting = inboxBytes(root / "inbox");
    std::uint64_t received = 0;
    for (int round = 0; round < limits.maxRounds; ++round) {
        if (auto over = overBudget(limits, started, received, waiting)) return std::unexpected(*over);
        std::string cursor = readText(root / "cursor");
        if (!cursor.empty() && !isCursor(cursor)) cursor.clear();  // damaged: start over; merging is idempotent
        auto page = channel.pull(cursor, limits.pullPage);
        learnServerTime(channel, limits);
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
            return std::unexpected(fromStorage(r.error(), kSpoolFailed));
        if (auto r = storage::writeFileAtomically(root / "cursor", page->nextCursor); !r)
            return std::unexpected(fromStorage(r.error(), kSpoolFailed));
        received += content.size();
        waiting += content.size();
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
    for (const fs::path& file : outboxFiles(root / "outbox")) {
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

namespace {

struct DecodedPage {
    std::string cursor;
    std::vector<ChangeRecord> changes;
    int undecodable = 0;  // changes that are not valid change records (each refused alone)
};

// Empty when the page is damaged as a whole: no cursor line, a seal that does
// not open, or no change columns.
std::optional<DecodedPage> decodePage(const std::string& content, const std::string& publicKey,
                                      const storage::SecretBytes& secretKey) {
    const auto page = parseInboxPage(content);
    if (!page) return std::nullopt;
    auto opened = openCompressed(page->sealed, publicKey, secretKey);
    if (!opened) return std::nullopt;
    auto body = nlohmann::json::parse(*opened, nullptr, false);
    if (!body.is_object() || !body.contains("columns")) return std::nullopt;
    // The DOM is not needed after decoding: its values move into the change records.
    auto raws = splitColumns(std::move(body["columns"]));
    if (!raws) return std::nullopt;
    DecodedPage out;
    out.cursor = page->cursor;
    out.changes.reserve(raws->size());
    for (auto& raw : *raws) {
        auto c = decodeChange(std::move(raw));
        if (c)
            out.changes.push_back(std::move(*c));
        else
            ++out.undecodable;
    }
    return out;
}

// One page in one transaction with its cursor. When the store refuses the
// page for anything but a full or failing disk (a change it cannot hold),
// each change is merged alone and the ones it refuses are counted: one bad
// change must not stop every later sync.
Result<ApplyReport> mergePage(storage::PersonalStore& store, const DecodedPage& page) {
    storage::Db& db = store.db();
    const auto mergeSome = [&](const std::vector<ChangeRecord>& changes, bool saveCursor) -> Result<ApplyReport> {
        ApplyReport report;
        auto merged = store.writeVoid([&](storage::RecordWriter& w) -> Result<void> {
            auto applied = applyRemoteChanges(store, changes);
            if (!applied) return std::unexpected(applied.error());
            report = std::move(*applied);
            // The cursor moves in the same transaction as the merged changes.
            if (saveCursor) {
                if (auto r = storage::writeMeta(db, "pull_cursor", page.cursor); !r) return r;
            }
            return w.audit("sync_pull", "sync", "");
        });
        if (!merged) return std::unexpected(merged.error());
        return report;
    };
    auto whole = mergeSome(page.changes, true);
    if (whole || whole.error().code == storage::ErrorCode::Io) return whole;
    ApplyReport total;
    for (const ChangeRecord& c : page.changes) {
        auto one = mergeSome({c}, false);
        if (!one) {
            if (one.error().code == storage::ErrorCode::Io) return one;
            total.rejected.push_back({c.id, syncError(SyncErrorCode::NotMerged, one.error().message)});
            continue;
        }
        total.applied += one->applied;
        total.ignored += one->ignored;
        total.rejected.insert(total.rejected.end(), one->rejected.begin(), one->rejected.end());
        total.disabledStaff.insert(total.disabledStaff.end(), one->disabledStaff.begin(), one->disabledStaff.end());
    }
    auto cursorSaved = mergeSome({}, true);
    if (!cursorSaved) return std::unexpected(cursorSaved.error());
    return total;
}

// Drops `pages` and points the sync thread back at the last merged cursor.
Result<void> repullFrom(storage::PersonalStore& store, const fs::path& root, std::span<const fs::path> pages) {
    auto merged = storage::readMeta(store.db(), "pull_cursor");
    if (!merged) return std::unexpected(merged.error());
    std::error_code ec;
    for (const fs::path& page : pages) fs::remove(page, ec);
    if (merged->empty()) {
        fs::remove(root / "cursor", ec);
        return {};
    }
    return storage::writeFileAtomically(root / "cursor", *merged);
}

}  // namespace

Result<MergeSummary> mergeSpool(storage::PersonalStore& store, const MergeOptions& options) {
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
    // What a clock running ahead stamped gets new stamps before anything else is written.
    auto restamped = restampAheadChanges(store);
    if (!restamped) return std::unexpected(restamped.error());
    summary.restamped = restamped->restamped;
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
    const std::vector<fs::path> pages = filesIn(root / "inbox", ".page");
    for (std::size_t i = 0; i < pages.size(); ++i) {
        const fs::path& file = pages[i];
        auto decoded = decodePage(readText(file), publicKey, secretKey);
        if (!decoded) {
            // While the sync thread still pulls, the cursor file is its own:
            // the page waits for a merge after that run.
            if (!options.repullDamaged) {
                summary.stoppedAtDamaged = true;
                break;
            }
            // A damaged page (disk corruption, a cut write): it and the pages
            // after it are dropped and pulled again from the last position
            // merged, so nothing is skipped and the next sync is not blocked.
            ++summary.rejected;
            ++summary.pagesDropped;
            if (auto r = repullFrom(store, root, std::span(pages).subspan(i)); !r) return std::unexpected(r.error());
            break;
        }
        auto merged = mergePage(store, *decoded);
        if (!merged) return std::unexpected(merged.error());
        std::error_code ec;
        fs::remove(file, ec);
        summary.pulled += static_cast<int>(decoded->changes.size());
        summary.rejected += decoded->undecodable;
        summary.applied += merged->applied;
        summary.ignored += merged->ignored;
        summary.rejected += static_cast<int>(merged->rejected.size());
        summary.disabledStaff.insert(summary.disabledStaff.end(), merged->disabledStaff.begin(),
                                     merged->disabledStaff.end());
    }
    return summary;
}

}  // namespace chasqui::sync
