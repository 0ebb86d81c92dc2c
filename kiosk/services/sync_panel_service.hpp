#pragma once
// What the sync panel shows and does. The view (SyncPanelView) joins the sync
// worker's status with the store's unsealed changes into one "waiting to go
// up" figure (sync::PendingChanges: sealed, counted by the worker from the
// outbox files, plus unsealed, counted in the store) and says which actions
// are possible. "Sync now" seals the store's new changes into the outbox and
// wakes the worker; "merge now" merges pages received while a session is
// open instead of at the next sign-in.
//
// Threading: view() on the UI thread (the worker's status() is safe from any
// thread); unsealed(), sealAndSync() and merge() on the TaskRunner's worker
// (they use the store). The SyncWorker may be absent (some tests, a kiosk
// started without one): then view() says so and nothing is woken.
#include <cstdint>
#include <optional>

#include "kiosk/services/staff_session.hpp"
#include "storage/base/error.hpp"
#include "sync/client/sync_worker.hpp"

namespace chasqui::kiosk {

struct SyncPanelView {
    bool workerPresent = false;
    sync::SyncStatus status;  // meaningful with workerPresent
    bool syncing = false;     // connecting, sending or receiving now
    bool canSyncNow = false;  // enrolled, not revoked, not stopped, not busy
    bool needsEnrollment = false;
    bool canMerge = false;        // received pages wait and nothing runs
    std::int64_t pendingUp = -1;  // changes waiting to go up; -1 unknown
};

// The outcome of "sync now" or "merge now" (an error of the store's, if any).
struct SyncPanelOutcome {
    std::optional<storage::Error> error;
    std::int64_t unsealed = -1;  // after sealing; -1 unknown
    int merged = 0;              // changes applied by a merge
};

class SyncPanelService {
public:
    // `worker` is read at each call: the app may start or replace its worker
    // after the screens are made.
    SyncPanelService(StaffSession& staff, sync::SyncWorker* const& worker) : m_staff(staff), m_worker(worker) {}

    // `unsealed`: the last count from unsealed() (-1 unknown); `sealing`: a
    // "sync now" is still sealing on the worker.
    SyncPanelView view(std::int64_t unsealed, bool sealing) const;

    // Changes in the store not yet sealed into the outbox.
    storage::Result<std::int64_t> unsealed();
    // Not being enrolled yet (no server key to seal to) is no error here: the
    // worker says so itself.
    SyncPanelOutcome sealAndSync();
    SyncPanelOutcome merge();

private:
    StaffSession& m_staff;
    sync::SyncWorker* const& m_worker;
};

}  // namespace chasqui::kiosk
