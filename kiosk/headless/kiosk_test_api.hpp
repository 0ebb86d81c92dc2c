#pragma once
// What the headless UI tests and `chasqui-bench ui` look at and poke in a
// running kiosk, kept apart from the kiosk: the kiosk's parts have no
// test-only methods; this reads them. Reached through HeadlessKiosk::app().
// UI thread only (the thread that draws the frames).

#include <cstdint>
#include <memory>

#include "kiosk/core/kiosk_app.hpp"

namespace chasqui::kiosk {

class KioskTestApi {
public:
    explicit KioskTestApi(KioskApp& app) : m_app(app) {}

    Router& router() { return m_app.router; }
    UiProbe& probe() { return m_app.ui.probe; }
    TaskRunner& tasks() { return m_app.services.tasks; }
    TaskRunner& networkTasks() { return m_app.services.network; }
    DeviceStatus& deviceStatus() { return m_app.services.device; }
    Translations& i18n() { return m_app.services.i18n; }
    const SessionView& session() const { return m_app.services.session; }
    StaffSelection& selection() { return m_app.services.selection; }
    const KioskConfig& config() const { return m_app.services.config; }
    const Theme& theme() const { return m_app.ui.theme; }
    speech::Speech& speech() { return *m_app.speech; }
    float textScale() const { return m_app.frame.textScale(); }
    std::int64_t msUntilNextFrame() const { return m_app.frame.msUntilNextFrame(); }
    // A store open, a case selected, or a screen holding personal data (SessionLife).
    bool personalDataInMemory() const { return m_app.session.personalDataInMemory(); }
    const Screen* screenHoldingPersonalData() const { return m_app.session.screenHoldingPersonalData(); }
    sync::SyncWorker* syncWorker() { return m_app.services.syncWorker(); }
    // A worker of the test's own (an in-process server) in place of none.
    void setSyncWorker(std::unique_ptr<sync::SyncWorker> worker) { m_app.useSyncWorker(std::move(worker)); }

private:
    KioskApp& m_app;
};

}  // namespace chasqui::kiosk
