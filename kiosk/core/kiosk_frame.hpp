#pragma once
// One frame of the kiosk around the current screen: the work handed back by
// the runners, the session's checks (revocation, the inactivity lock), the
// top bar, the screen's content, the on-screen keyboard and the countdown
// before the lock; then the screen acts on what was tapped and the router
// moves. Also when the next frame is needed and the end-to-end probe file.
// The window (kiosk/app), the headless driver (kiosk/headless) and
// `chasqui-bench ui` call draw() between ImGui::NewFrame() and ImGui::Render().
// UI thread only.

#include <cstdint>

#include "kiosk/core/app_services.hpp"
#include "kiosk/core/frame_pacer.hpp"
#include "kiosk/core/probe_file.hpp"
#include "kiosk/core/router.hpp"
#include "kiosk/core/session_life.hpp"
#include "kiosk/ui/drag_scroll.hpp"
#include "kiosk/ui/fonts.hpp"
#include "kiosk/ui/text_entry.hpp"
#include "kiosk/ui/theme.hpp"
#include "kiosk/ui/ui_probe.hpp"

namespace chasqui::kiosk {

// What draw code keeps from one frame to the next; each frame's Ui points into it.
struct UiState {
    Theme theme;
    FontSet fonts;      // set by the window or the headless driver (they own the atlas)
    UiProbe probe;      // what the last frame drew, for tests and the probe file
    TextEntry entry;    // the field the on-screen keyboard types into
    DragScroll scroll;  // touch scrolling
};

class KioskFrame {
public:
    // All outlive the frame. `probeFile` may be empty (no probe file).
    KioskFrame(AppServices& services, Router& router, SessionLife& session, UiState& ui,
               std::filesystem::path probeFile);

    void draw(float dtSeconds);
    // How long the window may sleep before it must draw again; 0: at once, -1: until input.
    std::int64_t msUntilNextFrame() const;
    bool animating() const { return m_pacer.animating(); }
    // After the frame is on screen (the window's buffer swap): publishes the
    // probe file, so a screenshot taken when the file says "screen X" shows screen X.
    void afterPresent();

    float textScale() const { return m_services.prefs.textScale; }
    const Theme& theme() const { return m_ui.theme; }
    bool takeFontsChanged();  // the text size changed: rebuild the font atlas, then setFonts()
    void setFonts(const FontSet& fonts) { m_ui.fonts = fonts; }

private:
    void applyTextScale();
    void noteActivity();
    void drawTopBarFor(Ui& ui, Screen& screen);

    AppServices& m_services;
    Router& m_router;
    SessionLife& m_session;
    UiState& m_ui;
    ProbeFile m_probeFile;
    FramePacer m_pacer;
    float m_appliedScale = 0.f;
    bool m_fontsChanged = false;
    ScreenId m_drawnScreen = ScreenId::Welcome;
};

}  // namespace chasqui::kiosk
