#pragma once
// Errors as values for the sync layer. Every sync operation that can fail
// returns SyncResult<T>; `message` is written for a supervisor at the kiosk and
// says what happened and what to do. `code` is what the sync loop acts on
// (retry with backoff, stop and alert, wipe on revocation).
#include <expected>
#include <string>
#include <utility>

namespace chasqui::sync {

enum class SyncErrorCode {
    Offline,        // no route to the server: DNS, connect or the link dropped mid-transfer
    Timeout,        // connected, but the transfer was too slow or stalled past the limits
    TlsFailure,     // no secure channel: certificate, handshake, or a URL that would not be encrypted
    PinMismatch,    // TLS worked but the server key is not the pinned one: possible interception
    CaptivePortal,  // something answered, but not a Chasqui server (a Wi-Fi login page)
    HttpError,      // the server answered with an error status not covered below
    Unauthorized,   // the device credential is missing or unknown (401)
    Revoked,        // the device was revoked (403 `revoked`): wipe and stop syncing
    BadResponse,    // the answer could not be decoded or broke the protocol
    TooLarge,       // the answer (or a body we were about to send) is over the size limit
    Internal,       // a bug or a broken configuration: please report it
};

const char* syncErrorCodeName(SyncErrorCode code);

struct SyncError {
    SyncErrorCode code = SyncErrorCode::Internal;
    std::string message;
    int httpStatus = 0;      // the HTTP status when the server answered, else 0
    std::string serverCode;  // the server's stable `error.code` when it sent one
};

template <typename T>
using SyncResult = std::expected<T, SyncError>;

inline std::unexpected<SyncError> syncFail(SyncErrorCode code, std::string message, int httpStatus = 0,
                                           std::string serverCode = {}) {
    return std::unexpected(SyncError{code, std::move(message), httpStatus, std::move(serverCode)});
}

}  // namespace chasqui::sync
