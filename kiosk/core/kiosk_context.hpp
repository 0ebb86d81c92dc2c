#pragma once
// The services and shared state screens are given when they are made. Self-
// service screens get SelfServiceContext (self_service_context.hpp), which
// has no way to reach the personal-data store; staff and supervisor screens
// get StaffContext. This header brings in the store's and sync's headers, so
// the self-service library refuses it.

#ifdef CHASQUI_SELF_SERVICE_UNIT
#error A self-service unit must include self_service_context.hpp, not kiosk_context.hpp (the store, sync)
#endif

#include <cstdint>
#include <filesystem>
#include <string>

#include "kiosk/core/screen.hpp"
#include "kiosk/core/self_service_context.hpp"
#include "kiosk/core/task_runner.hpp"
#include "kiosk/core/translations.hpp"
#include "kiosk/services/catalog_service.hpp"
#include "kiosk/services/device_status.hpp"
#include "kiosk/services/staff_session.hpp"
#include "storage/base/clock.hpp"

namespace chasqui::sync {
class SyncWorker;
}

namespace chasqui::kiosk {

struct KioskConfig {
    std::filesystem::path dataDir;
    std::string serverUrl;        // may be empty: the one saved at enrollment
    std::string pinnedPublicKey;  // optional TLS pin (sha256//BASE64)
    std::filesystem::path assetsDir = CHASQUI_ASSETS_DIR;
    std::filesystem::path exportDir;       // default folder offered for CSV exports
    std::int64_t idleTimeoutMs = 120'000;  // spec: 2 minutes
    std::int64_t idleWarningMs = 30'000;   // spec: 30 s of warning
    std::filesystem::path probeFile;       // end-to-end tests only (CHASQUI_UI_PROBE_FILE)
};

// The case being worked on, shared by staff screens; personal data, dropped
// with everything else on sign-out and on the inactivity lock.
struct StaffSelection {
    std::string personId;
    std::string caseId;
    std::string caseCode;
    std::string personName;
    void clear() { *this = StaffSelection{}; }
};

struct StaffContext {
    Navigator& nav;
    TaskRunner& tasks;        // jobs that use the store
    TaskRunner& network;      // jobs that wait on a server; they never touch the store
    StaffSession& staff;      // worker thread only
    CatalogService& catalog;  // worker thread only
    Translations& i18n;
    SessionView& session;  // UI thread copy
    StaffSelection& selection;
    const storage::Clock& clock;
    const KioskConfig& config;
    const DeviceStatus& device;    // the clock and disk warnings (UI thread)
    sync::SyncWorker* syncWorker;  // nullptr when the app runs without one (some tests)
};

}  // namespace chasqui::kiosk
