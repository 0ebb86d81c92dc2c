#include "kiosk/services/sync_panel_service.hpp"

#include <algorithm>

#include "kiosk/services/store_access.hpp"
#include "sync/client/pending_changes.hpp"
#include "sync/client/spool.hpp"

namespace chasqui::kiosk {

namespace {

bool running(sync::SyncState state) {
    return state == sync::SyncState::Connecting || state == sync::SyncState::Sending ||
           state == sync::SyncState::Receiving;
}

}  // namespace

SyncPanelView SyncPanelService::view(std::int64_t unsealed, bool sealing) const {
    SyncPanelView v;
    if (m_worker == nullptr) {
        v.pendingUp = unsealed;
        return v;
    }
    v.workerPresent = true;
    v.status = m_worker->status();
    const sync::SyncState state = v.status.state;
    v.syncing = running(state);
    v.needsEnrollment = state == sync::SyncState::NotEnrolled;
    v.canSyncNow = state != sync::SyncState::Revoked && state != sync::SyncState::Stopped &&
                   state != sync::SyncState::NotEnrolled && !v.syncing && !sealing;
    v.canMerge = v.status.pendingDownPages > 0 && !v.syncing;
    v.pendingUp = sync::PendingChanges{v.status.pendingUp, std::max<std::int64_t>(0, unsealed)}.total();
    return v;
}

storage::Result<std::int64_t> SyncPanelService::unsealed() {
    return withStore<std::int64_t>(m_staff, [](storage::PersonalStore& store) -> storage::Result<std::int64_t> {
        auto pending = sync::countPending(store);
        if (!pending) return std::unexpected(pending.error());
        return pending->unsealed;
    });
}

SyncPanelOutcome SyncPanelService::sealAndSync() {
    SyncPanelOutcome out;
    if (storage::PersonalStore* store = m_staff.store()) {
        auto sealed = sync::spoolOutbox(*store);
        if (!sealed && sealed.error().code != storage::ErrorCode::NotFound) out.error = sealed.error();
        if (auto n = unsealed()) out.unsealed = *n;
    }
    if (m_worker != nullptr) {
        m_worker->spoolChanged();
        m_worker->requestSync();
    }
    return out;
}

SyncPanelOutcome SyncPanelService::merge() {
    SyncPanelOutcome out;
    if (storage::PersonalStore* store = m_staff.store()) {
        auto merged = sync::mergeSpool(*store);
        if (merged)
            out.merged = merged->applied;
        else
            out.error = merged.error();
    }
    if (m_worker != nullptr) m_worker->spoolChanged();
    return out;
}

}  // namespace chasqui::kiosk
