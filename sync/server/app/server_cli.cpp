#include <fmt/core.h>
#include <sodium.h>

#include "storage/base/data_dir.hpp"
#include "storage/base/secret.hpp"
#include "sync/server/app/server_cli.hpp"

namespace chasqui::sync {

namespace fs = std::filesystem;

int reportServerError(const SyncError& error) {
    fmt::print(stderr, "chasqui-server: {}\n", error.message);
    return error.code == SyncErrorCode::Internal || error.code == SyncErrorCode::Busy ? kExitFailure
                                                                                      : kExitInvalidInput;
}

void addLocationOptions(CLI::App& command, ServerLocation& where) {
    command.add_option("--data", where.dataDir, "Server data directory (keys; the embedded store)")->required();
    command
        .add_option("--database", where.databaseUrl,
                    "PostgreSQL URL (postgresql://USER@HOST:PORT/DB); left out: the embedded store in --data")
        ->envname("CHASQUI_DATABASE_URL");
}

SyncResult<std::string> adminToken(const fs::path& dir) {
    const fs::path path = dir / "admin.token";
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        if (!fs::exists(dir, ec)) {
            fs::create_directories(dir, ec);
            fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
        }
        storage::SecretBytes raw = storage::SecretBytes::random(32);
        std::string token(sodium_base64_encoded_len(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
        sodium_bin2base64(token.data(), token.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        token.resize(token.size() - 1);
        auto written = storage::writeFileAtomically(path, token + "\n");
        storage::wipeString(token);
        if (!written) return syncFail(SyncErrorCode::Internal, written.error().message);
    }
    auto content = storage::readSmallFile(path, 256);
    if (!content) return syncFail(SyncErrorCode::Internal, content.error().message);
    while (!content->empty() && (content->back() == '\n' || content->back() == '\r' || content->back() == ' '))
        content->pop_back();
    if (content->size() < 32)
        return sync::syncFail(
            sync::SyncErrorCode::Internal,
            fmt::format("{} is damaged; delete it and run `chasqui-server admin-token` for a new one", path.string()));
    return std::move(*content);
}

}  // namespace chasqui::sync
