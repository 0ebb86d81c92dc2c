// The kiosk's sync thread against real parts: a spool written from a real
// SQLCipher store, a real ServerCore behind its token check (revocation
// included), the real libcurl transport for "offline" (a closed loopback
// port), and the real HttpServerChannel facing a captive portal. States are
// awaited through onChange and a condition variable, never with sleeps.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "storage/records/person_repository.hpp"
#include "sync/client/http_server_channel.hpp"
#include "sync/client/kiosk_sync.hpp"
#include "sync/client/sync_worker.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/test_store.hpp"
#include "tests/sync/in_process_channel.hpp"

namespace chasqui::sync {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t kSeed = 6;  // its first wait is about 8 minutes
constexpr auto kTenMinutes = std::chrono::milliseconds(std::chrono::minutes(10));

enum class Door { Open, Offline, CaptivePortal };

// A port nothing listens on (bound, then released).
std::uint16_t closedPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    ::close(fd);
    return ntohs(address.sin_port);
}

// Hotel Wi-Fi: every request gets a 200 login page.
class PortalTransport final : public HttpTransport {
public:
    SyncResult<HttpResponse> send(const HttpRequest&) override {
        return HttpResponse{200, {{"Content-Type", "text/html"}}, "<html><form action=/login></form></html>", 0, 0};
    }
};

// The real server store, used by one thread at a time as the HTTP layer does.
struct Server {
    test::TempDir dir;
    storage::ManualClock clock{test::kTestNowMs};
    std::unique_ptr<ServerCore> store;
    ServerCore* ptr = nullptr;
    std::mutex mutex;

    Server() {
        auto opened = ServerCore::open(test::serverLocationFor(dir.path() / "server"), clock);
        REQUIRE(opened.has_value());
        store = std::move(*opened);
        ptr = store.get();
    }
    std::int64_t changes() {
        std::lock_guard lock(mutex);
        auto status = store->status();
        REQUIRE(status.has_value());
        return status->counts.changes;
    }
};

// The server's door: the bearer token is checked on every request (so a
// revocation is refused at once), then InProcessChannel does the rest.
class DoorConnection final : public SyncConnection {
public:
    DoorConnection(Server& server, const std::atomic<Door>& door, std::string token)
        : m_server(server), m_door(door), m_token(std::move(token)) {}

    SyncResult<void> health() override {
        if (m_door != Door::CaptivePortal) return {};
        PortalTransport portal;
        HttpServerChannel channel(portal, "http://127.0.0.1:9");
        auto answer = channel.health();
        if (answer) return {};  // (the test then fails on the state it waits for)
        return std::unexpected(answer.error());
    }
    SyncResult<std::vector<PushItem>> push(const std::string& sealed) override {
        std::lock_guard lock(m_server.mutex);
        auto device = authenticate();
        if (!device) return std::unexpected(device.error());
        m_sent += sealed.size();
        return test::InProcessChannel(m_server.ptr, *device).push(sealed);
    }
    SyncResult<PulledPage> pull(const std::string& cursor, std::size_t limit) override {
        std::lock_guard lock(m_server.mutex);
        auto device = authenticate();
        if (!device) return std::unexpected(device.error());
        auto page = test::InProcessChannel(m_server.ptr, *device).pull(cursor, limit);
        if (page) m_received += page->sealed.size();
        return page;
    }
    std::uint64_t bytesSent() const override { return m_sent; }
    std::uint64_t bytesReceived() const override { return m_received; }

private:
    SyncResult<DeviceInfo> authenticate() {
        auto device = m_server.store->authenticate(m_token);
        if (device) return *device;
        // What the kiosk would make of the server's HTTP answer.
        const SyncError& e = device.error();
        const WireError wire = wireErrorFor(e.code);
        const SyncErrorCode code = e.code == SyncErrorCode::Revoked ? SyncErrorCode::Revoked
                                   : wire.status == 401             ? SyncErrorCode::Unauthorized
                                                                    : SyncErrorCode::HttpError;
        return syncFail(code, e.message, wire.status, std::string(wire.code));
    }
    Server& m_server;
    const std::atomic<Door>& m_door;
    std::string m_token;
    std::uint64_t m_sent = 0;
    std::uint64_t m_received = 0;
};

// Every status the worker reported, and waiting for one. The callback runs
// on the worker thread before it moves on, so each snapshot is the state
// that was just announced.
class Watch {
public:
    void attach(SyncWorker& worker) {
        m_worker = &worker;
        worker.setOnChange([this] {
            {
                std::lock_guard lock(m_mutex);
                m_history.push_back(m_worker->status());
                if (m_history.back().state == SyncState::Connecting) ++m_runs;
            }
            m_changed.notify_all();
        });
    }
    int runs() {
        std::lock_guard lock(m_mutex);
        return m_runs;
    }
    // Waits for the end of a run that starts after this call.
    bool waitForRunAfter(int runsBefore) {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, 60s, [&] {
            const SyncState state = m_worker->status().state;
            return m_runs > runsBefore && state != SyncState::Connecting && state != SyncState::Sending &&
                   state != SyncState::Receiving;
        });
    }
    bool waitFor(const std::function<bool(const SyncStatus&)>& done, std::chrono::seconds timeout = 60s) {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, timeout, [&] { return done(m_worker->status()); });
    }
    std::vector<SyncStatus> history() {
        std::lock_guard lock(m_mutex);
        return m_history;
    }

private:
    SyncWorker* m_worker = nullptr;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<SyncStatus> m_history;
    int m_runs = 0;
};

SyncWorkerOptions testOptions() {
    SyncWorkerOptions options;
    options.interval = kTenMinutes;  // nothing runs by itself during a test
    options.backoffBase = kTenMinutes;
    options.backoffCap = kTenMinutes;
    options.backoffSeed = kSeed;
    return options;
}

bool isState(const SyncStatus& s, SyncState state) {
    return s.state == state;
}

struct World {
    test::TestStore kiosk;  // signed in, office TUM
    Server server;
    std::atomic<Door> door{Door::Open};
    std::atomic<int> connections{0};
    storage::ManualClock workerClock{test::kTestNowMs};  // never moved while the worker runs
    std::string token;
    std::string deviceId;
    int registered = 0;
    Watch watch;
    std::unique_ptr<SyncWorker> worker;  // last: stopped before everything it uses goes

    World() {
        const std::uint16_t closed = closedPort();
        ConnectionFactory factory = [this, closed](const DeviceLink& link) -> std::unique_ptr<SyncConnection> {
            ++connections;
            // Offline is real: libcurl to a loopback port nothing listens on.
            if (door == Door::Offline)
                return httpConnectionFactory()({fmt::format("http://127.0.0.1:{}", closed), link.deviceToken, 0, {}});
            return std::make_unique<DoorConnection>(server, door, link.deviceToken);
        };
        worker = std::make_unique<SyncWorker>(kiosk.dataDir, std::move(factory), workerClock, testOptions());
        watch.attach(*worker);
    }

    // The server side of enrollment and the store's keys; device.json comes separately.
    void enrollAtServer() {
        std::lock_guard lock(server.mutex);
        auto code = server.store->issueEnrollCode("TUM");
        REQUIRE(code.has_value());
        auto publicKey = devicePublicKeys(*kiosk);
        REQUIRE(publicKey.has_value());
        deviceId = kiosk->session().deviceId;
        auto enrolled = server.store->enroll(*code, deviceId, *publicKey);
        REQUIRE(enrolled.has_value());
        token = enrolled->token;
        REQUIRE(setServerPublicKey(*kiosk, server.store->publicKey()).has_value());
    }
    void saveLink(const std::string& withToken) {
        REQUIRE(saveDeviceLink(kiosk.dataDir, {"inprocess://server", withToken, 1, "TUM"}).has_value());
    }
    void enroll() {
        enrollAtServer();
        saveLink(token);
    }
    // Registers people and seals their changes into the outbox (as at sign-out).
    std::int64_t registerAndSpool(int people, std::size_t batch = 1000) {
        storage::PersonRepository persons(*kiosk);
        for (int i = 0; i < people; ++i) {
            storage::Person p = test::samplePerson();
            p.docNumber = fmt::format("V-12.345.{:03}", registered++);
            REQUIRE(persons.add(p).has_value());
        }
        auto pending = pendingChanges(*kiosk);
        REQUIRE(pending.has_value());
        SpoolLimits limits;
        limits.pushBatch = batch;
        REQUIRE(spoolOutbox(*kiosk, limits).has_value());
        return *pending;
    }
    // "Sync now", and the status at the end of that run.
    SyncStatus syncNow() {
        const int before = watch.runs();
        worker->requestSync();
        REQUIRE(watch.waitForRunAfter(before));
        return worker->status();
    }
};

}  // namespace

TEST_CASE("worker: not enrolled until device.json exists, then one run sends everything and reports it") {
    World w;
    w.enrollAtServer();
    const std::int64_t pending = w.registerAndSpool(3, 4);
    const SpoolCounts spooled = countSpool(w.kiosk.dataDir);
    REQUIRE(pending > 4);
    CHECK(spooled.pendingUp == pending);  // counted from file names, without any key
    CHECK(spooled.outboxFiles == (pending + 3) / 4);

    w.worker->start();
    REQUIRE(w.watch.waitFor(
        [&](const SyncStatus& s) { return isState(s, SyncState::NotEnrolled) && s.pendingUp == pending; }));
    CHECK(w.connections == 0);
    CHECK(w.worker->status().nextAttemptMs == 0);

    w.saveLink(w.token);
    const SyncStatus s = w.syncNow();
    CHECK(s.state == SyncState::Idle);
    CHECK(s.lastSuccessMs == test::kTestNowMs);
    CHECK(s.lastAttemptMs == test::kTestNowMs);
    CHECK(s.nextAttemptMs == test::kTestNowMs + kTenMinutes.count());
    CHECK(s.connectivity == Connectivity::Online);
    CHECK(std::string(syncStateName(s.state)) == "idle");
    CHECK(std::string(connectivityName(s.connectivity)) == "online");
    CHECK(s.pendingUp == 0);
    CHECK(s.pushed == pending);
    CHECK(s.duplicates == 0);
    CHECK(s.quarantined == 0);
    CHECK(s.batchesSent == spooled.outboxFiles);
    CHECK(s.progress == 1.0f);
    CHECK_FALSE(s.lastError.has_value());
    CHECK(s.lastErrorMessage.empty());
    CHECK(s.bytesUp > 0);
    CHECK(s.bytesDown > 0);
    CHECK(s.pagesReceived >= 1);
    CHECK(s.pendingDownPages == s.pagesReceived);  // stored, waiting for a sign-in
    CHECK(w.server.changes() == pending);

    // onChange saw the run go by: batches one by one up to 1.0, then pages.
    const std::vector<SyncStatus> history = w.watch.history();
    float last = -1.0f;
    bool sentAll = false, receivedAll = false, connecting = false;
    for (const SyncStatus& h : history) {
        connecting = connecting || h.state == SyncState::Connecting;
        if (h.state == SyncState::Sending) {
            CHECK(h.progress >= last);
            last = h.progress;
            sentAll = sentAll || (h.progress == 1.0f && h.batchesSent == h.batchesToSend);
        }
        receivedAll = receivedAll || (h.state == SyncState::Receiving && h.progress == 1.0f);
    }
    CHECK(connecting);
    CHECK(sentAll);
    CHECK(receivedAll);

    // Sign-in merges the pages; the worker recounts when told.
    REQUIRE(mergeSpool(*w.kiosk).has_value());
    w.worker->spoolChanged();
    CHECK(w.watch.waitFor([](const SyncStatus& st) { return st.pendingDownPages == 0; }));
    CHECK(w.worker->status().lastSuccessMs == test::kTestNowMs);
}

TEST_CASE("worker: offline waits out the backoff with a plain-words error; sync now after the link is back succeeds") {
    World w;
    w.enroll();
    const std::int64_t pending = w.registerAndSpool(1);
    w.door = Door::Offline;
    w.worker->start();
    REQUIRE(w.watch.waitFor([](const SyncStatus& s) { return isState(s, SyncState::WaitingToRetry); }));
    SyncStatus s = w.worker->status();
    REQUIRE(s.lastError.has_value());
    CHECK(*s.lastError == SyncErrorCode::Offline);
    CHECK(s.lastErrorMessage.size() > 10);
    CHECK(s.connectivity == Connectivity::Offline);
    CHECK(s.failedAttempts == 1);
    CHECK(s.pendingUp == pending);
    Backoff expected(kTenMinutes, kTenMinutes, kSeed);
    const auto wait = expected.next();
    CHECK(wait > 0ms);
    CHECK(s.nextAttemptMs == test::kTestNowMs + wait.count());

    w.door = Door::Open;
    s = w.syncNow();
    CHECK(s.state == SyncState::Idle);
    CHECK_FALSE(s.lastError.has_value());
    CHECK(s.lastErrorMessage.empty());
    CHECK(s.failedAttempts == 0);
    CHECK(s.connectivity == Connectivity::Online);
    CHECK(s.pendingUp == 0);
    CHECK(s.nextAttemptMs == test::kTestNowMs + kTenMinutes.count());
    CHECK(w.server.changes() == pending);
}

TEST_CASE("worker: a captive portal is caught by the health check before anything is sent") {
    World w;
    w.enroll();
    const std::int64_t pending = w.registerAndSpool(1);
    w.door = Door::CaptivePortal;
    w.worker->start();
    REQUIRE(w.watch.waitFor([](const SyncStatus& s) { return isState(s, SyncState::WaitingToRetry); }));
    SyncStatus s = w.worker->status();
    CHECK(s.connectivity == Connectivity::CaptivePortal);
    REQUIRE(s.lastError.has_value());
    CHECK(*s.lastError == SyncErrorCode::CaptivePortal);
    CHECK(s.lastErrorMessage.find("login page") != std::string::npos);
    CHECK(s.bytesUp == 0);
    CHECK(w.server.changes() == 0);

    w.door = Door::Open;
    s = w.syncNow();
    CHECK(s.state == SyncState::Idle);
    CHECK(s.connectivity == Connectivity::Online);
    CHECK(w.server.changes() == pending);
}

TEST_CASE("worker: a revoked device stops for good and deletes nothing itself") {
    World w;
    w.enroll();
    w.registerAndSpool(1);
    w.worker->start();
    REQUIRE(w.watch.waitFor([](const SyncStatus& s) { return isState(s, SyncState::Idle) && s.lastSuccessMs != 0; }));
    w.registerAndSpool(1);
    const std::int64_t pending = countSpool(w.kiosk.dataDir).pendingUp;
    REQUIRE(pending > 0);
    {
        std::lock_guard lock(w.server.mutex);
        REQUIRE(w.server.store->revoke(w.deviceId).has_value());
    }
    const SyncStatus s = w.syncNow();
    CHECK(s.state == SyncState::Revoked);
    REQUIRE(s.lastError.has_value());
    CHECK(*s.lastError == SyncErrorCode::Revoked);
    CHECK(s.nextAttemptMs == 0);
    CHECK(s.pendingUp == pending);  // the kiosk wipes, not the worker
    CHECK(std::filesystem::exists(deviceLinkPath(w.kiosk.dataDir)));
    CHECK(std::filesystem::exists(w.kiosk.dataDir.personalDb()));

    const int made = w.connections;
    w.worker->requestSync();
    w.worker->requestSync();
    w.worker->stop();
    CHECK(w.connections == made);
    CHECK(w.worker->status().state == SyncState::Stopped);
}

TEST_CASE("worker: an unknown token waits for sync now instead of retrying") {
    World w;
    w.enrollAtServer();
    const std::int64_t pending = w.registerAndSpool(1);
    w.saveLink("not-a-token");
    w.worker->start();
    REQUIRE(w.watch.waitFor([](const SyncStatus& s) { return s.lastError == SyncErrorCode::Unauthorized; }));
    const SyncStatus s = w.worker->status();
    CHECK(s.state == SyncState::Idle);
    CHECK(s.nextAttemptMs == 0);  // no automatic retry
    CHECK(s.lastSuccessMs == 0);
    CHECK(s.connectivity == Connectivity::Online);

    w.saveLink(w.token);  // enrolled again
    const SyncStatus after = w.syncNow();
    CHECK(after.state == SyncState::Idle);
    CHECK_FALSE(after.lastError.has_value());
    CHECK(after.pendingUp == 0);
    CHECK(w.server.changes() == pending);
}

TEST_CASE("worker: stop() returns promptly while waiting out a 10-minute backoff") {
    Backoff expected(kTenMinutes, kTenMinutes, kSeed);
    REQUIRE(expected.next() > std::chrono::minutes(5));  // the wait below is a long one
    World w;
    w.enroll();
    w.door = Door::Offline;
    w.worker->start();
    REQUIRE(w.watch.waitFor([](const SyncStatus& s) { return isState(s, SyncState::WaitingToRetry); }));
    auto stopped = std::async(std::launch::async, [&] { w.worker->stop(); });
    REQUIRE(stopped.wait_for(30s) == std::future_status::ready);
    CHECK(w.worker->status().state == SyncState::Stopped);
    CHECK(w.worker->status().nextAttemptMs == 0);
    CHECK(w.connections == 1);
}

TEST_CASE("worker: pending changes are counted from outbox file names, older names too") {
    test::TempDir tmp;
    const storage::DataDir dir(tmp.path() / "kiosk");
    const auto root = dir.root / "sync";
    std::filesystem::create_directories(root / "outbox");
    std::filesystem::create_directories(root / "inbox");
    REQUIRE(storage::writeFileAtomically(root / "acked_seq", "2").has_value());
    // Legacy name: seqs 3..5 are in it. New names carry their count.
    REQUIRE(storage::writeFileAtomically(root / "outbox" / "00000000000000000005.sealed", "x").has_value());
    REQUIRE(storage::writeFileAtomically(root / "outbox" / "00000000000000000009-4.sealed", "x").has_value());
    REQUIRE(storage::writeFileAtomically(root / "inbox" / "00000000000000000001.page", "c\nx").has_value());
    const SpoolCounts counts = countSpool(dir);
    CHECK(counts.pendingUp == 7);
    CHECK(counts.outboxFiles == 2);
    CHECK(counts.inboxPages == 1);
}

}  // namespace chasqui::sync
