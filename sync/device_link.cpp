#include "sync/device_link.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace chasqui::sync {

namespace fs = std::filesystem;

fs::path deviceLinkPath(const storage::DataDir& dir) { return dir.root / "sync" / "device.json"; }

storage::Result<DeviceLink> loadDeviceLink(const storage::DataDir& dir) {
    auto text = storage::readSmallFile(deviceLinkPath(dir), 64 * 1024);
    if (!text) {
        return storage::fail(storage::ErrorCode::NotFound,
                             "this kiosk is not enrolled with a server; run `chasqui enroll` with a code from the server");
    }
    const auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object() || !j.contains("server_url") || !j["server_url"].is_string() || !j.contains("device_token") ||
        !j["device_token"].is_string())
        return storage::fail(storage::ErrorCode::Damaged, "sync/device.json is damaged; enroll the kiosk again");
    return DeviceLink{j["server_url"], j["device_token"], j.value("device_number", 0), j.value("office", std::string())};
}

storage::Result<void> saveDeviceLink(const storage::DataDir& dir, const DeviceLink& link) {
    std::error_code ec;
    fs::create_directories(deviceLinkPath(dir).parent_path(), ec);
    fs::permissions(deviceLinkPath(dir).parent_path(), fs::perms::owner_all, fs::perm_options::replace, ec);
    const nlohmann::json j = {{"server_url", link.serverUrl},
                              {"device_token", link.deviceToken},
                              {"device_number", link.deviceNumber},
                              {"office", link.office}};
    return storage::writeFileAtomically(deviceLinkPath(dir), j.dump(2) + "\n");
}

storage::Result<void> wipeRevokedDevice(const storage::DataDir& dir) {
    std::error_code ec;
    for (const auto& path : {dir.personalDb(), fs::path(dir.personalDb().string() + "-wal"),
                             fs::path(dir.personalDb().string() + "-shm"), dir.keyring()}) {
        fs::remove(path, ec);
        if (ec) return storage::fail(storage::ErrorCode::Io, fmt::format("could not delete {}: {}", path.string(), ec.message()));
    }
    fs::remove_all(dir.root / "sync", ec);
    return {};
}

}  // namespace chasqui::sync
