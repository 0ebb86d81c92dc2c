#pragma once
// The first check of a push after the token: is the batch signed by the
// device the token names (sync/protocol/batch_signature.hpp)? Runs before anything
// opens or decompresses the batch, so a forged push costs the server one hash
// and one signature check. A device token read from a stolen disk is not
// enough to push: the signing key is inside the kiosk's encrypted store.
#include <string_view>

#include "sync/protocol/sync_error.hpp"
#include "sync/server/core/server_core.hpp"

namespace chasqui::sync {

// The sealed batch inside `body`; BadSignature when the signature is
// missing, not this device's, or the device has no signing key (enrolled
// before batches were signed: it must enroll again with a new code).
SyncResult<std::string_view> verifyPushBody(std::string_view body, const DeviceInfo& device);

}  // namespace chasqui::sync
