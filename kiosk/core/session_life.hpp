#pragma once
// The life of a staff session around the screens: noticing a sign-in,
// signing out (by hand, at the inactivity lock, when the server revokes this
// device) and the inactivity lock itself. Also the screens' Navigator: moves
// go to the router; signOut() is this unit's.
//
// Sign-out is immediate: every screen drops its personal data, the store is
// closed and its key wiped before the frame it happens in ends (the store's
// runner only has short local jobs, so this waits at most for one of them
// and for the sealing of the outbox). UI thread only.

#include <cstdint>

#include "kiosk/core/app_services.hpp"
#include "kiosk/core/inactivity.hpp"
#include "kiosk/core/router.hpp"
#include "kiosk/core/screen.hpp"
#include "kiosk/ui/text_entry.hpp"

namespace chasqui::kiosk {

class SessionLife final : public Navigator {
public:
    // `entry` is the on-screen keyboard's field, closed at sign-out. All outlive this.
    SessionLife(AppServices& services, Router& router, TextEntry& entry);

    void go(ScreenId id) override { m_router.requestGo(id); }
    void back() override { m_router.requestBack(); }
    void replace(ScreenId id) override { m_router.requestReplace(id); }
    void home() override { m_router.requestHome(); }
    void signOut() override;

    // Before drawing a frame: a device the server revoked is signed out and
    // its personal data and sync queue erased (the public catalog stays); a
    // new sign-in lets the sync thread recount what it merged.
    void beforeFrame();
    // A touch or typed text this frame (boot clock): the lock starts over.
    void touch(std::int64_t bootMs) { m_idle.touch(bootMs); }
    // The inactivity lock: after the timeout, signs out and puts the default
    // language and text size back for the next person. True when it fired.
    bool lockIfIdle(std::int64_t bootMs);
    // Whether the countdown before the lock shows now, and its seconds.
    bool warning(std::int64_t bootMs) const { return lockMatters() && m_idle.phase(bootMs) == IdlePhase::Warning; }
    int secondsLeft(std::int64_t bootMs) const { return m_idle.secondsLeft(bootMs); }
    // How long the window may sleep before the lock needs a frame; -1: until input.
    std::int64_t msUntilLockChange(std::int64_t bootMs) const;
    // After drawing: a staff screen with nobody signed in (after a lock) goes to the sign-in.
    void requireSignIn();

    // A store open (its key in memory), a case selected, or a screen holding
    // personal data (each screen answers for its own view model).
    bool personalDataInMemory() const;
    // The first screen that still holds personal data; nullptr if none.
    const Screen* screenHoldingPersonalData() const;

private:
    // The welcome screen holds nothing personal, but a session left open
    // behind it must still close, and a visitor's language or text size
    // must not wait there for the next visitor.
    bool lockMatters() const;
    void checkRevoked();

    AppServices& m_services;
    Router& m_router;
    TextEntry& m_entry;
    InactivityTimer m_idle;
    bool m_revokedHandled = false;
    bool m_wasSignedIn = false;
};

}  // namespace chasqui::kiosk
