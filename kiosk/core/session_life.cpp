#include "kiosk/core/session_life.hpp"

#include "sync/client/device_link.hpp"
#include "sync/client/sync_worker.hpp"

namespace chasqui::kiosk {

SessionLife::SessionLife(AppServices& services, Router& router, TextEntry& entry)
    : m_services(services),
      m_router(router),
      m_entry(entry),
      m_idle(services.config.idleTimeoutMs, services.config.idleWarningMs) {
    m_idle.touch(services.boot.bootMs());
}

void SessionLife::signOut() {
    for (const auto& [id, screen] : m_router.screens()) screen->dropPersonalData();
    m_services.selection.clear();
    m_services.session = SessionView{};
    m_entry.close();
    // At once, ahead of queued work: the store is closed and its key wiped
    // before this frame ends. Network work runs on the other runner.
    m_services.tasks.runNow([this] {
        m_services.staff.signOut();  // seals the outbox first: it goes up while nobody is signed in
        return TaskRunner::Continuation{};
    });
    if (sync::SyncWorker* worker = m_services.syncWorker()) {
        worker->spoolChanged();
        worker->requestSync();
    }
    m_router.requestHome();
}

void SessionLife::beforeFrame() {
    checkRevoked();
    // Sign-in merged the pages the sync thread had received: let it recount.
    // It also re-read the server's time (StaffSession::signIn).
    const bool signedIn = m_services.session.signedIn;
    if (signedIn && !m_wasSignedIn) {
        if (sync::SyncWorker* worker = m_services.syncWorker()) worker->spoolChanged();
        m_services.device.invalidate();
    }
    m_wasSignedIn = signedIn;
}

// The server revoked this device (lost or stolen): close the session, erase
// the personal data and the sync queue. The public catalog stays.
void SessionLife::checkRevoked() {
    sync::SyncWorker* worker = m_services.syncWorker();
    if (!worker || m_revokedHandled || worker->status().state != sync::SyncState::Revoked) return;
    m_revokedHandled = true;
    signOut();
    m_services.tasks.post([this] {
        m_services.staff.signOut();
        (void)sync::wipeRevokedDevice(m_services.staff.dataDir());
        return TaskRunner::Continuation{};
    });
}

bool SessionLife::lockIfIdle(std::int64_t bootMs) {
    if (!lockMatters() || m_idle.phase(bootMs) != IdlePhase::Expired) return false;
    signOut();
    m_services.i18n.setLanguage("es");  // the next person starts in the default language
    m_services.prefs = Preferences{};   // and at the default text size
    return true;
}

bool SessionLife::lockMatters() const {
    if (m_router.currentId() != ScreenId::Welcome || m_services.session.signedIn) return true;
    return m_services.i18n.language() != "es" || m_services.prefs.textScale != Preferences::kDefaultTextScale;
}

std::int64_t SessionLife::msUntilLockChange(std::int64_t bootMs) const {
    if (!lockMatters()) return -1;
    return m_idle.msUntilNextChange(bootMs);
}

void SessionLife::requireSignIn() {
    if (m_router.current().needsSession() && !m_services.session.signedIn && !m_router.hasPending())
        m_router.requestGo(ScreenId::SignIn);
}

bool SessionLife::personalDataInMemory() const {
    return m_services.session.signedIn || m_services.staff.storeOpen() || !m_services.selection.personId.empty() ||
           screenHoldingPersonalData() != nullptr;
}

const Screen* SessionLife::screenHoldingPersonalData() const {
    for (const auto& [id, screen] : m_router.screens())
        if (screen->holdsPersonalData()) return screen.get();
    return nullptr;
}

}  // namespace chasqui::kiosk
