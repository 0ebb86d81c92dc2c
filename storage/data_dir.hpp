#pragma once
// Layout of a kiosk data directory and the small file helpers around it.
//   personal.db      SQLCipher personal-data store (never opened in self-service)
//   keyring.json     staff key wraps and sign-in counters (no personal data)
//   device.secret    32 random bytes mixed into every wrap; see storage/SECURITY.md
//   catalog.db       service catalog (public information, not encrypted)
#include <filesystem>
#include <string>
#include <string_view>

#include "storage/error.hpp"
#include "storage/secret.hpp"

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
    bool initialized() const;
};

// Writes a file so that a crash leaves either the old or the new content:
// temporary file, fsync, rename, fsync of the directory. Mode 0600.
Result<void> writeFileAtomically(const std::filesystem::path& path, std::string_view content);
Result<std::string> readSmallFile(const std::filesystem::path& path, std::size_t maxBytes);

Result<SecretBytes> loadDeviceSecret(const DataDir& dir);
Result<void> createDeviceSecret(const DataDir& dir);

// Reads a PIN from a file (first line, trailing newline and spaces removed).
Result<std::string> readPinFile(const std::filesystem::path& path);

}  // namespace chasqui::storage
