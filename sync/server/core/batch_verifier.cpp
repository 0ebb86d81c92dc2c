#include "sync/server/core/batch_verifier.hpp"

#include "sync/protocol/batch_signature.hpp"

namespace chasqui::sync {

SyncResult<std::string_view> verifyPushBody(std::string_view body, const DeviceInfo& device) {
    if (device.signingKey.size() != kSigningPublicKeyBytes)
        return syncFail(SyncErrorCode::BadSignature,
                        "this device was enrolled before pushes were signed; enroll it again with a new code (its "
                        "unsent changes stay on the kiosk and are sent after enrolling)");
    auto sealed = verifySignedBatch(body, device.id, device.signingKey);
    if (!sealed)
        return syncFail(SyncErrorCode::BadSignature,
                        "the batch is not signed with this device's key; sign in on the kiosk so it seals its "
                        "changes again, or enroll it again");
    return *sealed;
}

}  // namespace chasqui::sync
