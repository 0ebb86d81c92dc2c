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

#include "storage/base/error.hpp"
#include "storage/db/personal_store.hpp"
#include "sync/device_keys.hpp"
#include "sync/http_server_channel.hpp"
#include "sync/sync_error.hpp"

namespace chasqui::sync {

struct EnrollmentResult {
    int deviceNumber = 0;
    std::string office;
    std::string serverUrl;
};

// Why enrolling failed. `storage` is set for Storage and WrongOffice (the
// CLI prints its message and picks its exit code from it), `sync` for Sync.
struct EnrollmentError {
    enum class Kind {
        Storage,      // not a supervisor (PermissionDenied), or the store or a file refused
        Sync,         // the server or the network: see sync.code and sync.serverCode
                      // ("enroll_code_invalid": a wrong, used or expired code, or one for another office;
                      // "already_enrolled")
        WrongOffice,  // the server accepted a code meant for another office
    };
    Kind kind = Kind::Storage;
    storage::Error storage;
    SyncError sync;
    std::string codeOffice;  // WrongOffice: the office the code was for
    const std::string& message() const { return kind == Kind::Sync ? sync.message : storage.message; }
};

template <typename T>
using EnrollmentOutcome = std::expected<T, EnrollmentError>;

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
EnrollmentOutcome<EnrollmentRequest> enrollmentRequest(storage::PersonalStore& store);
// The network exchange; touches no store.
EnrollmentOutcome<EnrollmentAnswer> sendEnrollment(HttpServerChannel& channel, const EnrollmentRequest& request,
                                                   const std::string& code);
// Checks the answer's office against the request's and keeps what the server sent.
EnrollmentOutcome<EnrollmentResult> applyEnrollment(storage::PersonalStore& store, const EnrollmentRequest& request,
                                                    const EnrollmentAnswer& answer, const std::string& serverUrl);

// Enrolls through `channel` (made for `serverUrl`, without a device token).
// Only a supervisor or administrator may enroll.
EnrollmentOutcome<EnrollmentResult> enrollDevice(storage::PersonalStore& store, HttpServerChannel& channel,
                                                 const std::string& serverUrl, const std::string& code);
// Same over a fresh libcurl transport; `pinnedPublicKey` optional ("sha256//BASE64").
EnrollmentOutcome<EnrollmentResult> enrollDevice(storage::PersonalStore& store, const std::string& serverUrl,
                                                 const std::string& code, const std::string& pinnedPublicKey = {});

}  // namespace chasqui::sync
