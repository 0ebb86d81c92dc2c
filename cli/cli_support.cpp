#include "cli/cli_support.hpp"

#include <fmt/core.h>

#include "storage/keyring.hpp"
#include "storage/secret.hpp"

namespace chasqui::cli {

using storage::ErrorCode;

int exitCodeFor(const storage::Error& error) {
    switch (error.code) {
    case ErrorCode::WrongCredential:
    case ErrorCode::Throttled:
    case ErrorCode::AccountLocked:
    case ErrorCode::PermissionDenied: return kCredentials;
    case ErrorCode::Damaged: return kDamaged;
    case ErrorCode::InvalidInput:
    case ErrorCode::AlreadyExists: return kInvalidInput;
    default: return kFailure;
    }
}

int report(const storage::Error& error) {
    fmt::print(stderr, "chasqui: {}\n", error.message);
    return exitCodeFor(error);
}

storage::Result<std::unique_ptr<storage::PersonalStore>> signIn(const Credentials& c, const storage::Clock& clock) {
    storage::DataDir dir(c.data);
    std::string user = c.user;
    if (user.empty()) {
        auto keyring = storage::loadKeyring(dir.keyring());
        if (!keyring) return std::unexpected(keyring.error());
        user = keyring->primaryLogin;
    }
    auto pin = storage::readPinFile(c.pinFile);
    if (!pin) return std::unexpected(pin.error());
    auto store = storage::PersonalStore::signIn(dir, user, *pin, clock);
    storage::wipeString(*pin);
    return store;
}

}  // namespace chasqui::cli
