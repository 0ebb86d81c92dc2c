#pragma once
// The running kiosk: its parts, made and connected by wireKiosk(). main()
// (with GLFW and OpenGL), the headless driver (kiosk/headless: the UI tests
// and `chasqui-bench ui`) all start the kiosk through wireKiosk(), so they
// cannot be wired differently. The window drives `frame`; nothing else here
// has logic of its own:
//   services  the catalog, the staff session, device warnings, the runners,
//             the sync thread and the state screens share (app_services.hpp)
//   router    which screen is shown; owns every screen (router.hpp)
//   ui        what draw code keeps between frames (kiosk_frame.hpp)
//   session   sign-in noticed, sign-out, the inactivity lock, revocation;
//             the screens' Navigator (session_life.hpp)
//   frame     one frame around the current screen (kiosk_frame.hpp)
// Parts are made in this order and go in reverse; the runners are stopped
// before any screen goes. UI thread only, except `wake`, which workers call.

#include <functional>
#include <memory>

#include "kiosk/core/app_services.hpp"
#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/core/kiosk_frame.hpp"
#include "kiosk/core/router.hpp"
#include "kiosk/core/session_life.hpp"
#include "kiosk/speech/speech.hpp"
#include "storage/base/error.hpp"
#include "storage/base/trusted_clock.hpp"

namespace chasqui::kiosk {

struct KioskApp {
    KioskApp(const KioskConfig& config, const storage::TrustedClock& clock, const storage::BootClock& boot,
             Translations i18n, std::function<void()> wake, std::unique_ptr<speech::Speech> speech);
    ~KioskApp();  // seals the outbox and wipes the key, stops the sync thread and the runners, then the screens go
    KioskApp(const KioskApp&) = delete;
    KioskApp& operator=(const KioskApp&) = delete;

    // Stops the current sync thread, if any, and starts `worker` (nullptr:
    // none); staff screens see the new one. Tests use it for an in-process server.
    void useSyncWorker(std::unique_ptr<sync::SyncWorker> worker);

    std::unique_ptr<speech::Speech> speech;  // first: every screen that speaks goes before it
    AppServices services;
    Router router;
    UiState ui;
    SessionLife session;
    SelfServiceContext selfContext;
    StaffContext staffContext;
    KioskFrame frame;
};

struct WiringOptions {
    bool startSyncWorker = true;  // false in tests that drive sync themselves
    // What reads aloud; empty: espeak-ng on the default audio device.
    std::function<std::unique_ptr<speech::Speech>()> makeSpeech;
};

// Makes the kiosk: loads translations, registers every screen, starts the
// sync thread; opens nothing personal. Fails with a message a person can
// act on (a data directory not made by `chasqui init`, missing assets).
// `clock` dates everything (records, audit, sync); `boot` never jumps and
// times the inactivity lock, so a clock set by hand or corrected by the
// server's time cannot keep a session open. Both outlive the kiosk.
storage::Result<std::unique_ptr<KioskApp>> wireKiosk(const KioskConfig& config, const storage::TrustedClock& clock,
                                                     const storage::BootClock& boot, std::function<void()> wake,
                                                     WiringOptions options = {});

}  // namespace chasqui::kiosk
