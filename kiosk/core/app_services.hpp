#pragma once
// What lives as long as the kiosk and is shared by its screens, made once by
// wireKiosk() (kiosk_app.hpp):
// - the public catalog, the staff session (the personal-data store) and the
//   device's warnings (clock, disk);
// - the two task runners: the store's and the network's (task_runner.hpp);
// - the sync thread, which talks to the server (none in tests that drive
//   sync themselves);
// - what screens share: preferences, the self-service choice, the staff
//   selection and the UI's copy of the session.
// UI thread only. The catalog and the staff session are worker-thread
// services: they are reached only from jobs posted to `tasks`.

#include <functional>
#include <memory>

#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/core/sync_run_watch.hpp"
#include "kiosk/core/task_runner.hpp"
#include "kiosk/core/translations.hpp"
#include "kiosk/services/catalog_service.hpp"
#include "kiosk/services/device_status.hpp"
#include "kiosk/services/staff_session.hpp"
#include "storage/base/trusted_clock.hpp"

namespace chasqui::sync {
class SyncWorker;
}

namespace chasqui::kiosk {

class AppServices {
public:
    // `clock` dates everything (records, audit, sync); `boot` never jumps and
    // times the inactivity lock. Both outlive the services. `wake` is called
    // from other threads when a result is ready (the window draws a frame).
    AppServices(const KioskConfig& config, const storage::TrustedClock& clock, const storage::BootClock& boot,
                Translations i18n, std::function<void()> wake);
    ~AppServices();  // stop()
    AppServices(const AppServices&) = delete;
    AppServices& operator=(const AppServices&) = delete;

    // The real sync thread (HTTP to the server saved at enrollment, or to
    // config.serverUrl when given), not started yet.
    std::unique_ptr<sync::SyncWorker> makeSyncWorker() const;
    // Stops the current sync thread, if any, and starts `worker` (nullptr: none).
    void setSyncWorker(std::unique_ptr<sync::SyncWorker> worker);
    sync::SyncWorker* syncWorker() const { return m_syncWorker.get(); }
    // Once a frame: when a sync run ended, re-reads the server's time it may
    // have left and re-checks the device's warnings.
    void noteSyncRun();
    // Seals the outbox and wipes the key (ahead of any queued job), stops the
    // sync thread, then both runners. The kiosk calls it before its screens
    // go, so no job outlives the screen that posted it. Idempotent.
    void stop();

    const KioskConfig config;
    const storage::TrustedClock& clock;
    const storage::BootClock& boot;
    Translations i18n;
    CatalogService catalog;  // worker thread only
    StaffSession staff;      // worker thread only
    DeviceStatus device;
    Preferences prefs;
    SelfServiceState selfService;
    StaffSelection selection;  // personal data: dropped at sign-out
    SessionView session;       // the UI's copy: no key, no beneficiary's data
    TaskRunner tasks;          // jobs that use the store: short, local
    // After `tasks`, so it stops first: a network job ending while it stops may still post to `tasks`.
    TaskRunner network;  // jobs that wait on a server; they never touch the store

private:
    std::function<void()> m_wake;
    std::unique_ptr<sync::SyncWorker> m_syncWorker;
    SyncRunWatch m_syncRuns;
    bool m_stopped = false;
};

}  // namespace chasqui::kiosk
