#include "sync/server/core/server_core.hpp"

#include <sodium.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <array>
#include <cstring>

#include <fmt/format.h>

#include "storage/base/data_dir.hpp"

namespace chasqui::sync {

namespace fs = std::filesystem;

namespace {

// Pages stay small enough for a 2G link.
constexpr std::size_t kMaxPullPageBytes = 256 * 1024;

std::string randomEpoch() {
    std::array<unsigned char, 8> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    std::array<char, 17> hex{};
    sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
    return {hex.data(), 16};
}

}  // namespace

SyncResult<storage::SecretBytes> serverSecretFile(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        // Written beside, then linked into place: link() never replaces, so
        // when several processes start at once on a new directory, one key
        // wins and every process reads that one.
        const fs::path fresh = path.string() + fmt::format(".new-{}", ::getpid());
        storage::SecretBytes bytes = storage::SecretBytes::random(32);
        if (auto r = storage::writeFileAtomically(
                fresh, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
            !r)
            return std::unexpected(fromStorage(r.error()));
        if (::link(fresh.c_str(), path.c_str()) != 0 && errno != EEXIST) {
            fs::remove(fresh, ec);
            return syncFail(SyncErrorCode::Internal, fmt::format("cannot create {}", path.string()));
        }
        fs::remove(fresh, ec);
    }
    auto content = storage::readSmallFile(path, 64);
    if (!content || content->size() != 32)
        return syncFail(SyncErrorCode::Internal,
                        fmt::format("{} is missing or damaged; restore it from a backup", path.string()));
    storage::SecretBytes secret(32);
    std::memcpy(secret.data(), content->data(), 32);
    storage::wipeString(*content);
    return secret;
}

SyncResult<std::unique_ptr<ServerCore>> ServerCore::open(const ServerLocation& where, const storage::Clock& clock) {
    const fs::path& dir = where.dataDir;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return syncFail(SyncErrorCode::Internal, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    storage::ensureSodium();
    std::unique_ptr<ServerCore> core(new ServerCore(clock));
    RepositoryConfig config{dir, where.databaseUrl, nullptr, nullptr};
    if (where.databaseUrl.empty()) {
        auto key = serverSecretFile(dir / "server.db.key");
        if (!key) return std::unexpected(key.error());
        core->m_storeKey = std::move(*key);
        config.storeKey = &core->m_storeKey;
    } else {
        auto cipher = FieldCipher::openOrCreate(dir);
        if (!cipher) return std::unexpected(cipher.error());
        core->m_fieldCipher = std::make_unique<FieldCipher>(std::move(*cipher));
        config.fieldCipher = core->m_fieldCipher.get();
    }
    auto box = serverSecretFile(dir / "server.box");
    if (!box) return std::unexpected(box.error());
    core->m_boxSecret = std::move(*box);
    core->m_boxPublic.resize(crypto_box_PUBLICKEYBYTES);
    crypto_scalarmult_base(reinterpret_cast<unsigned char*>(core->m_boxPublic.data()), core->m_boxSecret.data());

    auto repo = openRepository(config);
    if (!repo) return std::unexpected(repo.error());
    core->m_repo = std::move(*repo);
    if (auto r = core->m_repo->migrate(); !r) return std::unexpected(r.error());
    // Random, so that a recreated database never accepts an old cursor.
    auto epoch = core->m_repo->setting("epoch", randomEpoch());
    if (!epoch) return std::unexpected(epoch.error());
    core->m_epoch = *epoch;
    auto serverId = core->m_repo->setting("server_device_id", core->m_ids.next());
    if (!serverId) return std::unexpected(serverId.error());
    core->m_serverId = *serverId;
    // Never reuse a clock stamp after a restart (each push stores the last one).
    auto hlc = core->m_repo->setting("last_hlc", "000000000000-0000");
    if (!hlc) return std::unexpected(hlc.error());
    storage::HlcStamp stamp;
    if (storage::HlcStamp::decode(*hlc, stamp)) core->m_hlc.restore(stamp);
    return core;
}

SyncResult<PullPage> ServerCore::pull(const DeviceInfo& device, const std::string& cursor, std::size_t limit) {
    std::int64_t after = 0;
    if (!cursor.empty()) {
        const auto dot = cursor.find('.');
        if (dot == std::string::npos || cursor.substr(0, dot) != m_epoch)
            return syncFail(SyncErrorCode::CursorExpired,
                            "the sync cursor is from another server database; resync from the start");
        const std::string digits = cursor.substr(dot + 1);
        if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos)
            return syncFail(SyncErrorCode::BadRequest, "the cursor is malformed");
        after = std::stoll(digits);
    }
    limit = std::clamp<std::size_t>(limit, 1, 500);
    auto log = m_repo->changesFor(device.office, device.id, after, limit, kMaxPullPageBytes);
    if (!log) return std::unexpected(log.error());
    PullPage page;
    page.changes.reserve(log->payloads.size());
    std::size_t bytes = 0;
    for (const auto& payload : log->payloads) {
        bytes += payload.size();
        auto parsed = nlohmann::json::parse(payload, nullptr, false);
        if (parsed.is_discarded())
            return syncFail(SyncErrorCode::Internal, "a stored change could not be read; run chasqui-server status");
        page.changes.push_back(std::move(parsed));
    }
    std::int64_t last = log->last;
    page.more = last < log->newest && (page.changes.size() == limit || bytes > kMaxPullPageBytes);
    // With nothing left for this office, skip ahead so the next pull starts at the end.
    if (!page.more) last = std::max(last, log->newest);
    page.nextCursor = fmt::format("{}.{}", m_epoch, last);
    return page;
}

SyncResult<void> ServerCore::publishCatalog(const std::string& version, const std::string& json) {
    return m_repo->publishCatalog(version, json, m_clock.nowMs());
}

SyncResult<std::pair<std::string, std::string>> ServerCore::catalog() {
    auto row = m_repo->catalog();
    if (!row) return std::unexpected(row.error());
    return row->value_or(std::pair<std::string, std::string>{});
}

SyncResult<ServerStatus> ServerCore::status() {
    ServerStatus s;
    s.backend = std::string(m_repo->backend());
    auto schema = m_repo->schema();
    if (!schema) return std::unexpected(schema.error());
    s.schema = *schema;
    auto counts = m_repo->counts();
    if (!counts) return std::unexpected(counts.error());
    s.counts = std::move(*counts);
    auto devices = m_repo->devices();
    if (!devices) return std::unexpected(devices.error());
    s.devices = std::move(*devices);
    return s;
}

SyncResult<void> ServerCore::backup(const fs::path& to) {
    return m_repo->backup(to);
}

SyncResult<void> ServerCore::startNewEpoch() {
    const std::string epoch = randomEpoch();
    if (auto r = m_repo->replaceSetting("epoch", epoch); !r) return r;
    m_epoch = epoch;
    return {};
}

}  // namespace chasqui::sync
