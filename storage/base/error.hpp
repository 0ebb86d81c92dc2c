#pragma once
// Errors as values for the storage layer. Every public function that can fail
// returns Result<T>; the message is written for the person at the keyboard and
// says what went wrong and what to do about it.
#include <expected>
#include <string>
#include <utility>

namespace chasqui::storage {

enum class ErrorCode {
    InvalidInput,      // a field failed validation; `field` names it
    NotFound,          // the record, staff member or file does not exist
    AlreadyExists,     // a unique value (login, data directory) is taken
    WrongCredential,   // the PIN or passphrase does not open this account
    Throttled,         // too many recent failures: wait before trying again
    AccountLocked,     // too many failures or disabled: an administrator must reset it
    PermissionDenied,  // the signed-in role may not do this
    Damaged,           // the data on disk is corrupt, truncated or tampered with
    Io,                // the file system refused (permissions, disk full)
    Internal,          // a bug: please report it
};

const char* errorCodeName(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;
    std::string field;  // for InvalidInput: which field (e.g. "doc_number"); for Damaged, when
                        // known, which file (kDeviceSecretPart, kKeyringPart, kPersonalDbPart)
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string message, std::string field = {}) {
    return std::unexpected(Error{code, std::move(message), std::move(field)});
}

inline std::unexpected<Error> invalid(std::string field, std::string message) {
    return std::unexpected(Error{ErrorCode::InvalidInput, std::move(message), std::move(field)});
}

}  // namespace chasqui::storage
