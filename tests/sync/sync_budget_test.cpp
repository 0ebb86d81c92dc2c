// A hostile or broken server must neither fill a kiosk's disk (pages with
// "more" for ever) nor hold it for ever (an answer that trickles in and never
// ends). syncSpool, CurlTransport and the sync worker run for real against a
// scripted server on loopback; the budgets are made small so each case takes
// a second or two.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>

#include <fmt/format.h>

#include "storage/base/clock.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/client/device_link.hpp"
#include "sync/client/http_server_channel.hpp"
#include "sync/client/spool.hpp"
#include "sync/client/sync_worker.hpp"
#include "tests/support/test_store.hpp"
#include "tests/sync/scripted_server.hpp"

namespace chasqui::sync {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;
using test::ScriptedServer;

constexpr std::size_t kPageBytes = 64 * 1024;
constexpr const char* kToken = "tok_abcdefghijklmnop";

// Pages for ever: each says more follow. `delay` before each answer.
void endlessPages(ScriptedServer& server, std::chrono::milliseconds delay = 0ms) {
    server.http().Get("/v1/pull", [&server, delay](const httplib::Request&, httplib::Response& res) {
        const int n = server.requests();
        server.countRequest();
        if (delay > 0ms) server.waitForRelease(delay);
        res.set_header("Chasqui-Next-Cursor", fmt::format("e1.{}", n + 1));
        res.set_header("Chasqui-More", "1");
        res.set_content(std::string(kPageBytes, static_cast<char>('a' + n % 26)), "application/octet-stream");
    });
}

std::uint64_t bytesIn(const fs::path& folder) {
    std::uint64_t total = 0;
    for (const auto& entry : fs::directory_iterator(folder)) total += fs::file_size(entry.path());
    return total;
}

double secondsSince(SteadyClock::time_point start) {
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

TEST_CASE("endless pages stop at the run's byte budget, and the waiting pages stop the next run before any pull") {
    test::TempDir tmp;
    const storage::DataDir dir(tmp.path() / "kiosk");
    ScriptedServer server;
    endlessPages(server);
    server.start();
    CurlTransport transport;
    HttpServerChannel channel(transport, server.url(), kToken);
    SpoolLimits limits;
    limits.maxRunPullBytes = 1024 * 1024;
    limits.maxInboxBytes = 2 * 1024 * 1024;

    auto first = syncSpool(dir, channel, limits);
    REQUIRE_FALSE(first.has_value());
    CHECK(first.error().code == SyncErrorCode::TooLarge);
    const std::uint64_t afterFirst = bytesIn(dir.root / "sync" / "inbox");
    CHECK(afterFirst >= limits.maxRunPullBytes);
    CHECK(afterFirst < limits.maxRunPullBytes + 2 * kPageBytes);
    CHECK(server.requests() <= 17);

    // What arrived is kept, and the next run goes on from its cursor...
    auto second = syncSpool(dir, channel, limits);
    REQUIRE_FALSE(second.has_value());
    const int requestsAfterSecond = server.requests();
    // ...until the pages waiting for a sign-in reach their own limit: then no more pulls at all.
    auto third = syncSpool(dir, channel, limits);
    REQUIRE_FALSE(third.has_value());
    CHECK(third.error().code == SyncErrorCode::TooLarge);
    CHECK(server.requests() == requestsAfterSecond);
    CHECK(bytesIn(dir.root / "sync" / "inbox") < limits.maxInboxBytes + 2 * kPageBytes);
}

TEST_CASE("slow endless pages stop at the run's time budget") {
    test::TempDir tmp;
    const storage::DataDir dir(tmp.path() / "kiosk");
    ScriptedServer server;
    endlessPages(server, 150ms);
    server.start();
    CurlTransport transport;
    HttpServerChannel channel(transport, server.url(), kToken);
    SpoolLimits limits;
    limits.maxRunTime = 1s;
    const auto start = SteadyClock::now();
    auto synced = syncSpool(dir, channel, limits);
    REQUIRE_FALSE(synced.has_value());
    CHECK(synced.error().code == SyncErrorCode::Timeout);
    CHECK(secondsSince(start) < 5.0);
    CHECK(server.requests() >= 2);  // it got pages before the budget ran out; they are kept
    CHECK_FALSE(fs::is_empty(dir.root / "sync" / "inbox"));
}

// One answer that never ends: 1 KiB every 100 ms, fast enough for the
// low-speed limit, far too slow to reach the page's size cap in a test.
void tricklingPull(ScriptedServer& server) {
    server.http().Get("/v1/pull", [&server](const httplib::Request&, httplib::Response& res) {
        server.countRequest();
        res.set_header("Chasqui-Next-Cursor", "e1.1");
        res.set_header("Chasqui-More", "1");
        res.set_chunked_content_provider("application/octet-stream", [&server](std::size_t, httplib::DataSink& sink) {
            const std::string piece(1024, 'x');
            sink.write(piece.data(), piece.size());
            return server.waitForRelease(100ms);  // false once the test ends: the answer stops
        });
    });
}

TEST_CASE("one answer trickling in for ever ends at the run's deadline") {
    test::TempDir tmp;
    const storage::DataDir dir(tmp.path() / "kiosk");
    ScriptedServer server;
    tricklingPull(server);
    server.start();
    CurlOptions options;
    options.totalTimeoutS = 60;  // without the deadline the exchange would last this long
    options.deadline = SteadyClock::now() + 1500ms;
    CurlTransport transport(options);
    HttpServerChannel channel(transport, server.url(), kToken);
    const auto start = SteadyClock::now();
    auto synced = syncSpool(dir, channel);
    REQUIRE_FALSE(synced.has_value());
    CHECK(synced.error().code == SyncErrorCode::Timeout);
    CHECK(secondsSince(start) < 10.0);
    CHECK_FALSE(fs::exists(dir.root / "sync" / "cursor"));
    CHECK(fs::is_empty(dir.root / "sync" / "inbox"));
}

TEST_CASE("the sync worker gives up on a trickling answer at its run budget and retries later") {
    test::TempDir tmp;
    const storage::DataDir dir(tmp.path() / "kiosk");
    ScriptedServer server;
    server.answer("GET", "/v1/health", 200,
                  R"({"service": "chasqui", "protocol": 1, "server_time_ms": 1749988800000, )"
                  R"("server_public_key": "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="})");
    tricklingPull(server);
    server.start();
    REQUIRE(saveDeviceLink(dir, {server.url(), kToken, 1, "TUM"}).has_value());
    storage::SystemClock clock;
    SyncWorkerOptions options;
    options.backoffBase = 60s;  // one run is all this test needs
    options.limits.maxRunTime = 1500ms;
    SyncWorker worker(dir, httpConnectionFactory({}, options.limits.maxRunTime), clock, options);
    std::mutex mutex;
    std::condition_variable changed;
    worker.setOnChange([&] {
        std::lock_guard lock(mutex);
        changed.notify_all();
    });
    const auto start = SteadyClock::now();
    worker.start();
    {
        std::unique_lock lock(mutex);
        const bool failed =
            changed.wait_for(lock, 30s, [&] { return worker.status().state == SyncState::WaitingToRetry; });
        REQUIRE(failed);
    }
    CHECK(secondsSince(start) < 10.0);
    const SyncStatus status = worker.status();
    worker.stop();
    REQUIRE(status.lastError.has_value());
    CHECK(*status.lastError == SyncErrorCode::Timeout);
}

}  // namespace
}  // namespace chasqui::sync
