#include "kiosk/core/kiosk_app.hpp"

#include <fmt/format.h>
#include <imgui.h>

#include "kiosk/screens/screen_registry.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/keyboard_view.hpp"
#include "kiosk/ui/ui_context.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/data_dir.hpp"
#include "sync/device_link.hpp"
#include "sync/sync_worker.hpp"

namespace chasqui::kiosk {

namespace {
constexpr float kTopBarHeight = 96.f;
constexpr int kSettleFrames = 3;  // frames drawn after input so popups and layout settle
}  // namespace

storage::Result<std::unique_ptr<KioskApp>> KioskApp::create(const KioskConfig& config, const storage::Clock& clock,
                                                             std::function<void()> wake, AppOptions options) {
    const storage::DataDir dir(config.dataDir);
    if (!dir.initialized())
        return storage::fail(storage::ErrorCode::NotFound,
                             fmt::format("{} is not a Chasqui data directory; create it with `chasqui init --data {}`",  // i18n: not UI
                                         config.dataDir.string(), config.dataDir.string()));
    auto i18n = Translations::load(config.assetsDir / "i18n");
    if (!i18n) return std::unexpected(i18n.error());
    std::unique_ptr<KioskApp> app(new KioskApp(config, clock, std::move(*i18n), std::move(wake)));
    if (options.startSyncWorker) app->startSync();
    return app;
}

KioskApp::KioskApp(const KioskConfig& config, const storage::Clock& clock, Translations i18n, std::function<void()> wake)
    : m_config(config),
      m_clock(clock),
      m_i18n(std::move(i18n)),
      m_idle(config.idleTimeoutMs, config.idleWarningMs),
      m_catalog(storage::DataDir(config.dataDir)),
      m_staff(storage::DataDir(config.dataDir), clock),
      m_wake(wake),
      m_tasks(std::make_unique<TaskRunner>(std::move(wake))),
      m_probeFile(config.probeFile) {
    m_idle.touch(m_clock.nowMs());
    m_selfContext = std::make_unique<SelfServiceContext>(
        SelfServiceContext{*this, *m_tasks, m_catalog, m_i18n, m_selfService, m_prefs});
    m_staffContext = std::make_unique<StaffContext>(StaffContext{*this, *m_tasks, m_staff, m_catalog, m_i18n, m_session,
                                                                 m_selection, m_clock, m_config, nullptr});
    registerScreens(m_router, *m_selfContext, *m_staffContext);
    m_router.current().onEnter();
}

KioskApp::~KioskApp() {
    // Seal the outbox and wipe the key before the worker stops.
    m_tasks->post([this] {
        m_staff.signOut();
        return TaskRunner::Continuation{};
    });
    m_tasks->waitIdle();
    if (m_syncWorker) m_syncWorker->stop();
}

void KioskApp::startSync() {
    sync::CurlOptions curl;
    curl.pinnedPublicKey = m_config.pinnedPublicKey;
    auto http = sync::httpConnectionFactory(curl);
    // --server overrides the URL saved at enrollment (a server that moved).
    const std::string url = m_config.serverUrl;
    auto factory = [http, url](const sync::DeviceLink& link) {
        sync::DeviceLink copy = link;
        if (!url.empty()) copy.serverUrl = url;
        return http(copy);
    };
    setSyncWorker(std::make_unique<sync::SyncWorker>(storage::DataDir(m_config.dataDir), factory, m_clock));
}

void KioskApp::setSyncWorker(std::unique_ptr<sync::SyncWorker> worker) {
    if (m_syncWorker) m_syncWorker->stop();
    m_syncWorker = std::move(worker);
    m_staffContext->syncWorker = m_syncWorker.get();
    if (!m_syncWorker) return;
    m_syncWorker->setOnChange(m_wake);
    m_syncWorker->start();
}

// The server revoked this device (lost or stolen): close the session, erase
// the personal data and the sync queue. The public catalog stays.
void KioskApp::checkRevoked() {
    if (!m_syncWorker || m_revokedHandled || m_syncWorker->status().state != sync::SyncState::Revoked) return;
    m_revokedHandled = true;
    signOut();
    m_tasks->post([this] {
        m_staff.signOut();
        (void)sync::wipeRevokedDevice(m_staff.dataDir());
        return TaskRunner::Continuation{};
    });
}

bool KioskApp::takeFontsChanged() {
    const bool changed = m_fontsChanged;
    m_fontsChanged = false;
    return changed;
}

bool KioskApp::personalDataInMemory() const { return m_session.signedIn || !m_selection.personId.empty(); }

void KioskApp::go(ScreenId id) { m_router.requestGo(id); }
void KioskApp::back() { m_router.requestBack(); }
void KioskApp::home() { m_router.requestHome(); }

void KioskApp::signOut() {
    for (const auto& [id, screen] : m_router.screens()) screen->dropPersonalData();
    m_selection.clear();
    m_session = SessionView{};
    m_entry.close();
    m_tasks->post([this] {
        m_staff.signOut();  // seals the outbox first: it goes up while nobody is signed in
        return TaskRunner::Continuation{[this] {
            if (m_syncWorker) {
                m_syncWorker->spoolChanged();
                m_syncWorker->requestSync();
            }
        }};
    });
    m_router.requestHome();
}

void KioskApp::noteActivity() {
    const ImGuiIO& io = ImGui::GetIO();
    bool active = !io.InputQueueCharacters.empty();
    for (bool down : io.MouseDown) active = active || down;
    if (active) {
        m_idle.touch(m_clock.nowMs());
        m_extraFrames = kSettleFrames;
    }
}

void KioskApp::frame(float dtSeconds) {
    m_tasks->drain();
    checkRevoked();
    // Sign-in merged the pages the worker had received: let it recount.
    if (m_session.signedIn && !m_wasSignedIn && m_syncWorker) m_syncWorker->spoolChanged();
    m_wasSignedIn = m_session.signedIn;
    if (m_extraFrames > 0) --m_extraFrames;
    if (m_appliedScale != m_prefs.textScale) {
        if (m_appliedScale != 0.f) m_fontsChanged = true;
        m_appliedScale = m_prefs.textScale;
        applyTheme(m_theme, m_prefs.textScale);
    }
    m_probe.beginFrame();
    noteActivity();
    const std::int64_t now = m_clock.nowMs();
    // The welcome screen holds nothing personal, but a session left open
    // behind it must still close.
    const bool idleMatters = m_router.currentId() != ScreenId::Welcome || m_session.signedIn;
    if (idleMatters && m_idle.phase(now) == IdlePhase::Expired) {
        signOut();
        m_i18n.setLanguage("es");  // the next person starts in the default language
    }
    Ui ui{m_i18n, m_theme, m_fonts, m_probe, m_entry, m_scroll, m_prefs.textScale, dtSeconds, now, false};
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
    if (screen.id() != ScreenId::Welcome) drawTopBar(ui);
    const float keyboard = keyboardHeight(ui);
    const ImVec2 padding = ImGui::GetStyle().WindowPadding;
    ImGui::SetCursorPos(ImVec2(padding.x, ImGui::GetCursorPosY() + padding.y));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, padding);
    ImGui::BeginChild("###content", ImVec2(display.x - padding.x * 2.f, display.y - ImGui::GetCursorPosY() - keyboard - padding.y),
                      false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    if (!screen.needsSession() || m_session.signedIn) screen.drawContent(ui);
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::End();
    drawKeyboard(ui);
    if (idleMatters && m_idle.phase(now) == IdlePhase::Warning) drawCountdown(ui);
    m_animating = ui.animate;
    // A tap is counted one frame after its release, so the published items
    // already show what the tap changed (a keyboard page, a new field).
    if (m_releaseSeen) ++m_taps;
    m_releaseSeen = ImGui::IsMouseReleased(0);
    if (m_releaseSeen) m_extraFrames = std::max(m_extraFrames, 1);
    m_drawnScreen = m_router.currentId();

    screen.afterDraw();
    // A staff screen with nobody signed in (after a lock) goes to the sign-in.
    if (m_router.current().needsSession() && !m_session.signedIn && !m_router.hasPending())
        m_router.requestGo(ScreenId::SignIn);
    if (m_router.commit([this] {
            m_entry.close();
            m_scroll.reset();
        }))
        m_extraFrames = kSettleFrames;
}

void KioskApp::drawTopBar(Ui& ui) {
    const float height = ui.px(kTopBarHeight);
    const ImVec2 min = ImGui::GetCursorScreenPos();
    const float width = ImGui::GetIO().DisplaySize.x;
    ImGui::GetWindowDrawList()->AddRectFilled(min, ImVec2(min.x + width, min.y + height), toU32(m_theme.topBar));
    const float pad = ui.px(m_theme.spacing);
    const float buttonHeight = height - pad;
    ImGui::SetCursorScreenPos(ImVec2(min.x + pad, min.y + pad * 0.5f));
    if (m_router.canGoBack()) {
        if (button(ui, fmt::format("{}  {}", icon::kBack, ui.tr("nav.back")), "nav.back", ImVec2(0.f, buttonHeight),
                   Tone::OnTopBar))
            back();
        ImGui::SameLine();
    }
    // Drawn directly: after SameLine, ImGui would align text to the button's
    // frame padding and the title would sit low.
    const char* title = ui.tr(m_router.current().titleKey());
    ImGui::GetWindowDrawList()->AddText(
        ui.fonts.heading, ui.fonts.heading->FontSize,
        ImVec2(ImGui::GetCursorScreenPos().x + pad, min.y + (height - ui.fonts.heading->FontSize) * 0.5f),
        toU32(m_theme.onTopBar), title);
    ui.probe.text(title);

    // Right side: who is signed in and sign out, or the way home.
    const std::string right = m_session.signedIn ? fmt::format("{}  {}", icon::kSignOut, ui.tr("nav.sign_out"))
                                                 : fmt::format("{}  {}", icon::kClose, ui.tr("nav.home"));
    ImGui::PushFont(ui.fonts.bold);
    const float rightWidth = ImGui::CalcTextSize(right.c_str()).x + pad * 2.5f;
    const float nameWidth = m_session.signedIn ? ImGui::CalcTextSize(m_session.name.c_str()).x + pad : 0.f;
    ImGui::PopFont();
    if (m_session.signedIn) {
        ImGui::SetCursorScreenPos(ImVec2(min.x + width - rightWidth - nameWidth - pad * 2.f,
                                         min.y + (height - ui.fonts.bold->FontSize) * 0.5f));
        ImGui::PushFont(ui.fonts.bold);
        ImGui::PushStyleColor(ImGuiCol_Text, m_theme.onTopBar);
        ImGui::TextUnformatted(m_session.name.c_str());
        ui.probe.text(m_session.name);
        ImGui::PopStyleColor();
        ImGui::PopFont();
    }
    ImGui::SetCursorScreenPos(ImVec2(min.x + width - rightWidth - pad, min.y + pad * 0.5f));
    if (button(ui, right, m_session.signedIn ? "nav.sign_out" : "nav.home", ImVec2(rightWidth, buttonHeight),
               Tone::OnTopBar)) {
        if (m_session.signedIn) signOut();
        else home();
    }
    ImGui::SetCursorScreenPos(ImVec2(min.x, min.y + height));
}

void KioskApp::drawCountdown(Ui& ui) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const float width = std::min(display.x * 0.8f, ui.px(900.f));
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(width, 0.f));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, m_theme.warningSurface);
    ImGui::PushStyleColor(ImGuiCol_Text, m_theme.onWarning);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, m_theme.rounding);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(ui.px(32.f), ui.px(32.f)));
    ImGui::Begin("###countdown", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_AlwaysAutoResize);
    heading(ui, fmt::format("{}  {}", icon::kClock, ui.tr("idle.title")));
    const int seconds = m_idle.secondsLeft(ui.nowMs);
    text(ui, fill(ui.tr(m_session.signedIn ? "idle.message_staff" : "idle.message_public"), {std::to_string(seconds)}));
    if (button(ui, ui.tr("idle.stay"), "idle.stay", ImVec2(-1.f, 0.f))) m_idle.touch(ui.nowMs);
    ImGui::End();
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor(2);
}

void KioskApp::afterPresent() { m_probeFile.update(screenName(m_drawnScreen), m_probe, m_entry.isOpen(), m_taps); }

std::int64_t KioskApp::msUntilNextFrame() const {
    if (m_extraFrames > 0 || m_animating) return 0;
    if (m_tasks->busy()) return 100;  // a spinner; results also wake the loop at once
    if (m_router.currentId() == ScreenId::Welcome && !m_session.signedIn) return -1;
    return m_idle.msUntilNextChange(m_clock.nowMs());
}

}  // namespace chasqui::kiosk
