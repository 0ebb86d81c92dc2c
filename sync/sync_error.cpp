#include "sync/sync_error.hpp"

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
        case SyncErrorCode::Unauthorized:
            return "unauthorized";
        case SyncErrorCode::Revoked:
            return "revoked";
        case SyncErrorCode::BadResponse:
            return "bad_response";
        case SyncErrorCode::TooLarge:
            return "too_large";
        case SyncErrorCode::Internal:
            return "internal";
    }
    return "internal";
}

}  // namespace chasqui::sync
