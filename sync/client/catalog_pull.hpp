#pragma once
// The kiosk's copy of the service catalog the server publishes
// (sync/PROTOCOL.md, GET /v1/catalog). The catalog is public information kept
// in its own unencrypted store (storage/catalog/catalog_store.hpp), so a pull needs no
// staff sign-in and no personal-data key: the sync worker runs it while the
// kiosk is locked.
//
// A catalog from the server goes through the same parsing and validation as
// `chasqui catalog import` (storage/catalog/catalog_import.hpp) and replaces the old
// one in a single transaction: a kiosk never shows half a catalog, and an
// invalid one is refused while the previous catalog stays in use.
//
// Runs on the caller's thread; not thread-safe beyond what the channel and
// the store allow (one thread at a time each).
#include <optional>
#include <string>

#include "storage/base/data_dir.hpp"
#include "storage/catalog/catalog_store.hpp"
#include "sync/protocol/sync_error.hpp"

namespace chasqui::sync {

struct FetchedCatalog {
    std::string version;  // the server's name for this catalog (header Chasqui-Catalog-Version)
    std::string json;     // the catalog document, JSON catalog format
};

// Where catalogs come from: the HTTP server (HttpServerChannel) or a fake in tests.
class CatalogChannel {
public:
    virtual ~CatalogChannel() = default;
    // The current catalog, or nullopt when `knownVersion` (may be empty) is
    // already current or the server has not published any catalog yet.
    // Errors are those of the transport and of the server's answer.
    virtual SyncResult<std::optional<FetchedCatalog>> fetchCatalog(const std::string& knownVersion) = 0;
};

struct CatalogPullResult {
    bool changed = false;  // a new catalog was stored by this pull
    std::string version;   // what the kiosk holds afterwards ("" when it has no catalog)
    int count = 0;         // services the kiosk holds afterwards
};

// Opens the kiosk's CatalogStore in `dir` (created when missing), asks the
// channel for anything newer than the version it holds and stores it.
// Errors: those of the channel; BadResponse when the server's catalog is not a
// valid catalog or its version does not match the one announced (the old
// catalog is kept, the message says why); Internal when the local catalog
// store cannot be opened or written (its message says what to do).
SyncResult<CatalogPullResult> pullCatalog(const storage::DataDir& dir, CatalogChannel& channel);
// The same with a store the caller already holds (for example opened with
// the kiosk's clock, which stamps the import).
SyncResult<CatalogPullResult> pullCatalog(storage::CatalogStore& store, CatalogChannel& channel);

}  // namespace chasqui::sync
