#pragma once
// The services and shared state screens are given when they are made. Self-
// service screens get SelfServiceContext, which has no way to reach the
// personal-data store; staff and supervisor screens get StaffContext.

#include <cstdint>
#include <filesystem>
#include <string>

#include "kiosk/core/screen.hpp"
#include "kiosk/core/task_runner.hpp"
#include "kiosk/core/translations.hpp"
#include "kiosk/services/catalog_service.hpp"
#include "kiosk/services/staff_session.hpp"
#include "storage/clock.hpp"

namespace chasqui::sync {
class SyncWorker;
}

namespace chasqui::kiosk {

struct KioskConfig {
    std::filesystem::path dataDir;
    std::string serverUrl;                  // may be empty: the one saved at enrollment
    std::string pinnedPublicKey;            // optional TLS pin (sha256//BASE64)
    std::filesystem::path assetsDir = CHASQUI_ASSETS_DIR;
    std::filesystem::path exportDir;        // default folder offered for CSV exports
    std::int64_t idleTimeoutMs = 120'000;   // spec: 2 minutes
    std::int64_t idleWarningMs = 30'000;    // spec: 30 s of warning
    std::filesystem::path probeFile;        // end-to-end tests only (CHASQUI_UI_PROBE_FILE)
};

struct Preferences {
    float textScale = 1.f;  // 1.0, 1.25 or 1.5
};

// What the person picked in self-service, shared by its screens.
struct SelfServiceState {
    std::string category;
    std::string district;  // empty: all
    std::string serviceId;
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

struct SelfServiceContext {
    Navigator& nav;
    TaskRunner& tasks;
    CatalogService& catalog;  // worker thread only
    Translations& i18n;
    SelfServiceState& state;
    Preferences& prefs;
};

struct StaffContext {
    Navigator& nav;
    TaskRunner& tasks;
    StaffSession& staff;      // worker thread only
    CatalogService& catalog;  // worker thread only
    Translations& i18n;
    SessionView& session;     // UI thread copy
    StaffSelection& selection;
    const storage::Clock& clock;
    const KioskConfig& config;
    sync::SyncWorker* syncWorker;  // nullptr when the app runs without one (some tests)
};

}  // namespace chasqui::kiosk
