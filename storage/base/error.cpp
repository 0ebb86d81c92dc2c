#include "storage/base/error.hpp"

namespace chasqui::storage {

const char* errorCodeName(ErrorCode code) {
    switch (code) {
        case ErrorCode::InvalidInput:
            return "invalid_input";
        case ErrorCode::NotFound:
            return "not_found";
        case ErrorCode::AlreadyExists:
            return "already_exists";
        case ErrorCode::WrongCredential:
            return "wrong_credential";
        case ErrorCode::Throttled:
            return "throttled";
        case ErrorCode::AccountLocked:
            return "account_locked";
        case ErrorCode::PermissionDenied:
            return "permission_denied";
        case ErrorCode::Damaged:
            return "damaged";
        case ErrorCode::Io:
            return "io";
        case ErrorCode::Internal:
            return "internal";
    }
    return "internal";
}

}  // namespace chasqui::storage
