#include "sync/client/device_link.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/base/validation.hpp"
#include "sync/client/spool_files.hpp"
#include "sync/protocol/protocol_limits.hpp"

namespace chasqui::sync {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxLinkBytes = 64 * 1024;
constexpr std::size_t kMaxUrlBytes = 2048;

const std::string* text(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

}  // namespace

fs::path deviceLinkPath(const storage::DataDir& dir) {
    return dir.root / "sync" / "device.json";
}

fs::path revokedOutboxPath(const storage::DataDir& dir) {
    return dir.root / "revoked-outbox";
}

storage::Result<DeviceLink> parseDeviceLink(std::string_view content) {
    const auto damaged = [] {
        return storage::fail(storage::ErrorCode::Damaged, "sync/device.json is damaged; enroll the kiosk again");
    };
    const auto j = nlohmann::json::parse(content, nullptr, false);
    if (!j.is_object()) return damaged();
    const std::string* url = text(j, "server_url");
    const std::string* token = text(j, "device_token");
    if (url == nullptr || url->empty() || url->size() > kMaxUrlBytes || token == nullptr || !isDeviceToken(*token))
        return damaged();
    DeviceLink link{*url, *token, 0, {}};
    // Written by every enrollment since the file exists; absent in none, but
    // not needed to sync, so an old file without them still works.
    if (const auto number = j.find("device_number"); number != j.end()) {
        // Unsigned first: get<std::int64_t>() would wrap one above INT64_MAX into range.
        const bool inRange = number->is_number_unsigned()
                                 ? number->get<std::uint64_t>() <= static_cast<std::uint64_t>(kMaxDeviceNumber) &&
                                       isDeviceNumber(number->get<std::int64_t>())
                                 : number->is_number_integer() && isDeviceNumber(number->get<std::int64_t>());
        if (!inRange) return damaged();
        link.deviceNumber = static_cast<int>(number->get<std::int64_t>());
    }
    if (j.contains("office")) {
        const std::string* code = text(j, "office");
        if (code == nullptr || !storage::checkOfficeCode(*code)) return damaged();
        link.office = *code;
    }
    return link;
}

storage::Result<DeviceLink> loadDeviceLink(const storage::DataDir& dir) {
    std::error_code ec;
    if (!fs::exists(deviceLinkPath(dir), ec))
        return storage::fail(
            storage::ErrorCode::NotFound,
            "this kiosk is not enrolled with a server; run `chasqui enroll` with a code from the server");
    auto content = storage::readSmallFile(deviceLinkPath(dir), kMaxLinkBytes);
    if (!content)
        return storage::fail(storage::ErrorCode::Damaged, "sync/device.json cannot be read; enroll the kiosk again");
    return parseDeviceLink(*content);
}

storage::Result<void> saveDeviceLink(const storage::DataDir& dir, const DeviceLink& link) {
    std::error_code ec;
    fs::create_directories(deviceLinkPath(dir).parent_path(), ec);
    fs::permissions(deviceLinkPath(dir).parent_path(), fs::perms::owner_all, fs::perm_options::replace, ec);
    const nlohmann::json j = {{"server_url", link.serverUrl},
                              {"device_token", link.deviceToken},
                              {"device_number", link.deviceNumber},
                              {"office", link.office}};
    return storage::writeFileAtomically(deviceLinkPath(dir),
                                        j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

namespace {
fs::path sessionMark(const storage::DataDir& dir) {
    return dir.root / "sync" / "session.open";
}
}  // namespace

void markSessionOpen(const storage::DataDir& dir) {
    std::error_code ec;
    fs::create_directories(sessionMark(dir).parent_path(), ec);
    (void)storage::writeFileAtomically(sessionMark(dir), "1\n");
}

void markOutboxSealed(const storage::DataDir& dir) {
    std::error_code ec;
    fs::remove(sessionMark(dir), ec);
}

storage::Result<WipeSummary> wipeRevokedDevice(const storage::DataDir& dir) {
    WipeSummary summary;
    std::error_code ec;
    const fs::path outbox = dir.root / "sync" / "outbox";
    std::vector<fs::path> batches;
    for (const auto& entry : fs::directory_iterator(outbox, ec))
        // Signed batches (.signed) and those from before batches were signed (.sealed).
        if (entry.path().extension() == ".signed" || entry.path().extension() == ".sealed")
            batches.push_back(entry.path());
    std::sort(batches.begin(), batches.end());
    if (!batches.empty()) {
        // Work that never reached the server stays, sealed, for an administrator.
        const fs::path kept = revokedOutboxPath(dir);
        fs::create_directories(kept, ec);
        if (ec)
            return storage::fail(storage::ErrorCode::Io, fmt::format("could not create {}: {}; nothing was deleted",
                                                                     kept.string(), ec.message()));
        fs::permissions(kept, fs::perms::owner_all, fs::perm_options::replace, ec);
        for (const fs::path& batch : batches) {
            fs::rename(batch, kept / batch.filename(), ec);
            if (ec)
                return storage::fail(storage::ErrorCode::Io,
                                     fmt::format("could not keep the unsent batch {}: {}; nothing was deleted",
                                                 batch.filename().string(), ec.message()));
            ++summary.keptBatches;
            if (auto name = parseOutboxName(batch.stem().string()); name && name->changes > 0)
                summary.keptChanges += name->changes;
        }
    }
    const std::vector<fs::path> storeFiles = {dir.personalDb(), fs::path(dir.personalDb().string() + "-wal"),
                                              fs::path(dir.personalDb().string() + "-shm"), dir.keyring()};
    if (fs::exists(sessionMark(dir), ec)) {
        // Changes of the last session may be in no sealed batch: the store is
        // kept whole, still encrypted (a staff PIN and the device secret open
        // it), for an administrator to sync from a recovery machine.
        const fs::path kept = revokedOutboxPath(dir) / "store";
        fs::create_directories(kept, ec);
        if (ec)
            return storage::fail(storage::ErrorCode::Io, fmt::format("could not create {}: {}; nothing was deleted",
                                                                     kept.string(), ec.message()));
        fs::permissions(revokedOutboxPath(dir), fs::perms::owner_all, fs::perm_options::replace, ec);
        for (const fs::path& path : storeFiles) {
            if (!fs::exists(path, ec)) continue;
            fs::rename(path, kept / path.filename(), ec);
            if (ec)
                return storage::fail(storage::ErrorCode::Io, fmt::format("could not keep {}: {}; nothing was deleted",
                                                                         path.string(), ec.message()));
        }
        summary.keptStore = true;
    }
    for (const auto& path : storeFiles) {
        fs::remove(path, ec);
        if (ec)
            return storage::fail(storage::ErrorCode::Io,
                                 fmt::format("could not delete {}: {}", path.string(), ec.message()));
    }
    fs::remove_all(dir.root / "sync", ec);
    return summary;
}

}  // namespace chasqui::sync
