#pragma once
// The server's HTTP edge for errors: the one table that turns a sync error
// code (sync/protocol/sync_error.hpp) into the HTTP status and the wire `error.code`
// of sync/PROTOCOL.md section 4. The server's core (ServerCore, the push
// processor, enrollment, the batch verifier) returns SyncError without any
// HTTP; HttpApi, the RequestRouter and the ConnectionGate answer through here.
#include <string>
#include <string_view>

#include "sync/protocol/sync_error.hpp"

namespace chasqui::sync {

struct WireError {
    int status = 500;
    std::string_view code = "server_error";  // the stable wire code
};

// A code missing from the table (one only the kiosk uses) is a 500 server_error.
WireError wireErrorFor(SyncErrorCode code);

// {"error": {"code", "message"}} for `error`, with its wire code.
std::string errorBody(const SyncError& error);
// The same body for a status and wire code the HTTP library chose itself.
std::string errorBody(std::string_view wireCode, std::string_view message);

}  // namespace chasqui::sync
