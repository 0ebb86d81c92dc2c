#include "kiosk/services/staff_session.hpp"

#include "storage/secret.hpp"
#include "sync/spool.hpp"

namespace chasqui::kiosk {

storage::Result<SessionView> StaffSession::signIn(const std::string& login, std::string pin) {
    signOut();
    auto store = storage::PersonalStore::signIn(m_dir, login, pin, m_clock);
    storage::wipeString(pin);
    if (!store) return std::unexpected(store.error());
    m_store = std::move(*store);
    // Pages pulled while the kiosk was locked; a failure here is not a reason
    // to refuse the sign-in (the pages stay and merge next time).
    (void)sync::mergeSpool(*m_store);
    const storage::Session& s = m_store->session();
    return SessionView{true, s.staffId, s.login, s.name, s.role, s.officeCode};
}

void StaffSession::signOut() {
    if (!m_store) return;
    // Not enrolled yet (NotFound) is normal; anything else is retried next time.
    (void)sync::spoolOutbox(*m_store);
    m_store->lock();
    m_store.reset();
}

}  // namespace chasqui::kiosk
