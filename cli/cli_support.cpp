#include "cli/cli_support.hpp"

#include <fmt/core.h>

#include "storage/base/secret.hpp"
#include "storage/keys/keyring.hpp"

namespace chasqui::cli {

using storage::ErrorCode;

int exitCodeFor(const storage::Error& error) {
    switch (error.code) {
        case ErrorCode::WrongCredential:
        case ErrorCode::Throttled:
        case ErrorCode::AccountLocked:
        case ErrorCode::PermissionDenied:
            return kCredentials;
        case ErrorCode::Damaged:
            // Not the data's fault: the data directory is fine, the secret is wrong.
            return error.field == storage::kDeviceSecretPart ? kWrongDevice : kDamaged;
        case ErrorCode::InvalidInput:
        case ErrorCode::AlreadyExists:
            return kInvalidInput;
        default:
            return kFailure;
    }
}

const char* exitCodeHelp() {
    return "Exit codes:\n"
           "  0  done\n"
           "  1  I/O or other error (a full disk, permissions)\n"
           "  2  wrong command line\n"
           "  3  wrong PIN, throttled, locked or not allowed\n"
           "  4  damaged, missing or tampered data: personal.db missing or failing its checks, keyring.json\n"
           "     edited or not a regular file, verify found problems. Keep a copy; restore from a backup.\n"
           "  5  invalid input (a value, an input file)\n"
           "  6  the device secret is missing or belongs to another kiosk: re-attach this kiosk's own\n"
           "     (CHASQUI_DEVICE_SECRET). The data is fine; do not restore it.\n";
}

int report(const storage::Error& error) {
    fmt::print(stderr, "chasqui: {}\n", error.message);
    return exitCodeFor(error);
}

storage::Result<std::unique_ptr<storage::PersonalStore>> signIn(const Credentials& c,
                                                                const storage::TrustedClock& clock) {
    storage::DataDir dir(c.data);
    clock.attach(dir);
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
    if (store && !(*store)->session().securityWarning.empty())
        fmt::print(stderr, "chasqui: warning: {}\n", (*store)->session().securityWarning);
    return store;
}

}  // namespace chasqui::cli
