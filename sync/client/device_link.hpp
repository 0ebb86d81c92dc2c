#pragma once
// DIR/sync/device.json: how this kiosk reaches its server — URL, bearer token,
// device number. Read by the sync worker while the personal-data store is
// locked, so it is a plain file (0600); it holds no personal data. A stolen
// token lets a thief pull pages sealed to a key kept inside the encrypted
// store, and push nothing (pushes are signed with a key kept there too,
// sync/protocol/batch_signature.hpp); revoking the device stops both.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "storage/base/data_dir.hpp"
#include "storage/base/error.hpp"

namespace chasqui::sync {

struct DeviceLink {
    std::string serverUrl;
    std::string deviceToken;
    int deviceNumber = 0;
    std::string office;
};

std::filesystem::path deviceLinkPath(const storage::DataDir& dir);
// NotFound when not enrolled; Damaged when the file is not a link whose every
// field has its type and range (sync/protocol/protocol_limits.hpp).
storage::Result<DeviceLink> loadDeviceLink(const storage::DataDir& dir);
// The decoder of loadDeviceLink, without the file (also run by the fuzz target).
storage::Result<DeviceLink> parseDeviceLink(std::string_view text);
storage::Result<void> saveDeviceLink(const storage::DataDir& dir, const DeviceLink& link);

// DIR/revoked-outbox/ (0700): where a revoked kiosk keeps the batches it never
// got to send, still sealed to the server's key (unreadable on the kiosk), for
// an administrator to bring in with `chasqui-server recover-outbox`.
std::filesystem::path revokedOutboxPath(const storage::DataDir& dir);

struct WipeSummary {
    int keptBatches = 0;           // sealed outbox files moved to revoked-outbox/
    std::int64_t keptChanges = 0;  // the changes they hold (from their names)
    // The store itself was kept (encrypted, in revoked-outbox/store/) because
    // a session ended without sealing its changes (see markSessionOpen).
    bool keptStore = false;
};

// A staff session is open or ended without sealing its changes into the
// outbox (a crash, a failed seal at sign-out): the store may hold work that
// is in no sealed batch. The kiosk marks this at sign-in and clears it once
// the outbox was sealed at sign-out. Best effort: a mark that cannot be
// written (a full disk) errs on the side of keeping the store.
void markSessionOpen(const storage::DataDir& dir);
void markOutboxSealed(const storage::DataDir& dir);

// What a revoked device must do, once its store is closed: move every sealed
// outbox batch to revokedOutboxPath(); when a session left changes unsealed,
// move the (still encrypted) store there too rather than lose them; otherwise
// delete the personal-data store
// (database, WAL, keyring) and the rest of the sync state. The public catalog
// stays. A batch that cannot be moved stops the wipe before anything is
// deleted (Io). Changes not yet sealed are the caller's: with the store still
// open, spoolOutbox() seals them into the outbox first.
storage::Result<WipeSummary> wipeRevokedDevice(const storage::DataDir& dir);

}  // namespace chasqui::sync
