#include "sync/server/app/outbox_recovery.hpp"
#include "sync/server/app/server_cli.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "storage/base/data_dir.hpp"
#include "sync/protocol/batch_signature.hpp"
#include "sync/protocol/change_codec.hpp"
#include "sync/protocol/sealed_box.hpp"
#include "sync/server/core/batch_verifier.hpp"
#include "sync/server/core/server_core.hpp"

namespace chasqui::sync {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kOk = 0;
constexpr int kFailure = 1;
constexpr int kInvalidInput = 5;
// A push body is at most 4 MiB (PROTOCOL.md section 4); an outbox file is one.
constexpr std::size_t kMaxBatchFileBytes = 8 * 1024 * 1024;

struct OpenedBatch {
    DeviceInfo device;
    std::vector<json> changes;
};

// The batch in `body` (signature || sealed batch), checked as a push would be.
// The device is the one its changes name; its signature must be on the body.
SyncResult<OpenedBatch> openBatch(ServerCore& store, const std::vector<DeviceInfo>& devices, std::string_view body) {
    if (body.size() <= kBatchSignatureBytes)
        return syncFail(SyncErrorCode::BadRequest, "the file is too short to be a signed outbox batch");
    auto opened = openCompressed(body.substr(kBatchSignatureBytes), store.publicKey(), store.secretKey());
    if (!opened)
        return syncFail(SyncErrorCode::BadRequest,
                        "the file does not open with this server's key: it is not a signed outbox batch sealed to "
                        "this server");
    const json batch = json::parse(*opened, nullptr, false);
    if (!batch.is_object() || !batch.contains("columns"))
        return syncFail(SyncErrorCode::BadRequest, "the batch holds no change columns");
    auto changes = splitColumns(batch["columns"]);
    if (!changes) return std::unexpected(changes.error());
    if (changes->empty()) return syncFail(SyncErrorCode::BadRequest, "the batch holds no changes");
    // Every change of an outbox batch was made on the kiosk that sealed it.
    std::string deviceId;
    for (const json& change : *changes) {
        const auto it = change.is_object() ? change.find("device") : change.end();
        if (it == change.end() || !it->is_string() || (!deviceId.empty() && *it != deviceId))
            return syncFail(SyncErrorCode::BadRequest, "the batch's changes do not all name the same device");
        deviceId = it->get<std::string>();
    }
    const auto device =
        std::find_if(devices.begin(), devices.end(), [&](const DeviceInfo& d) { return d.id == deviceId; });
    if (device == devices.end())
        return syncFail(SyncErrorCode::NotFound,
                        fmt::format("device {} was never enrolled with this server", deviceId));
    if (auto signedBy = verifyPushBody(body, *device); !signedBy) return std::unexpected(signedBy.error());
    return OpenedBatch{*device, std::move(*changes)};
}

int recover(const ServerLocation& where, const std::vector<std::string>& files, const storage::Clock& clock) {
    auto store = ServerCore::open(where, clock);
    if (!store) {
        fmt::print(stderr, "chasqui-server: {}\n", store.error().message);
        return kFailure;
    }
    auto devices = (*store)->devices();
    if (!devices) {
        fmt::print(stderr, "chasqui-server: {}\n", devices.error().message);
        return kFailure;
    }
    int exitCode = kOk;
    int applied = 0, duplicates = 0, quarantined = 0, brought = 0;
    for (const std::string& file : files) {
        auto body = storage::readSmallFile(file, kMaxBatchFileBytes);
        if (!body) {
            fmt::print(stderr, "chasqui-server: {}: cannot be read (or is over 8 MiB)\n", file);
            exitCode = kInvalidInput;
            continue;
        }
        auto batch = openBatch(**store, *devices, *body);
        if (!batch) {
            fmt::print(stderr, "chasqui-server: {}: {}\n", file, batch.error().message);
            exitCode = kInvalidInput;
            continue;
        }
        auto pushed = (*store)->push(batch->device, std::move(batch->changes));
        if (!pushed) {
            fmt::print(stderr, "chasqui-server: {}: {}\n", file, pushed.error().message);
            return kFailure;
        }
        fmt::print("{}: device {}-{} ({}{}): {} applied, {} already there, {} refused\n", file, batch->device.office,
                   batch->device.number, batch->device.id, batch->device.revoked ? ", revoked" : "", pushed->applied,
                   pushed->duplicates, pushed->quarantined.size());
        for (const auto& q : pushed->quarantined)
            fmt::print("  refused {}: {} ({})\n", q.id, syncErrorCodeName(q.code), q.message);
        applied += pushed->applied;
        duplicates += pushed->duplicates;
        quarantined += static_cast<int>(pushed->quarantined.size());
        ++brought;
    }
    fmt::print("Recovered {} of {} files: {} changes applied, {} already there, {} refused\n", brought, files.size(),
               applied, duplicates, quarantined);
    return exitCode;
}

}  // namespace

void addRecoverOutboxCommand(CLI::App& app, const storage::Clock& clock, int& exitCode) {
    struct Options {
        ServerLocation where;
        std::vector<std::string> files;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand(
        "recover-outbox",
        "Bring in the unsent changes a revoked kiosk kept sealed (the files of its DIR/revoked-outbox/)");
    addLocationOptions(*command, options->where);
    command->add_option("FILE", options->files, "Outbox batch files (.signed)")->required();
    command->callback([options, &clock, &exitCode] { exitCode = recover(options->where, options->files, clock); });
}

}  // namespace chasqui::sync
