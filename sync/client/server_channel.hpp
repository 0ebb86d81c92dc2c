#pragma once
// What the kiosk's sync engine needs from the server: push one sealed batch,
// pull one sealed page. Behind an interface so the engine runs against the
// real HTTP server (HttpServerChannel), or in process against a ServerCore
// with injected faults in tests.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sync/protocol/sync_error.hpp"

namespace chasqui::sync {

// One entry of the server's answer to a push, standing for `count` changes
// of the batch with this status. The server names each quarantined change
// (id, code, message; count 1) and only counts the applied and the duplicate
// ones (one entry each, id empty), so an answer stays small whatever the batch.
struct PushItem {
    std::string id;
    std::string status;  // applied | duplicate | quarantined
    std::string code;
    std::string message;
    int count = 1;
};

struct PulledPage {
    std::string sealed;  // sealed to this device's key
    std::string nextCursor;
    bool more = false;
};

class ServerChannel {
public:
    virtual ~ServerChannel() = default;
    // Entries as described at PushItem; their counts add up to the batch's changes.
    virtual SyncResult<std::vector<PushItem>> push(const std::string& sealedBatch) = 0;
    // serverCode "cursor_expired" when the cursor must be dropped.
    virtual SyncResult<PulledPage> pull(const std::string& cursor, std::size_t limit) = 0;
    // The server's clock (Unix ms) from its newest answer, 0 when none said it
    // (header Chasqui-Server-Time, PROTOCOL.md section 3.1).
    virtual std::int64_t serverTimeMs() const { return 0; }
    // A second channel to the same server as the same device, so that one
    // more batch can be pushed while this channel's push is under way (each
    // channel used by one thread at a time; its bytes count as this one's).
    // nullptr when this channel can have none: then pushes go one at a time.
    virtual std::unique_ptr<ServerChannel> companion() { return nullptr; }
};

}  // namespace chasqui::sync
