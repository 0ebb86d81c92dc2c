#pragma once
// The kiosk without its window: services, screens, router, inactivity lock
// and the frame around every screen. main() (with GLFW and OpenGL), the
// headless UI tests and `chasqui-bench ui` all drive this same object: they
// make the ImGui frame (NewFrame ... Render) and call frame() in between.
// UI thread only, except the wake callback, which workers call.

#include <functional>
#include <memory>

#include "kiosk/core/inactivity.hpp"
#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/core/probe_file.hpp"
#include "kiosk/core/router.hpp"
#include "kiosk/ui/drag_scroll.hpp"
#include "kiosk/ui/fonts.hpp"
#include "kiosk/ui/text_entry.hpp"
#include "kiosk/ui/theme.hpp"
#include "kiosk/ui/ui_probe.hpp"

namespace chasqui::kiosk {

struct AppOptions {
    bool startSyncWorker = true;  // false in tests that drive sync themselves
};

class KioskApp final : private Navigator {
public:
    // Loads translations and opens nothing personal. Fails with a message a
    // person can act on (data directory not made by `chasqui init`, missing assets).
    static storage::Result<std::unique_ptr<KioskApp>> create(const KioskConfig& config, const storage::Clock& clock,
                                                             std::function<void()> wake, AppOptions options = {});
    ~KioskApp() override;

    void setFonts(const FontSet& fonts) { m_fonts = fonts; }
    // Draws one frame's widgets; call between ImGui::NewFrame() and ImGui::Render().
    void frame(float dtSeconds);
    // How long the window may sleep before it must draw again; -1 = until input.
    std::int64_t msUntilNextFrame() const;
    float textScale() const { return m_prefs.textScale; }
    bool takeFontsChanged();  // the text size changed: rebuild the font atlas
    // After the frame is on screen (the window's buffer swap): publishes the
    // probe file for end-to-end scripts, so a screenshot taken when the file
    // says "screen X" shows screen X.
    void afterPresent();

    // For tests and the benchmark.
    Router& router() { return m_router; }
    UiProbe& probe() { return m_probe; }
    TaskRunner& tasks() { return *m_tasks; }
    const SessionView& session() const { return m_session; }
    Translations& i18n() { return m_i18n; }
    const Theme& theme() const { return m_theme; }
    const KioskConfig& config() const { return m_config; }
    StaffSelection& selection() { return m_selection; }
    bool personalDataInMemory() const;
    sync::SyncWorker* syncWorker() { return m_syncWorker.get(); }
    // Tests give the app a worker of their own (an in-process server).
    void setSyncWorker(std::unique_ptr<sync::SyncWorker> worker);

private:
    KioskApp(const KioskConfig& config, const storage::Clock& clock, Translations i18n, std::function<void()> wake);
    void go(ScreenId id) override;
    void back() override;
    void home() override;
    void signOut() override;
    void drawTopBar(Ui& ui);
    void drawCountdown(Ui& ui);
    void noteActivity();
    void startSync();
    void checkRevoked();

    KioskConfig m_config;
    const storage::Clock& m_clock;
    Translations m_i18n;
    Theme m_theme;
    FontSet m_fonts;
    UiProbe m_probe;
    TextEntry m_entry;
    DragScroll m_scroll;
    Router m_router;
    Preferences m_prefs;
    float m_appliedScale = 0.f;
    bool m_fontsChanged = false;
    InactivityTimer m_idle;
    SessionView m_session;
    StaffSelection m_selection;
    SelfServiceState m_selfService;
    CatalogService m_catalog;
    StaffSession m_staff;
    std::unique_ptr<sync::SyncWorker> m_syncWorker;  // the thread that talks to the server
    bool m_revokedHandled = false;
    bool m_wasSignedIn = false;
    std::function<void()> m_wake;
    std::unique_ptr<TaskRunner> m_tasks;  // last member: its thread stops before the services it uses go
    std::unique_ptr<SelfServiceContext> m_selfContext;
    std::unique_ptr<StaffContext> m_staffContext;
    ProbeFile m_probeFile;
    std::uint64_t m_taps = 0;
    bool m_releaseSeen = false;
    ScreenId m_drawnScreen = ScreenId::Welcome;
    int m_extraFrames = 0;
    bool m_animating = false;
};

}  // namespace chasqui::kiosk
