#include "kiosk/core/kiosk_frame.hpp"

#include <imgui.h>

#include "kiosk/core/idle_countdown.hpp"
#include "kiosk/core/top_bar.hpp"
#include "kiosk/ui/keyboard_view.hpp"
#include "kiosk/ui/ui_context.hpp"

namespace chasqui::kiosk {

KioskFrame::KioskFrame(AppServices& services, Router& router, SessionLife& session, UiState& ui,
                       std::filesystem::path probeFile)
    : m_services(services), m_router(router), m_session(session), m_ui(ui), m_probeFile(std::move(probeFile)) {}

void KioskFrame::draw(float dtSeconds) {
    m_services.tasks.drain();
    m_services.network.drain();
    m_session.beforeFrame();
    m_services.noteSyncRun();
    const std::int64_t bootNow = m_services.boot.bootMs();
    m_services.device.update(bootNow);
    m_pacer.beginFrame();
    applyTextScale();
    m_ui.probe.beginFrame();
    noteActivity();
    const std::int64_t now = m_services.clock.nowMs();
    m_session.lockIfIdle(bootNow);
    Ui ui{m_services.i18n, m_ui.theme, m_ui.fonts, m_ui.probe,  m_ui.entry, m_ui.scroll, m_services.prefs.textScale,
          dtSeconds,       now,        false,      std::nullopt};
    takePhysicalKeys(ui);

    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(0.f, 0.f));
    ImGui::SetNextWindowSize(display);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0.f, 0.f));
    ImGui::Begin("###kiosk", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::PopStyleVar();
    Screen& screen = m_router.current();
    if (screen.id() != ScreenId::Welcome) drawTopBarFor(ui, screen);
    const float keyboard = keyboardHeight(ui);
    const ImVec2 padding = ImGui::GetStyle().WindowPadding;
    ImGui::SetCursorPos(ImVec2(padding.x, ImGui::GetCursorPosY() + padding.y));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, padding);
    ImGui::BeginChild("###content",
                      ImVec2(display.x - padding.x * 2.f, display.y - ImGui::GetCursorPosY() - keyboard - padding.y),
                      false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    if (!screen.needsSession() || m_services.session.signedIn) screen.drawContent(ui);
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::End();
    drawKeyboard(ui);
    if (m_session.warning(bootNow) &&
        drawIdleCountdown(ui, m_session.secondsLeft(bootNow), m_services.session.signedIn))
        m_session.touch(bootNow);
    m_pacer.endFrame(ImGui::IsMouseReleased(0), ui.animate);
    m_drawnScreen = m_router.currentId();

    screen.afterDraw();
    m_session.requireSignIn();
    if (m_router.commit([this] {
            m_ui.entry.close();
            m_ui.scroll.reset();
        }))
        m_pacer.settle();
}

// Acted on at once, before the content is drawn: a sign-out drops personal
// data before any screen draws it again.
void KioskFrame::drawTopBarFor(Ui& ui, const Screen& screen) {
    switch (drawTopBar(ui, screen.titleKey(), m_router.canGoBack(), m_services.session)) {
        case TopBarTap::Back:
            if (!m_router.current().interceptBack()) m_session.back();
            break;
        case TopBarTap::Home:
            m_session.home();
            break;
        case TopBarTap::SignOut:
            m_session.signOut();
            break;
        case TopBarTap::None:
            break;
    }
}

void KioskFrame::applyTextScale() {
    const float scale = m_services.prefs.textScale;
    if (m_appliedScale == scale) return;
    if (m_appliedScale != 0.f) m_fontsChanged = true;
    m_appliedScale = scale;
    applyTheme(m_ui.theme, scale);
}

void KioskFrame::noteActivity() {
    const ImGuiIO& io = ImGui::GetIO();
    bool active = !io.InputQueueCharacters.empty();
    for (bool down : io.MouseDown) active = active || down;
    if (!active) return;
    m_session.touch(m_services.boot.bootMs());
    m_pacer.settle();
}

bool KioskFrame::takeFontsChanged() {
    const bool changed = m_fontsChanged;
    m_fontsChanged = false;
    return changed;
}

void KioskFrame::afterPresent() {
    m_probeFile.update(screenName(m_drawnScreen), m_ui.probe, m_ui.entry.isOpen(), m_pacer.taps());
}

std::int64_t KioskFrame::msUntilNextFrame() const {
    const bool working = m_services.tasks.busy() || m_services.network.busy();
    return m_pacer.msUntilNextFrame(working, m_session.msUntilLockChange(m_services.boot.bootMs()));
}

}  // namespace chasqui::kiosk
