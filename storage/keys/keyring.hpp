#pragma once
// keyring.json: what must be readable before any staff member signs in — the
// device identity, each staff member's wrap of the data key, and the failed
// sign-in counters (kept here so they survive a restart). It holds no personal
// data of beneficiaries; staff appear by id, login and role only.
//
// Since version 2 the file carries a check value of the device secret (so a
// foreign secret is refused before any PIN is tried and counted) and a MAC
// keyed by the device secret over everything else (so edited counters or
// locks are refused). See storage/SECURITY.md for what a rollback to an older
// valid copy still allows.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "storage/base/data_dir.hpp"
#include "storage/base/error.hpp"
#include "storage/keys/key_wrap.hpp"

namespace chasqui::storage {

struct Credential {
    std::string staffId;
    std::string login;
    std::string role;
    WrappedKey wrap;
    int failures = 0;  // consecutive failed sign-ins
    std::int64_t lastFailureMs = 0;
    bool locked = false;  // set after kMaxFailures; cleared by a PIN reset
};

struct Keyring {
    std::string deviceId;
    std::string officeCode;
    int deviceNumber = 1;
    std::string primaryLogin;  // the administrator created by `chasqui init`
    std::vector<Credential> credentials;
    // Incremented by every save; the store records it at each successful
    // sign-in, so a keyring restored from before then shows up in the audit.
    std::uint64_t generation = 0;
    // Read from a version-1 file (no MAC, no device check). Saved in that form
    // until a sign-in succeeds, which proves the device secret is the right
    // one to sign it with; then it is upgraded.
    bool legacyUnsigned = false;

    Credential* find(const std::string& login);
    Credential* findByStaffId(const std::string& staffId);
};

// Reads dir's keyring.json and, for a signed keyring, checks the device
// secret's check value and then the MAC. Errors: NotFound (no keyring: not a
// data directory), Damaged with field kDeviceSecretPart (the device secret is
// missing or belongs to another keyring), Damaged with field kKeyringPart
// (unreadable, not a regular file, invalid, or changed outside Chasqui).
Result<Keyring> loadKeyring(const DataDir& dir);
// Increments keyring.generation and writes the file signed (or unsigned while
// legacyUnsigned). When the disk is full it releases the space reserve and
// tries once more.
Result<void> saveKeyring(const DataDir& dir, Keyring& keyring);
// The same for the data directory that holds `path` (its keyring.json).
Result<Keyring> loadKeyring(const std::filesystem::path& path);
Result<void> saveKeyring(const std::filesystem::path& path, Keyring& keyring);

// Sign-in throttling: three free attempts, then a growing wait (5 s, 10 s,
// 20 s ... capped at 5 minutes), and the account locks at the tenth failure.
constexpr int kFreeAttempts = 3;
constexpr int kMaxFailures = 10;
// Milliseconds the account must still wait before the next attempt (0 = may try now).
std::int64_t signInWaitMs(const Credential& credential, std::int64_t nowMs);

}  // namespace chasqui::storage
