// Slow and greedy clients against the REAL chasqui-server: hundreds of
// connections sending their headers one byte a second do not stop
// /v1/health from answering within a second; connections over the cap for
// one address are refused at once; a request whose headers do not arrive in
// time gets 408 and its connection is closed.
//
// CHASQUI_SLOW_CLIENTS (default 300) slow connections, held for
// CHASQUI_SLOW_SECONDS (default 3) seconds while health is asked.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "tests/server/raw_connections.hpp"
#include "tests/server/server_harness.hpp"

using namespace chasqui;
using namespace chasqui::test;
namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

// Never finished: the blank line that ends the headers is never sent.
const std::string kSlowRequest =
    "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nChasqui-Protocol: 1\r\nUser-Agent: a-very-slow-kiosk-on-2g\r\n";

std::string healthRequest() {
    return "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
}

}  // namespace

TEST_CASE("health answers within a second while hundreds of clients send their headers a byte a second") {
    TempDir tmp;
    ServerProcess server(tmp.path() / "server");
    const int slowCount = envInt("CHASQUI_SLOW_CLIENTS", 300);
    const int seconds = envInt("CHASQUI_SLOW_SECONDS", 3);
    // 25 connections from each of several addresses: like clients behind
    // different networks, each under the per-address cap (32).
    std::vector<RawConnection> slow;
    slow.reserve(static_cast<std::size_t>(slowCount));
    for (int i = 0; i < slowCount; ++i) {
        slow.emplace_back(fmt::format("127.0.0.{}", 10 + i / 25), server.port());
        REQUIRE(slow.back().send(kSlowRequest.substr(0, 1)) == 1);
    }

    std::atomic<bool> done{false};
    std::vector<double> latenciesMs;
    std::vector<int> statuses;
    std::thread prober([&] {
        while (!done) {
            httplib::Client c = server.client();
            c.set_connection_timeout(3);
            c.set_read_timeout(3);
            const auto start = SteadyClock::now();
            auto r = c.Get("/v1/health");
            latenciesMs.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count());
            statuses.push_back(r ? r->status : -1);
        }
    });

    // One byte a second on every slow connection, driven by poll(); any
    // answer or close on one of them means the server gave up holding it.
    int closedEarly = 0;
    std::vector<bool> closed(slow.size(), false);
    const auto start = SteadyClock::now();
    for (int tick = 1; tick <= seconds; ++tick) {
        const auto next = start + std::chrono::seconds(tick);
        for (;;) {
            const auto left = std::chrono::duration_cast<milliseconds>(next - SteadyClock::now()).count();
            if (left <= 0) break;
            std::vector<pollfd> fds;
            for (const auto& c : slow) fds.push_back({c.fd(), POLLIN, 0});
            if (::poll(fds.data(), fds.size(), static_cast<int>(left)) <= 0) continue;
            for (std::size_t i = 0; i < slow.size(); ++i) {
                if (fds[i].revents != 0 && !closed[i] && slow[i].receive()) {
                    closed[i] = true;
                    ++closedEarly;
                }
            }
        }
        for (std::size_t i = 0; i < slow.size(); ++i) {
            if (!closed[i]) (void)slow[i].send(kSlowRequest.substr(static_cast<std::size_t>(tick), 1));
        }
    }
    done = true;
    prober.join();

    REQUIRE_FALSE(latenciesMs.empty());
    std::vector<double> sorted = latenciesMs;
    std::sort(sorted.begin(), sorted.end());
    const double p50 = sorted[sorted.size() / 2];
    const double worst = sorted.back();
    MESSAGE(fmt::format("{} slow connections for {} s: {} health answers, p50 {:.1f} ms, max {:.1f} ms", slowCount,
                        seconds, sorted.size(), p50, worst));
    for (const int status : statuses) CHECK(status == 200);
    CHECK(worst < 1000.0);
    // The slow clients were held, not turned away (their deadline is 20 s).
    CHECK(closedEarly == 0);
}

TEST_CASE("connections over the cap for one address are refused at once; other addresses are served") {
    TempDir tmp;
    ServerProcess server(tmp.path() / "server", {"--max-connections-per-address", "8"});
    std::vector<RawConnection> held;
    for (int i = 0; i < 8; ++i) {
        held.emplace_back("127.0.0.20", server.port());
        REQUIRE(held.back().send(kSlowRequest.substr(0, 5)) == 5);
    }
    // The ninth from the same address: answered 503 busy and closed at once.
    RawConnection extra("127.0.0.20", server.port());
    const auto start = SteadyClock::now();
    (void)extra.send(healthRequest());
    REQUIRE(extra.closedWithin(milliseconds(2000)));
    const double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
    MESSAGE(fmt::format("refused in {:.1f} ms", ms));
    CHECK(ms < 1000.0);
    CHECK(extra.received().find("HTTP/1.1 503 ") == 0);
    CHECK(extra.received().find("\"busy\"") != std::string::npos);
    CHECK(extra.received().find("Retry-After: ") != std::string::npos);

    // Another address is served as usual.
    RawConnection other("127.0.0.21", server.port());
    REQUIRE(other.send(healthRequest()) > 0);
    REQUIRE(other.closedWithin(milliseconds(2000)));
    CHECK(other.received().find("HTTP/1.1 200 ") == 0);
    // The held ones are still open.
    for (auto& h : held) CHECK_FALSE(h.closedWithin(milliseconds(1)));
}

TEST_CASE("headers that do not arrive within the deadline get 408 and the connection is closed") {
    TempDir tmp;
    ServerProcess server(tmp.path() / "server", {"--header-timeout", "1"});
    RawConnection trickle("127.0.0.1", server.port());
    RawConnection silent("127.0.0.1", server.port());
    const auto start = SteadyClock::now();
    // A byte every 100 ms: every single read is quick, the whole is not.
    std::size_t sent = 0;
    bool trickleClosed = false;
    bool silentClosed = false;
    double trickleMs = 0;
    double silentMs = 0;
    while ((!trickleClosed || !silentClosed) && SteadyClock::now() - start < std::chrono::seconds(5)) {
        if (!trickleClosed) {
            (void)trickle.send(kSlowRequest.substr(sent % kSlowRequest.size(), 1));
            ++sent;
        }
        pollfd fds[2] = {{trickle.fd(), POLLIN, 0}, {silent.fd(), POLLIN, 0}};
        (void)::poll(fds, 2, 100);
        const double now = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
        if (!trickleClosed && fds[0].revents != 0 && trickle.receive()) {
            trickleClosed = true;
            trickleMs = now;
        }
        if (!silentClosed && fds[1].revents != 0 && silent.receive()) {
            silentClosed = true;
            silentMs = now;
        }
    }
    MESSAGE(fmt::format("trickling client closed after {:.0f} ms, silent one after {:.0f} ms", trickleMs, silentMs));
    REQUIRE(trickleClosed);
    CHECK(trickleMs < 2500.0);
    CHECK(trickle.received().find("HTTP/1.1 408 ") == 0);
    CHECK(trickle.received().find("\"request_timeout\"") != std::string::npos);
    REQUIRE(silentClosed);
    CHECK(silentMs < 2500.0);

    auto health = server.client().Get("/v1/health");
    REQUIRE(health);
    CHECK(health->status == 200);
}
