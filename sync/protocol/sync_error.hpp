#pragma once
// The one list of error codes of the sync module: the kiosk's sync client, the
// protocol and its codec, and the central server's core (sync/server/). Every
// sync operation that can fail returns SyncResult<T>.
//
// - `code` is what callers act on: the kiosk's sync loop (retry with backoff,
//   stop and alert, wipe on revocation), the server's push (quarantine one
//   change), the edges below.
// - `message` is written for the person who must act (a supervisor at the
//   kiosk, an administrator at the server): what happened and what to do. It
//   never holds personal data.
// - No HTTP here. The kiosk's HTTP client records what a server answered
//   (`httpStatus`, `serverCode`); the server's core never sets them, and only
//   its HTTP layer (sync/server/http/http_errors.hpp, one table) turns a code into
//   an HTTP status and the wire `error.code` of sync/PROTOCOL.md section 4.
// - Words for people live at the edges: the kiosk's translations
//   (kiosk/screens/supervisor_common.cpp) and the CLI's printing (cli/cmd_sync.cpp).
// - storage::Error becomes a SyncError where sync calls the store
//   (fromStorage below): the store's message is kept, the code is Internal
//   (PermissionDenied for a role that may not act), and the store's own error
//   rides along in `store` so the CLI's exit code and the kiosk's words can
//   say "damaged", "disk full" or "wrong device secret" as they do elsewhere.
// - Files that belong to this device alone (device.json, the spool, the
//   sealed outbox after a revocation, the device's key pairs) are read and
//   written with storage::Result: they are the store's business, not the
//   protocol's, and a sync operation that meets their failure converts it
//   once with fromStorage.
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "storage/base/error.hpp"

namespace chasqui::sync {

enum class SyncErrorCode {
    // Reaching the server (the kiosk's transport).
    Offline,        // no route to the server: DNS, connect or the link dropped mid-transfer
    Timeout,        // connected, but the transfer was too slow or stalled past the limits
    TlsFailure,     // no secure channel: certificate, handshake, or a URL that would not be encrypted
    PinMismatch,    // TLS worked but the server key is not the pinned one: possible interception
    CaptivePortal,  // something answered, but not a Chasqui server (a Wi-Fi login page)
    // The server's answer, as the kiosk classifies it (its own code in serverCode).
    HttpError,    // the server answered with an error status not covered by a code of its own
    BadResponse,  // the answer could not be decoded or broke the protocol
    // Credentials and devices (kiosk and server).
    Unauthorized,       // the device (or admin) credential is missing or unknown
    BadSignature,       // server: a push not signed with the device's signing key, or from a device
                        // enrolled before pushes were signed (it must enroll again)
    Revoked,            // the device was revoked: the kiosk wipes and stops syncing
    EnrollCodeInvalid,  // server: an unknown, used or expired enrollment code, or one for another office
    AlreadyEnrolled,    // server: the device is enrolled already; revoke it first
    PermissionDenied,   // kiosk: the signed-in role may not do this (only a supervisor or administrator
                        // enrolls the kiosk)
    WrongOffice,        // kiosk: the server accepted an enrollment code meant for another office
                        // (`office` names it); nothing was kept
    // Requests, batches and changes that are refused (codec, server core, HTTP edge).
    BadRequest,           // malformed JSON, a wrong type, a missing field, a malformed cursor or batch
    InvalidUtf8,          // a string is not valid UTF-8
    TooLarge,             // over a size or count limit (a request, an answer, a field, a batch)
    NotFound,             // server: no such device, endpoint or published catalog
    CursorExpired,        // server: the pull cursor is from another server database: resync from the start
    UnsupportedProtocol,  // server's HTTP edge: the request's protocol version is not spoken
    RequestTimeout,       // server's HTTP edge: the request did not arrive within its deadline
    Busy,                 // server's HTTP edge: the memory budget or connection caps are spent
    // One change refused: quarantined by the server, rejected by the kiosk's applier.
    UnknownEntity,    // not a synced entity
    UnknownField,     // the entity has no such synced field
    WrongDevice,      // server: a device may only push changes it made itself
    OutOfScope,       // server: the device or the record belongs to another office
    ClockAhead,       // server: stamped too far ahead of the server's clock (PROTOCOL.md 3.1)
    IdReused,         // server: a different change was received with the same id
    AppendOnly,       // the record exists and its entity never changes once written
    UniqueViolation,  // kiosk: the change would break a unique value of the local store
    NotMerged,        // kiosk: the local store refused the change while merging
    // Anything else.
    Internal,  // a bug, a broken configuration, or a store or file on this machine that refused
};

// The code's stable snake_case name ("offline", "cursor_expired", ...): for
// logs, tests and the quarantine table. For a code the server sends, it is
// the wire code of sync/PROTOCOL.md (Internal is sent as "server_error").
const char* syncErrorCodeName(SyncErrorCode code);

struct SyncError {
    SyncErrorCode code = SyncErrorCode::Internal;
    std::string message;
    // Kiosk side only: what the server answered, when it answered. The
    // server's core and its HTTP layer leave both empty.
    int httpStatus = 0;      // the HTTP status, else 0
    std::string serverCode;  // the server's stable `error.code` when it sent one
    // Kiosk side only: the store's or a local file's own error, when that is
    // what failed (set by fromStorage).
    std::optional<storage::Error> store;
    std::string office;  // WrongOffice: the office the enrollment code was for
};

template <typename T>
using SyncResult = std::expected<T, SyncError>;

inline SyncError syncError(SyncErrorCode code, std::string message) {
    return SyncError{code, std::move(message), 0, {}, {}, {}};
}

inline std::unexpected<SyncError> syncFail(SyncErrorCode code, std::string message, int httpStatus = 0,
                                           std::string serverCode = {}) {
    return std::unexpected(SyncError{code, std::move(message), httpStatus, std::move(serverCode), {}, {}});
}

// A storage failure inside a sync operation: Internal (it is not the server's
// or the network's fault; PermissionDenied stays itself), keeping the store's
// message, which says what to do (free space, restore a damaged file), after
// `context` when one is given, and the store's error itself in `store`.
SyncError fromStorage(const storage::Error& error, std::string_view context = {});

}  // namespace chasqui::sync
