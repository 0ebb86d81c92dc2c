#include "sync/client/sync_worker.hpp"

#include <exception>
#include <iterator>
#include <utility>

#include "sync/client/http_server_channel.hpp"
#include "sync/client/pending_changes.hpp"

namespace chasqui::sync {

namespace {

using std::chrono::milliseconds;

// In the order of the enums.
constexpr const char* kStateNames[] = {"not_enrolled",     "idle",    "connecting", "sending", "receiving",
                                       "waiting_to_retry", "revoked", "stopped"};
constexpr const char* kConnectivityNames[] = {"unknown", "online", "offline", "captive_portal"};

// CurlTransport and HttpServerChannel together, as one connection per run.
class HttpConnection final : public SyncConnection {
public:
    HttpConnection(const CurlOptions& options, const DeviceLink& link)
        : m_transport(options), m_channel(m_transport, link.serverUrl, link.deviceToken) {}

    SyncResult<void> health() override {
        auto info = m_channel.health();
        if (!info) return std::unexpected(info.error());
        return {};
    }
    SyncResult<std::vector<PushItem>> push(const std::string& sealedBatch) override {
        return m_channel.push(sealedBatch);
    }
    SyncResult<PulledPage> pull(const std::string& cursor, std::size_t limit) override {
        return m_channel.pull(cursor, limit);
    }
    std::uint64_t bytesSent() const override { return m_channel.bytesSent(); }
    std::uint64_t bytesReceived() const override { return m_channel.bytesReceived(); }
    std::int64_t serverTimeMs() const override { return m_channel.serverTimeMs(); }
    std::unique_ptr<ServerChannel> companion() override { return m_channel.companion(); }
    CatalogChannel* catalog() override { return &m_channel; }

private:
    CurlTransport m_transport;  // before m_channel, which holds a reference to it
    HttpServerChannel m_channel;
};

// What an error says about the link; nullopt when it says nothing (a local failure).
std::optional<Connectivity> connectivityAfter(SyncErrorCode code) {
    switch (code) {
        case SyncErrorCode::Offline:
        case SyncErrorCode::Timeout:
            return Connectivity::Offline;
        case SyncErrorCode::CaptivePortal:
            return Connectivity::CaptivePortal;
        case SyncErrorCode::HttpError:
        case SyncErrorCode::Unauthorized:
        case SyncErrorCode::Revoked:
        case SyncErrorCode::BadResponse:
        case SyncErrorCode::TooLarge:
        // Codes a server makes (the kiosk reads them as HttpError with the
        // server's code); if one reached here, a server answered.
        case SyncErrorCode::BadSignature:
        case SyncErrorCode::EnrollCodeInvalid:
        case SyncErrorCode::AlreadyEnrolled:
        case SyncErrorCode::BadRequest:
        case SyncErrorCode::InvalidUtf8:
        case SyncErrorCode::NotFound:
        case SyncErrorCode::CursorExpired:
        case SyncErrorCode::UnsupportedProtocol:
        case SyncErrorCode::RequestTimeout:
        case SyncErrorCode::Busy:
            return Connectivity::Online;
        // Something answered but could not be trusted: not proof either way.
        case SyncErrorCode::TlsFailure:
        case SyncErrorCode::PinMismatch:
            return Connectivity::Unknown;
        // One change refused, or this machine failed.
        case SyncErrorCode::UnknownEntity:
        case SyncErrorCode::UnknownField:
        case SyncErrorCode::WrongDevice:
        case SyncErrorCode::OutOfScope:
        case SyncErrorCode::ClockAhead:
        case SyncErrorCode::IdReused:
        case SyncErrorCode::AppendOnly:
        case SyncErrorCode::UniqueViolation:
        case SyncErrorCode::NotMerged:
        case SyncErrorCode::PermissionDenied:
        case SyncErrorCode::WrongOffice:
        case SyncErrorCode::Internal:
            return std::nullopt;
    }
    return std::nullopt;
}

void setCounts(SyncStatus& s, const SpoolCounts& counts) {
    s.pendingUp = pendingWhileLocked(counts).total();
    s.pendingDownPages = counts.inboxPages;
}

float fraction(int done, int total) {
    return total > 0 ? static_cast<float>(done) / static_cast<float>(total) : 1.0f;
}

}  // namespace

ConnectionFactory httpConnectionFactory(CurlOptions options, std::chrono::milliseconds runTime) {
    return [options = std::move(options), runTime](const DeviceLink& link) -> std::unique_ptr<SyncConnection> {
        // One connection per run: no exchange of the run outlasts the run's budget.
        CurlOptions forRun = options;
        forRun.deadline = std::chrono::steady_clock::now() + runTime;
        return std::make_unique<HttpConnection>(forRun, link);
    };
}

const char* syncStateName(SyncState state) {
    const auto index = static_cast<std::size_t>(state);
    return index < std::size(kStateNames) ? kStateNames[index] : "stopped";
}

const char* connectivityName(Connectivity connectivity) {
    const auto index = static_cast<std::size_t>(connectivity);
    return index < std::size(kConnectivityNames) ? kConnectivityNames[index] : "unknown";
}

SyncWorker::SyncWorker(storage::DataDir dir, ConnectionFactory factory, const storage::Clock& clock,
                       SyncWorkerOptions options)
    : m_dir(std::move(dir)), m_factory(std::move(factory)), m_clock(clock), m_options(options) {}

SyncWorker::~SyncWorker() {
    stop();
}

void SyncWorker::start() {
    if (m_thread.joinable()) return;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = false;
    }
    m_thread = std::thread(&SyncWorker::run, this);
}

void SyncWorker::stop() {
    raise(m_stopping);
    if (m_thread.joinable()) m_thread.join();
}

void SyncWorker::requestSync() {
    raise(m_requested);
}

void SyncWorker::spoolChanged() {
    raise(m_recount);
}

void SyncWorker::raise(bool& flag) {
    {
        std::lock_guard lock(m_mutex);
        flag = true;
    }
    m_wake.notify_all();
}

SyncStatus SyncWorker::status() const {
    std::lock_guard lock(m_mutex);
    return m_status;
}

void SyncWorker::setOnChange(std::function<void()> onChange) {
    std::lock_guard lock(m_mutex);
    m_onChange = std::move(onChange);
}

bool SyncWorker::stopping() const {
    std::lock_guard lock(m_mutex);
    return m_stopping;
}

void SyncWorker::update(const std::function<void(SyncStatus&)>& change) {
    std::function<void()> notify;
    {
        std::lock_guard lock(m_mutex);
        const SyncStatus before = m_status;
        change(m_status);
        if (m_status == before) return;
        notify = m_onChange;
    }
    // Outside the lock: the callback may call status(). A throwing callback
    // must not end the worker thread (std::terminate); it only misses a wake-up.
    if (notify) {
        try {
            notify();
        } catch (...) {
        }
    }
}

void SyncWorker::recount() {
    const SpoolCounts counts = countSpool(m_dir);
    update([&](SyncStatus& s) { setCounts(s, counts); });
}

void SyncWorker::run() {
    // Owned by this thread alone (Backoff is not thread-safe); requestSync()
    // asks for the reset through m_requested.
    Backoff backoff(m_options.backoffBase, m_options.backoffCap, m_options.backoffSeed);
    for (;;) {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping) break;
            if (m_requested) backoff.reset();
            m_requested = false;
            m_recount = false;  // the attempt counts anyway
        }
        if (!waitForNext(safeAttempt(backoff))) break;
    }
    update([](SyncStatus& s) {
        s.state = SyncState::Stopped;
        s.nextAttemptMs = 0;
    });
}

bool SyncWorker::waitForNext(const Next& next) {
    const auto due = std::chrono::steady_clock::now() + next.delay;
    std::unique_lock lock(m_mutex);
    for (;;) {
        const auto woken = [&] {
            return m_stopping || m_recount || (next.kind != WaitKind::UntilStopped && m_requested);
        };
        if (next.kind == WaitKind::Delay) {
            if (!m_wake.wait_until(lock, due, woken)) return true;  // due
        } else {
            m_wake.wait(lock, woken);
        }
        if (m_stopping) return false;
        if (!m_recount) return true;  // requested
        m_recount = false;
        lock.unlock();
        recount();
        lock.lock();
    }
}

SyncWorker::Next SyncWorker::safeAttempt(Backoff& backoff) {
    // Nothing may leave the thread as an exception: whatever attempt() did
    // not catch itself (a bad_alloc while counting the spool, a library
    // throwing in the status update) is one failed run, retried with backoff.
    try {
        return attempt(backoff);
    } catch (const std::exception& e) {
        recordCrash(e.what());
    } catch (...) {
        recordCrash("unknown error");
    }
    return {WaitKind::Delay, backoff.next()};
}

void SyncWorker::recordCrash(const char* what) noexcept {
    try {
        update([&](SyncStatus& s) {
            s.state = SyncState::WaitingToRetry;
            s.lastError = SyncErrorCode::Internal;
            s.lastErrorMessage = std::string("the sync stopped on an unexpected error: ") + what;
            ++s.failedAttempts;
        });
    } catch (...) {
    }
}

SyncWorker::Next SyncWorker::attempt(Backoff& backoff) {
    const SpoolCounts counts = countSpool(m_dir);
    auto link = loadDeviceLink(m_dir);
    if (!link) {
        // Not enrolled yet (or device.json is damaged): nothing to contact.
        const bool damaged = link.error().code != storage::ErrorCode::NotFound;
        update([&](SyncStatus& s) {
            s.state = SyncState::NotEnrolled;
            s.nextAttemptMs = 0;
            setCounts(s, counts);
            if (damaged) {
                s.lastError = SyncErrorCode::Internal;
                s.lastErrorMessage = link.error().message;
            }
        });
        return {WaitKind::Delay, m_options.interval};
    }
    update([&](SyncStatus& s) {
        s.state = SyncState::Connecting;
        s.lastAttemptMs = m_clock.nowMs();
        s.nextAttemptMs = 0;
        s.bytesUp = s.bytesDown = 0;
        s.progress = 0.0f;
        s.batchesToSend = counts.outboxFiles;
        s.batchesSent = s.pushed = s.duplicates = s.quarantined = s.pagesReceived = 0;
        setCounts(s, counts);
    });
    std::unique_ptr<SyncConnection> connection;
    const SyncResult<LockedSyncSummary> result = [&]() -> SyncResult<LockedSyncSummary> {
        // An exception must not end the thread (std::terminate): it is one failed run.
        try {
            connection = m_factory(*link);
            if (!connection)
                return syncFail(SyncErrorCode::Internal, "the sync connection could not be set up; please report this");
            if (auto healthy = connection->health(); !healthy) return std::unexpected(healthy.error());
            update([](SyncStatus& s) { s.connectivity = Connectivity::Online; });
            // The kiosk's TrustedClock learns the server's time from every answer.
            SpoolLimits limits = m_options.limits;
            limits.clock = &m_clock;
            auto spooled = syncSpool(m_dir, *connection, limits, [&](const SpoolProgress& p) {
                const SpoolCounts now = countSpool(m_dir);
                update([&](SyncStatus& s) {
                    s.state = p.receiving ? SyncState::Receiving : SyncState::Sending;
                    s.progress = p.receiving ? (p.morePages ? fraction(p.pagesReceived, p.pagesReceived + 1) : 1.0f)
                                             : fraction(p.batchesSent, p.batchesToSend);
                    s.batchesToSend = p.batchesToSend;
                    s.batchesSent = p.batchesSent;
                    s.pushed = p.pushed;
                    s.duplicates = p.duplicates;
                    s.quarantined = p.quarantined;
                    s.pagesReceived = p.pagesReceived;
                    s.bytesUp = connection->bytesSent();
                    s.bytesDown = connection->bytesReceived();
                    setCounts(s, now);
                });
                return !stopping();
            });
            // The public catalog needs no key either: a new version published
            // by the administrator reaches the kiosk in the same run.
            if (spooled && connection->catalog() != nullptr)
                if (auto pulled = pullCatalog(m_dir, *connection->catalog()); !pulled)
                    return std::unexpected(pulled.error());
            return spooled;
        } catch (const std::exception& e) {
            return syncFail(SyncErrorCode::Internal,
                            std::string("the sync stopped on an unexpected error: ") + e.what());
        } catch (...) {
            return syncFail(SyncErrorCode::Internal, "the sync stopped on an unexpected error");
        }
    }();
    return finish(result, connection.get(), backoff);
}

SyncWorker::Next SyncWorker::finish(const SyncResult<LockedSyncSummary>& result, const SyncConnection* connection,
                                    Backoff& backoff) {
    Next next;
    SyncState state = SyncState::Idle;
    if (result) {
        backoff.reset();
        // More pages than one run takes: go on at once.
        next = {WaitKind::Delay, result->more ? milliseconds(0) : m_options.interval};
    } else if (result.error().code == SyncErrorCode::Revoked) {
        next = {WaitKind::UntilStopped, {}};
        state = SyncState::Revoked;
    } else if (result.error().code == SyncErrorCode::Unauthorized) {
        next = {WaitKind::ForRequest, {}};
    } else {
        next = {WaitKind::Delay, backoff.next()};
        state = SyncState::WaitingToRetry;
    }
    const SpoolCounts counts = countSpool(m_dir);
    const std::int64_t now = m_clock.nowMs();
    update([&](SyncStatus& s) {
        s.state = state;
        s.nextAttemptMs = next.kind == WaitKind::Delay ? now + next.delay.count() : 0;
        setCounts(s, counts);
        if (connection) {
            s.bytesUp = connection->bytesSent();
            s.bytesDown = connection->bytesReceived();
        }
        if (result) {
            s.connectivity = Connectivity::Online;
            s.lastSuccessMs = now;
            s.failedAttempts = 0;
            s.lastError.reset();
            s.lastErrorMessage.clear();
            s.progress = 1.0f;
            s.batchesSent = result->batchesSent;
            s.pushed = result->pushed;
            s.duplicates = result->duplicates;
            s.quarantined = result->quarantined;
            s.pagesReceived = result->pagesReceived;
            return;
        }
        const SyncError& error = result.error();
        if (auto connectivity = connectivityAfter(error.code)) s.connectivity = *connectivity;
        s.lastError = error.code;
        s.lastErrorMessage = error.message;
        ++s.failedAttempts;
    });
    return next;
}

}  // namespace chasqui::sync
