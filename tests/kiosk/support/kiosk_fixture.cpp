#include "tests/kiosk/support/kiosk_fixture.hpp"

#include <doctest/doctest.h>

#include "kiosk/core/screen.hpp"
#include "storage/catalog/catalog_import.hpp"
#include "storage/catalog/catalog_store.hpp"
#include "storage/keys/staff_admin.hpp"

namespace chasqui::test {

KioskFixture::KioskFixture(kiosk::KioskConfig config) {
    auto catalog = storage::CatalogStore::open(setup.dataDir);
    REQUIRE(catalog.has_value());
    REQUIRE(
        storage::importCatalogFile(*catalog, std::filesystem::path(CHASQUI_ASSETS_DIR) / "catalog/demo_catalog.json"));
    storage::StaffAdmin admin(*setup.store, storage::KdfParams::minimumForTests());
    REQUIRE(admin.add("Luis Staff", kStaffLogin, "staff", kStaffPin).has_value());
    REQUIRE(admin.add("Rosa Supervisora", kSupervisorLogin, "supervisor", kSupervisorPin).has_value());
    setup.store.reset();
    kiosk = std::make_unique<HeadlessKiosk>(setup.dataDir.root, setup.clock, config, [this] {
        auto recording = std::make_unique<RecordingSpeech>();
        speech = recording.get();
        return recording;
    });
}

void KioskFixture::signIn(const char* login, const char* pin) {
    if (kiosk->screen() != kiosk::ScreenId::SignIn) {
        REQUIRE(kiosk->tap("welcome.staff"));
    }
    REQUIRE(kiosk->screen() == kiosk::ScreenId::SignIn);
    REQUIRE(kiosk->tap("signin.login"));
    kiosk->type(login);
    REQUIRE(kiosk->tap("signin.pin"));
    for (const char* d = pin; *d != '\0'; ++d) {
        const std::string key = std::string("signin.pad.") + *d;
        REQUIRE(kiosk->tap(key));
    }
    REQUIRE(kiosk->tap("signin.pad.ok"));
    kiosk->settle();
}

WorkerGate::WorkerGate(HeadlessKiosk& kiosk) {
    kiosk.app().tasks().post([state = m_state]() -> kiosk::TaskRunner::Continuation {
        std::unique_lock lock(state->mutex);
        state->cv.wait(lock, [&] { return state->released; });
        return {};
    });
}

void WorkerGate::release() {
    {
        std::lock_guard lock(m_state->mutex);
        m_state->released = true;
    }
    m_state->cv.notify_all();
}

void KioskFixture::expireSession() {
    setup.clock.advance(kiosk->app().config().idleTimeoutMs + 1'000);
    kiosk->frame();
}

std::string KioskFixture::screenHoldingPersonalData() {
    const kiosk::Screen* screen = kiosk->app().screenHoldingPersonalData();
    return screen == nullptr ? "none" : kiosk::screenName(screen->id());
}

}  // namespace chasqui::test
