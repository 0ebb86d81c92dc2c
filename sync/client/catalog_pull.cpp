#include "sync/client/catalog_pull.hpp"

#include <fmt/format.h>

#include "storage/base/validation.hpp"
#include "storage/catalog/catalog_import.hpp"

namespace chasqui::sync {

namespace {

// A local store failure is not the server's fault: Internal, keeping the
// store's message, which says what to do (free space, delete a damaged file).
constexpr std::string_view kCatalogFailed = "service catalog: ";

SyncResult<CatalogPullResult> currentState(storage::CatalogStore& store, bool changed) {
    auto info = store.info();
    if (!info) return std::unexpected(fromStorage(info.error(), kCatalogFailed));
    return CatalogPullResult{changed, info->version, info->count};
}

std::string keptCatalog(const std::string& version) {
    return version.empty() ? std::string("this kiosk still has no catalog")
                           : fmt::format("this kiosk keeps catalog version {}", version);
}

}  // namespace

SyncResult<CatalogPullResult> pullCatalog(const storage::DataDir& dir, CatalogChannel& channel) {
    auto store = storage::CatalogStore::open(dir);
    if (!store) return std::unexpected(fromStorage(store.error(), kCatalogFailed));
    return pullCatalog(*store, channel);
}

SyncResult<CatalogPullResult> pullCatalog(storage::CatalogStore& store, CatalogChannel& channel) {
    auto before = store.info();
    if (!before) return std::unexpected(fromStorage(before.error(), kCatalogFailed));
    auto fetched = channel.fetchCatalog(before->version);
    if (!fetched) return std::unexpected(fetched.error());
    if (!fetched->has_value()) return CatalogPullResult{false, before->version, before->count};

    const FetchedCatalog& answer = **fetched;
    // Same rule as a stored version; also keeps the value safe to show below.
    if (!storage::checkText("version", answer.version, 1, 64)) {
        return syncFail(SyncErrorCode::BadResponse,
                        fmt::format("The server sent a service catalog without a usable version; {}.",
                                    keptCatalog(before->version)));
    }
    auto parsed = storage::parseCatalogJson(answer.json);
    if (!parsed) {
        return syncFail(SyncErrorCode::BadResponse,
                        fmt::format("The server sent a service catalog that is not valid; {}. Tell the server "
                                    "administrator. {}",
                                    keptCatalog(before->version), parsed.error().message));
    }
    // The version is how the next pull asks "anything newer?": storing a
    // catalog under a name the server does not use would make every pull
    // download it again, and means the answer was mixed up on the way.
    if (parsed->version != answer.version) {
        return syncFail(SyncErrorCode::BadResponse,
                        fmt::format("The server announced catalog version \"{}\" but sent version \"{}\"; {}.",
                                    answer.version, parsed->version, keptCatalog(before->version)));
    }
    if (answer.version == before->version) return currentState(store, false);
    if (auto r = store.replaceAll(parsed->services, answer.version); !r) {
        if (r.error().code == storage::ErrorCode::InvalidInput) {
            return syncFail(SyncErrorCode::BadResponse,
                            fmt::format("The server sent a service catalog that is not valid; {}. {}",
                                        keptCatalog(before->version), r.error().message));
        }
        return std::unexpected(fromStorage(r.error(), kCatalogFailed));
    }
    return currentState(store, true);
}

}  // namespace chasqui::sync
