#pragma once
// keyring.json: what must be readable before any staff member signs in — the
// device identity, each staff member's wrap of the data key, and the failed
// sign-in counters (kept here so they survive a restart). It holds no personal
// data of beneficiaries; staff appear by id, login and role only.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "storage/error.hpp"
#include "storage/key_wrap.hpp"

namespace chasqui::storage {

struct Credential {
    std::string staffId;
    std::string login;
    std::string role;
    WrappedKey wrap;
    int failures = 0;               // consecutive failed sign-ins
    std::int64_t lastFailureMs = 0;
    bool locked = false;            // set after kMaxFailures; cleared by a PIN reset
};

struct Keyring {
    std::string deviceId;
    std::string officeCode;
    int deviceNumber = 1;
    std::string primaryLogin;  // the administrator created by `chasqui init`
    std::vector<Credential> credentials;

    Credential* find(const std::string& login);
    Credential* findByStaffId(const std::string& staffId);
};

Result<Keyring> loadKeyring(const std::filesystem::path& path);
Result<void> saveKeyring(const std::filesystem::path& path, const Keyring& keyring);

// Sign-in throttling: three free attempts, then a growing wait (5 s, 10 s,
// 20 s ... capped at 5 minutes), and the account locks at the tenth failure.
constexpr int kFreeAttempts = 3;
constexpr int kMaxFailures = 10;
// Milliseconds the account must still wait before the next attempt (0 = may try now).
std::int64_t signInWaitMs(const Credential& credential, std::int64_t nowMs);

}  // namespace chasqui::storage
