#include "sync/protocol/sync_error.hpp"

namespace chasqui::sync {

const char* syncErrorCodeName(SyncErrorCode code) {
    switch (code) {
        case SyncErrorCode::Offline:
            return "offline";
        case SyncErrorCode::Timeout:
            return "timeout";
        case SyncErrorCode::TlsFailure:
            return "tls_failure";
        case SyncErrorCode::PinMismatch:
            return "pin_mismatch";
        case SyncErrorCode::CaptivePortal:
            return "captive_portal";
        case SyncErrorCode::HttpError:
            return "http_error";
        case SyncErrorCode::BadResponse:
            return "bad_response";
        case SyncErrorCode::Unauthorized:
            return "unauthorized";
        case SyncErrorCode::BadSignature:
            return "bad_signature";
        case SyncErrorCode::Revoked:
            return "revoked";
        case SyncErrorCode::EnrollCodeInvalid:
            return "enroll_code_invalid";
        case SyncErrorCode::AlreadyEnrolled:
            return "already_enrolled";
        case SyncErrorCode::PermissionDenied:
            return "permission_denied";
        case SyncErrorCode::WrongOffice:
            return "wrong_office";
        case SyncErrorCode::BadRequest:
            return "bad_request";
        case SyncErrorCode::InvalidUtf8:
            return "invalid_utf8";
        case SyncErrorCode::TooLarge:
            return "too_large";
        case SyncErrorCode::NotFound:
            return "not_found";
        case SyncErrorCode::CursorExpired:
            return "cursor_expired";
        case SyncErrorCode::UnsupportedProtocol:
            return "unsupported_protocol";
        case SyncErrorCode::RequestTimeout:
            return "request_timeout";
        case SyncErrorCode::Busy:
            return "busy";
        case SyncErrorCode::UnknownEntity:
            return "unknown_entity";
        case SyncErrorCode::UnknownField:
            return "unknown_field";
        case SyncErrorCode::WrongDevice:
            return "wrong_device";
        case SyncErrorCode::OutOfScope:
            return "out_of_scope";
        case SyncErrorCode::ClockAhead:
            return "clock_ahead";
        case SyncErrorCode::IdReused:
            return "id_reused";
        case SyncErrorCode::AppendOnly:
            return "append_only";
        case SyncErrorCode::UniqueViolation:
            return "unique_violation";
        case SyncErrorCode::NotMerged:
            return "not_merged";
        case SyncErrorCode::Internal:
            return "internal";
    }
    return "internal";
}

SyncError fromStorage(const storage::Error& error, std::string_view context) {
    std::string message(context);
    message += error.message;
    const SyncErrorCode code =
        error.code == storage::ErrorCode::PermissionDenied ? SyncErrorCode::PermissionDenied : SyncErrorCode::Internal;
    return SyncError{code, std::move(message), 0, {}, error, {}};
}

}  // namespace chasqui::sync
