#pragma once
// Enrolling this kiosk with a server using a one-time code from the server's
// administrator: what `chasqui enroll` and the kiosk's enrollment screen both
// do. Sends the device id and public key, checks that the code is for this
// kiosk's office, then keeps the server's public key and the device number in
// the encrypted store and the keyring, and the link (URL, token) in
// DIR/sync/device.json for the sync worker.
// Runs on the caller's thread (the CLI, or the kiosk's worker): it blocks on
// the network, bounded by the transport's timeouts.
#include <expected>
#include <string>

#include "storage/db/personal_store.hpp"
#include "sync/client/device_keys.hpp"
#include "sync/client/http_server_channel.hpp"
#include "sync/protocol/sync_error.hpp"

namespace chasqui::sync {

struct EnrollmentResult {
    int deviceNumber = 0;
    std::string office;
    std::string serverUrl;
};

// Errors are SyncError: the server's or the network's (`serverCode`
// "enroll_code_invalid": a wrong, used or expired code, or one for another
// office; "already_enrolled"), PermissionDenied (not a supervisor),
// WrongOffice (`office` names the code's office), or the store's or a file's
// refusal (`store` set).
// The three steps of enrollDevice, for a caller (the kiosk) that must not
// hold the store during the network exchange: it reads the request with the
// store open, sends it on a network thread with no store, and applies the
// answer only if the same session is still open (a session that ended in
// between drops the answer: nothing is half-applied).
struct EnrollmentRequest {
    std::string deviceId;
    DevicePublicKeys keys;
    std::string office;
};
// Only a supervisor or administrator may enroll (PermissionDenied).
SyncResult<EnrollmentRequest> enrollmentRequest(storage::PersonalStore& store);
// The network exchange; touches no store.
SyncResult<EnrollmentAnswer> sendEnrollment(HttpServerChannel& channel, const EnrollmentRequest& request,
                                            const std::string& code);
// Checks the answer's office against the request's and keeps what the server sent.
SyncResult<EnrollmentResult> applyEnrollment(storage::PersonalStore& store, const EnrollmentRequest& request,
                                             const EnrollmentAnswer& answer, const std::string& serverUrl);

// Enrolls through `channel` (made for `serverUrl`, without a device token).
// Only a supervisor or administrator may enroll.
SyncResult<EnrollmentResult> enrollDevice(storage::PersonalStore& store, HttpServerChannel& channel,
                                          const std::string& serverUrl, const std::string& code);
// Same over a fresh libcurl transport; `pinnedPublicKey` optional ("sha256//BASE64").
SyncResult<EnrollmentResult> enrollDevice(storage::PersonalStore& store, const std::string& serverUrl,
                                          const std::string& code, const std::string& pinnedPublicKey = {});

}  // namespace chasqui::sync
