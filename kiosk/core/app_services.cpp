#include "kiosk/core/app_services.hpp"

#include "storage/base/data_dir.hpp"
#include "sync/client/device_link.hpp"
#include "sync/client/sync_worker.hpp"

namespace chasqui::kiosk {

AppServices::AppServices(const KioskConfig& kioskConfig, const storage::TrustedClock& trustedClock,
                         const storage::BootClock& bootClock, Translations words, std::function<void()> wake)
    : config(kioskConfig),
      clock(trustedClock),
      boot(bootClock),
      i18n(std::move(words)),
      catalog(storage::DataDir(kioskConfig.dataDir)),
      staff(storage::DataDir(kioskConfig.dataDir), trustedClock),
      device(storage::DataDir(kioskConfig.dataDir), trustedClock),
      tasks(wake),
      network(wake),
      m_wake(std::move(wake)) {}

AppServices::~AppServices() {
    stop();
}

void AppServices::stop() {
    if (m_stopped) return;
    m_stopped = true;
    // Seal the outbox and wipe the key before the sync thread stops.
    tasks.runNow([this] {
        staff.signOut();
        return TaskRunner::Continuation{};
    });
    if (m_syncWorker) m_syncWorker->stop();
    network.stop();
    tasks.stop();
}

std::unique_ptr<sync::SyncWorker> AppServices::makeSyncWorker() const {
    sync::CurlOptions curl;
    curl.pinnedPublicKey = config.pinnedPublicKey;
    auto http = sync::httpConnectionFactory(curl);
    // --server overrides the URL saved at enrollment (a server that moved).
    const std::string url = config.serverUrl;
    auto factory = [http, url](const sync::DeviceLink& link) {
        sync::DeviceLink copy = link;
        if (!url.empty()) copy.serverUrl = url;
        return http(copy);
    };
    return std::make_unique<sync::SyncWorker>(storage::DataDir(config.dataDir), factory, clock);
}

void AppServices::setSyncWorker(std::unique_ptr<sync::SyncWorker> worker) {
    if (m_syncWorker) m_syncWorker->stop();
    m_syncWorker = std::move(worker);
    if (!m_syncWorker) return;
    m_syncWorker->setOnChange(m_wake);
    m_syncWorker->start();
}

void AppServices::noteSyncRun() {
    if (!m_syncWorker) return;
    if (m_syncRuns.runEnded(m_syncWorker->status())) {
        clock.refresh();
        device.invalidate();
    }
}

}  // namespace chasqui::kiosk
