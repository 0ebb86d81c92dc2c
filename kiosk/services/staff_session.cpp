#include "kiosk/services/staff_session.hpp"

#include "storage/base/secret.hpp"
#include "sync/client/device_link.hpp"
#include "sync/client/spool.hpp"

namespace chasqui::kiosk {

storage::Result<SessionView> StaffSession::signIn(const std::string& login, std::string pin) {
    signOut();
    m_clock.refresh();
    auto store = storage::PersonalStore::signIn(m_dir, login, pin, m_clock);
    storage::wipeString(pin);
    if (!store) return std::unexpected(store.error());
    m_store = std::move(*store);
    ++m_epoch;
    m_open = true;
    // Until the outbox is sealed at sign-out, a revocation keeps the store (sync/client/device_link.hpp).
    sync::markSessionOpen(m_dir);
    // Pages pulled while the kiosk was locked; a failure here is not a reason
    // to refuse the sign-in (the pages stay and merge next time).
    (void)sync::mergeSpool(*m_store);
    applyPendingEnrollment();
    const storage::Session& s = m_store->session();
    return SessionView{true, s.staffId, s.login, s.name, s.role, s.officeCode};
}

void StaffSession::applyPendingEnrollment() {
    if (!m_pendingEnrollment) return;
    const PendingEnrollment& p = *m_pendingEnrollment;
    // Another kiosk's store (a data directory swapped meanwhile) never takes it.
    if (m_store->session().deviceId != p.request.deviceId) {
        m_pendingEnrollment.reset();
        return;
    }
    auto applied = sync::applyEnrollment(*m_store, p.request, p.answer, p.serverUrl);
    // A store or disk failure is tried again at the next sign-in; a code for
    // another office never applies.
    if (applied || applied.error().code == sync::SyncErrorCode::WrongOffice) m_pendingEnrollment.reset();
}

void StaffSession::signOut() {
    if (!m_store) return;
    ++m_epoch;
    // Not enrolled yet (NotFound) is normal; anything else is retried next time.
    auto sealed = sync::spoolOutbox(*m_store);
    if (sealed || sealed.error().code == storage::ErrorCode::NotFound) sync::markOutboxSealed(m_dir);
    m_store->lock();
    m_store.reset();
    m_open = false;
}

}  // namespace chasqui::kiosk
