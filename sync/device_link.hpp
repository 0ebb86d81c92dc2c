#pragma once
// DIR/sync/device.json: how this kiosk reaches its server — URL, bearer token,
// device number. Read by the sync worker while the personal-data store is
// locked, so it is a plain file (0600); it holds no personal data. A stolen
// token lets a thief push sealed garbage (quarantined) or pull pages sealed
// to a key kept inside the encrypted store; revoking the device stops both.
#include <filesystem>
#include <string>

#include "storage/data_dir.hpp"
#include "storage/error.hpp"

namespace chasqui::sync {

struct DeviceLink {
    std::string serverUrl;
    std::string deviceToken;
    int deviceNumber = 0;
    std::string office;
};

std::filesystem::path deviceLinkPath(const storage::DataDir& dir);
storage::Result<DeviceLink> loadDeviceLink(const storage::DataDir& dir);  // NotFound when not enrolled
storage::Result<void> saveDeviceLink(const storage::DataDir& dir, const DeviceLink& link);

// What a revoked device must do: delete the personal-data store (database,
// WAL, keyring) and the sync state. The public catalog stays.
storage::Result<void> wipeRevokedDevice(const storage::DataDir& dir);

}  // namespace chasqui::sync
