#pragma once
// Layout of a kiosk data directory and the small file helpers around it.
//   personal.db      SQLCipher personal-data store (never opened in self-service)
//   keyring.json     staff key wraps and sign-in counters (no personal data)
//   device.secret    32 random bytes mixed into every wrap; see storage/SECURITY.md
//   catalog.db       service catalog (public information, not encrypted)
#include <filesystem>
#include <string>
#include <string_view>

#include "storage/base/error.hpp"
#include "storage/base/secret.hpp"

namespace chasqui::storage {

struct DataDir {
    std::filesystem::path root;
    // Where the device secret lives. Defaults to root/device.secret; production
    // kiosks point CHASQUI_DEVICE_SECRET at a file on separate, removable or
    // TPM-sealed storage so a copied disk alone is not enough.
    std::filesystem::path deviceSecretPath;

    explicit DataDir(std::filesystem::path dir);
    std::filesystem::path personalDb() const { return root / "personal.db"; }
    std::filesystem::path keyring() const { return root / "keyring.json"; }
    std::filesystem::path catalogDb() const { return root / "catalog.db"; }
    // True once `chasqui init` finished (keyring.json exists), even if other
    // files are missing or damaged: those are errors, not a new directory.
    bool initialized() const;
};

// Error::field of a Damaged error that concerns one file of the data
// directory, so callers can tell "restore from a backup" (store, keyring)
// from "re-attach the right device secret".
inline constexpr const char* kDeviceSecretPart = "device_secret";
inline constexpr const char* kKeyringPart = "keyring";
inline constexpr const char* kPersonalDbPart = "personal_db";

// Writes a file so that a crash leaves either the old or the new content:
// temporary file, fsync, rename, fsync of the directory. Mode 0600. On failure
// the temporary file is removed; `errorNumber` receives errno (ENOSPC: full).
Result<void> writeFileAtomically(const std::filesystem::path& path, std::string_view content);
Result<void> writeFileAtomically(const std::filesystem::path& path, std::string_view content, int& errorNumber);

enum class ReadableKinds { RegularOnly, RegularOrPipe };
// Reads a whole file of at most maxBytes. Never blocks on, and never opens,
// anything but a regular file (symlinks are followed to one): a FIFO, a
// directory, a device or a socket is refused as InvalidInput before it is
// opened, unless `kinds` allows a pipe (a PIN handed over by a script).
// NotFound when the file does not exist, Io when it cannot be read.
Result<std::string> readSmallFile(const std::filesystem::path& path, std::size_t maxBytes,
                                  ReadableKinds kinds = ReadableKinds::RegularOnly);

// Damaged with field kDeviceSecretPart when missing, unreadable or of the wrong size.
Result<SecretBytes> loadDeviceSecret(const DataDir& dir);
Result<void> createDeviceSecret(const DataDir& dir);

// Reads a PIN from a file (first line, trailing newline and spaces removed).
Result<std::string> readPinFile(const std::filesystem::path& path);

}  // namespace chasqui::storage
