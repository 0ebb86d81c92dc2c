#pragma once
// ConnectionGate: every socket of chasqui-server is read and written by one
// poll() loop, so no worker thread ever waits on a client.
//
// Why not httplib's own listener: it gives each connection a pool thread
// from accept to close and bounds each read, never the whole request, so 135
// clients sending a header byte a second held every thread and /v1/health
// went unanswered. Here the loop accepts, refuses connections over the total
// and per-address caps, does the TLS handshake, and reads until a request's
// header block and body are complete, under one deadline for the headers
// (from the connection's start or its previous answer) and one for the body
// (scaled to its size). Only a complete request, held in memory and paid for
// from the MemoryBudget, goes to a worker, which runs httplib's routing on it
// from memory (RequestRouter) and hands the answer back; the loop writes the
// answer out under a deadline too. Workers only compute, so a few suffice and
// a slow client costs a socket and the bytes it sent, nothing more.
//
// Refusals made here are the protocol's JSON errors: too_large (413: header
// block, declared body or chunked body over the endpoint's limit),
// request_timeout (408), busy (503 with Retry-After: budget spent or too
// many connections), bad_request (400: framing the gate cannot trust, such
// as both Content-Length and Transfer-Encoding).
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sync/server/http/request_limits.hpp"
#include "sync/server/http/request_router.hpp"

namespace chasqui::sync {

struct GateOptions {
    std::size_t maxConnections = 1000;
    // Kiosks of one office, or of one mobile carrier's NAT, share an address.
    std::size_t maxConnectionsPerAddress = 32;
    // A TLS handshake on 2G takes a few round trips of up to 2 s each.
    int headerTimeoutS = 20;
    // The body's deadline: headerTimeoutS plus its size at this rate, at most
    // kMaxBodySeconds (a 4 MiB push needs 14 KB/s, a 2G link's EDGE speed).
    std::size_t minBodyBytesPerS = 2048;
    std::size_t maxHeaderBytes = 16 * 1024;
    std::size_t workers = 8;
    std::size_t maxRequestsPerConnection = 100;
};

class ConnectionGate {
public:
    using LogSink = std::function<void(const std::string& line)>;

    // `router` and `budget` must outlive the gate. `log` gets, at most once a
    // minute, how many requests and connections were refused, by code.
    ConnectionGate(RequestRouter& router, MemoryBudget& budget, GateOptions options, LogSink log = {});
    ~ConnectionGate();
    ConnectionGate(const ConnectionGate&) = delete;
    ConnectionGate& operator=(const ConnectionGate&) = delete;

    // Serve HTTPS with these PEM files; false, with a reason, when they do not load.
    bool useTls(const std::string& certFile, const std::string& keyFile, std::string& error);
    // The bound port (a free one for port 0), or -1.
    int bind(const std::string& host, int port);
    // Serves until stop(); answers the requests already being handled first.
    // False when the loop itself failed.
    bool run();
    // From any thread, before or during run().
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace chasqui::sync
