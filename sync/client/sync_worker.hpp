#pragma once
// The kiosk's background sync client: one thread that sends the sealed outbox
// and stores pulled pages (syncSpool), so it needs no key and runs while the
// personal-data store is locked. The loop (also in sync/PROTOCOL.md section 6):
//
//   no DIR/sync/device.json    NotEnrolled; looks again every `interval` and on requestSync()
//   a run                      Connecting (GET /v1/health: a captive portal is caught here),
//                              Sending (outbox batches), Receiving (pages into the inbox)
//   the run succeeded          Idle; backoff reset; the next run after `interval`
//                              (at once when the server had more pages than one run takes)
//   it failed                  WaitingToRetry; the next run after Backoff::next()
//                              (exponential, full jitter, capped)
//   Unauthorized               Idle with lastError and no automatic retry until requestSync()
//                              (the token is unknown: retrying alone will not fix it)
//   Revoked                    Revoked, for good: this worker never contacts the server again.
//                              It deletes nothing itself: the kiosk closes its open store and
//                              calls wipeRevokedDevice(), then shows that the device was revoked.
//
// requestSync() ("sync now") wakes the thread at once and resets the backoff.
//
// Threading: start(), stop() and the destructor belong to the owner (the kiosk's
// main thread) and must not run concurrently with each other. requestSync(),
// spoolChanged(), status() and setOnChange() are safe from any thread at any
// time. The connection factory and every connection it makes are used only on
// the worker thread. The Clock must be safe to read from the worker thread.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "storage/base/clock.hpp"
#include "storage/base/data_dir.hpp"
#include "sync/client/backoff.hpp"
#include "sync/client/catalog_pull.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/client/device_link.hpp"
#include "sync/client/server_channel.hpp"
#include "sync/client/spool.hpp"

namespace chasqui::sync {

// What the worker needs from a server: push and pull (ServerChannel), plus a
// reachability probe and byte counters that not every channel has.
class SyncConnection : public ServerChannel {
public:
    // GET /v1/health. CaptivePortal when something else answered. Default:
    // nothing to probe (an in-process server).
    virtual SyncResult<void> health() { return {}; }
    // On the wire since this connection was made.
    virtual std::uint64_t bytesSent() const { return 0; }
    virtual std::uint64_t bytesReceived() const { return 0; }
    // Where the public service catalog comes from; nullptr when this
    // connection has none (then the run does not pull the catalog).
    virtual CatalogChannel* catalog() { return nullptr; }
};

// Makes a fresh connection for each run from the enrollment's URL and token.
// Returning nullptr counts as an Internal error.
using ConnectionFactory = std::function<std::unique_ptr<SyncConnection>(const DeviceLink&)>;

// Production: a CurlTransport and an HttpServerChannel per run. No exchange
// of a run lasts past `runTime` after the run began (CurlOptions::deadline):
// keep it equal to SyncWorkerOptions::limits.maxRunTime.
ConnectionFactory httpConnectionFactory(CurlOptions options = {},
                                        std::chrono::milliseconds runTime = SpoolLimits{}.maxRunTime);

enum class SyncState { NotEnrolled, Idle, Connecting, Sending, Receiving, WaitingToRetry, Revoked, Stopped };
enum class Connectivity { Unknown, Online, Offline, CaptivePortal };

const char* syncStateName(SyncState state);
const char* connectivityName(Connectivity connectivity);

// A snapshot for the kiosk's sync panel. Times are the Clock's Unix ms; 0 = never / none.
struct SyncStatus {
    SyncState state = SyncState::Stopped;
    Connectivity connectivity = Connectivity::Unknown;
    std::int64_t lastSuccessMs = 0;
    std::int64_t lastAttemptMs = 0;
    std::int64_t nextAttemptMs = 0;  // 0: none planned (running, NotEnrolled, Unauthorized, Revoked, Stopped)
    int failedAttempts = 0;          // in a row since the last success

    std::int64_t pendingUp = 0;  // changes in spooled outbox files not yet sent (sync/client/pending_changes.hpp)
    int pendingDownPages = 0;    // pages received, merged at the next sign-in

    // The current run, or the last one.
    std::uint64_t bytesUp = 0;
    std::uint64_t bytesDown = 0;
    // 0..1 within the state: Sending = batches sent / batches to send; Receiving
    // = pages / (pages + 1) while the server says more follow, 1 at the last
    // page (the number of pages is not known in advance).
    float progress = 0.0f;
    int batchesToSend = 0;
    int batchesSent = 0;
    int pushed = 0;
    int duplicates = 0;
    int quarantined = 0;  // refused one by one by the server; the rest went through
    int pagesReceived = 0;

    // The last failure in plain words for a supervisor; cleared by a success.
    std::optional<SyncErrorCode> lastError;
    std::string lastErrorMessage;

    bool operator==(const SyncStatus&) const = default;
};

struct SyncWorkerOptions {
    std::chrono::milliseconds interval = std::chrono::minutes(5);  // between successful runs
    std::chrono::milliseconds backoffBase = std::chrono::seconds(2);
    std::chrono::milliseconds backoffCap = std::chrono::minutes(10);
    std::uint64_t backoffSeed = Backoff::randomSeed();  // fixed in tests
    SpoolLimits limits = {};
};

class SyncWorker {
public:
    SyncWorker(storage::DataDir dir, ConnectionFactory factory, const storage::Clock& clock,
               SyncWorkerOptions options = {});
    ~SyncWorker();  // stop()
    SyncWorker(const SyncWorker&) = delete;
    SyncWorker& operator=(const SyncWorker&) = delete;

    // Starts the thread, which runs at once (no-op while running). May follow stop().
    void start();
    // Wakes and joins the thread; the state becomes Stopped. Returns at once
    // from any wait, and between batches and pages of a run; an exchange in
    // flight is finished first (bounded by the transport's timeouts).
    void stop();
    // "Sync now": a run at once and the backoff reset. A request during a run
    // causes one more run right after it. Ignored once Revoked.
    void requestSync();
    // After spoolOutbox() or mergeSpool(): the worker recounts pendingUp and
    // pendingDownPages without syncing.
    void spoolChanged();

    SyncStatus status() const;
    // Called on the worker thread after each change of the status, never with
    // the worker's lock held (so it may call status()). Keep it cheap (the
    // kiosk posts an empty GLFW event). A callback replaced while a
    // notification is in flight may be called once more.
    void setOnChange(std::function<void()> onChange);

private:
    enum class WaitKind { Delay, ForRequest, UntilStopped };
    struct Next {
        WaitKind kind = WaitKind::Delay;
        std::chrono::milliseconds delay{0};
    };

    void run();
    Next safeAttempt(Backoff& backoff);  // attempt(), with any exception made a failed run
    Next attempt(Backoff& backoff);
    void recordCrash(const char* what) noexcept;
    Next finish(const SyncResult<LockedSyncSummary>& result, const SyncConnection* connection, Backoff& backoff);
    bool waitForNext(const Next& next);  // false when stopping
    bool stopping() const;
    void raise(bool& flag);  // sets one of the flags below and wakes the thread
    void recount();
    void update(const std::function<void(SyncStatus&)>& change);

    const storage::DataDir m_dir;
    const ConnectionFactory m_factory;
    const storage::Clock& m_clock;
    const SyncWorkerOptions m_options;

    mutable std::mutex m_mutex;  // guards everything below
    std::condition_variable m_wake;
    SyncStatus m_status;
    std::function<void()> m_onChange;
    bool m_stopping = false;
    bool m_requested = false;
    bool m_recount = false;

    std::thread m_thread;  // last: started after everything above exists
};

}  // namespace chasqui::sync
