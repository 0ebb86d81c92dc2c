#pragma once
// httplib's routing applied to one request held in memory, for the
// ConnectionGate's workers: httplib::Server::process_request is protected, and
// the gate reads and writes the sockets itself.
#include <httplib.h>

#include <string>
#include <string_view>

#include "sync/protocol/sync_error.hpp"

namespace chasqui::sync {

class RequestRouter : public httplib::Server {
public:
    // The whole answer as bytes; `close` says the connection must end after
    // it. Thread-safe: workers call it side by side.
    std::string handle(std::string_view request, const std::string& peerIp, int peerPort, bool lastOnConnection,
                       bool& close);
};

// The protocol's JSON error as a whole HTTP answer that closes the
// connection (with Retry-After for 503).
std::string errorAnswer(const SyncError& e);

}  // namespace chasqui::sync
