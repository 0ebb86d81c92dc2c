#pragma once
// FaultProxy: a TCP proxy for tests that makes a loopback link behave like a
// bad 2G one (this machine has no `tc netem`). It listens on 127.0.0.1 on a
// free port and forwards every connection to 127.0.0.1:<targetPort>, applying
// the current Faults: a bandwidth cap per direction (token bucket), one-way
// latency, a cut after exactly N bytes, or a stall (stop forwarding, keep the
// connection open) after exactly N bytes.
//
// Threading and ownership: the proxy owns one worker thread, its listening
// socket and every proxied socket; the destructor stops the thread, joins it
// and closes all of them. All public methods are thread-safe.
//
// Counters: bytesUpstream/bytesDownstream count everything forwarded on the
// wire (HTTP headers included). A byte is counted before the peer can read
// it, so once a client has received a response, stats() already includes it.
#include <poll.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace chasqui::test {

struct Faults {
    std::uint64_t upstreamBytesPerSecond = 0;    // client -> server; 0 = unlimited
    std::uint64_t downstreamBytesPerSecond = 0;  // server -> client; 0 = unlimited
    std::chrono::milliseconds latency{0};        // one-way delay added to every chunk, each direction
    // Cut and stall thresholds count the bytes forwarded in that direction on
    // one connection since it was accepted or since the last setFaults(),
    // whichever is later (so faults set between requests on a kept-alive
    // connection count from that moment). A cut forwards exactly N bytes and
    // then closes both sides; N = 0 closes the connection at once. A stall
    // forwards exactly N bytes and then stops reading and writing in that
    // direction without closing, until faults without the stall are set.
    std::optional<std::uint64_t> cutUpstreamAfter{};
    std::optional<std::uint64_t> cutDownstreamAfter{};
    std::optional<std::uint64_t> stallUpstreamAfter{};
    std::optional<std::uint64_t> stallDownstreamAfter{};
    // Apply cuts and stalls only to the K-th connection accepted (numbered
    // from 1 over the proxy's life; see stats().connectionsAccepted), or to
    // every connection when 0. Bandwidth and latency always apply to all; the
    // bandwidth cap is the link's, shared by the connections open at once (as
    // on a real 2G link), not a cap per connection.
    int onlyConnection = 0;
};

struct ProxyStats {
    std::uint64_t bytesUpstream = 0;
    std::uint64_t bytesDownstream = 0;
    int connectionsAccepted = 0;
    int connectionsOpen = 0;
    int stalledDirections = 0;  // directions currently held by a stall
};

class FaultProxy {
public:
    // Throws std::runtime_error when it cannot listen (a broken test machine).
    explicit FaultProxy(std::uint16_t targetPort, Faults faults = {});
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    std::uint16_t port() const { return m_port; }
    std::string url() const;  // "http://127.0.0.1:<port>"

    // Takes effect on the next forwarded chunk, on open connections too.
    void setFaults(const Faults& faults);
    ProxyStats stats() const;
    void resetByteCounters();
    // Blocks until `condition(stats())` holds or `timeout` passes; returns
    // whether it held. Re-checked whenever the proxy's state changes.
    bool waitFor(const std::function<bool(const ProxyStats&)>& condition, std::chrono::milliseconds timeout) const;

private:
    struct Connection;
    struct Direction;
    struct PollSlot;
    using Clock = std::chrono::steady_clock;

    void run();
    void handleEvents(const std::vector<pollfd>& fds, const std::vector<PollSlot>& slots, Clock::time_point now);
    void acceptAll();
    void readInto(Connection& connection, Direction& direction, Clock::time_point now);
    void flush(Connection& connection, Direction& direction, Clock::time_point now, Clock::time_point& deadline);
    void closeConnection(Connection& connection);
    void wake();

    std::uint16_t m_targetPort;
    std::uint16_t m_port = 0;
    int m_listenFd = -1;
    int m_wakeFd = -1;

    mutable std::mutex m_mutex;  // guards everything below; the worker holds it except while in poll()
    mutable std::condition_variable m_changed;
    Faults m_faults;
    std::uint64_t m_faultsGeneration = 0;
    // The link's token buckets, one per direction, shared by all connections.
    struct Bucket {
        double tokens = 0;
        Clock::time_point lastRefill{};
    };
    Bucket m_upLink;
    Bucket m_downLink;
    ProxyStats m_stats;
    bool m_stop = false;
    std::vector<std::unique_ptr<Connection>> m_connections;

    std::thread m_thread;  // last: starts after everything above is ready
};

}  // namespace chasqui::test
