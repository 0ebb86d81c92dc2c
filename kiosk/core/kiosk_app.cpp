#include "kiosk/core/kiosk_app.hpp"

#include <fmt/format.h>

#include "kiosk/screens/screen_registry.hpp"
#include "kiosk/speech/espeak_speech.hpp"
#include "storage/base/data_dir.hpp"
#include "sync/client/sync_worker.hpp"

namespace chasqui::kiosk {

KioskApp::KioskApp(const KioskConfig& config, const storage::TrustedClock& clock, const storage::BootClock& boot,
                   Translations i18n, std::function<void()> wake, std::unique_ptr<speech::Speech> speechOut)
    : speech(std::move(speechOut)),
      services(config, clock, boot, std::move(i18n), std::move(wake)),
      session(services, router, ui.entry),
      selfContext{session,        services.tasks, services.catalog, services.i18n, services.selfService,
                  services.prefs, *speech},
      staffContext{session,          services.tasks,  services.network, services.staff,
                   services.catalog, services.i18n,   services.session, services.selection,
                   services.clock,   services.config, services.device,  nullptr},
      frame(services, router, session, ui, config.probeFile) {
    registerScreens(router, selfContext, staffContext);
    router.current().onEnter();
}

KioskApp::~KioskApp() {
    services.stop();
}

void KioskApp::useSyncWorker(std::unique_ptr<sync::SyncWorker> worker) {
    services.setSyncWorker(std::move(worker));
    staffContext.syncWorker = services.syncWorker();
}

storage::Result<std::unique_ptr<KioskApp>> wireKiosk(const KioskConfig& config, const storage::TrustedClock& clock,
                                                     const storage::BootClock& boot, std::function<void()> wake,
                                                     WiringOptions options) {
    const storage::DataDir dir(config.dataDir);
    if (!dir.initialized())
        return storage::fail(
            storage::ErrorCode::NotFound,
            fmt::format("{} is not a Chasqui data directory; create it with `chasqui init --data {}`",  // i18n: not UI
                        config.dataDir.string(), config.dataDir.string()));
    auto i18n = Translations::load(config.assetsDir / "i18n");
    if (!i18n) return std::unexpected(i18n.error());
    std::unique_ptr<speech::Speech> speech =
        options.makeSpeech ? options.makeSpeech() : std::make_unique<speech::EspeakSpeech>();
    auto app = std::make_unique<KioskApp>(config, clock, boot, std::move(*i18n), std::move(wake), std::move(speech));
    if (options.startSyncWorker) app->useSyncWorker(app->services.makeSyncWorker());
    return app;
}

}  // namespace chasqui::kiosk
