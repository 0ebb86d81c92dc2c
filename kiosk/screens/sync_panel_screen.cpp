#include "kiosk/screens/sync_panel_screen.hpp"

#include <fmt/format.h>

#include "kiosk/screens/device_warnings.hpp"
#include "kiosk/screens/supervisor_common.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

namespace {

const char* connectivityIcon(sync::Connectivity c) {
    switch (c) {
        case sync::Connectivity::Online:
            return icon::kCheck;
        case sync::Connectivity::Offline:
            return icon::kBan;
        case sync::Connectivity::CaptivePortal:
            return icon::kWarning;
        case sync::Connectivity::Unknown:
            break;
    }
    return icon::kInfo;
}

std::string kilobytes(std::uint64_t bytes) {
    return std::to_string((bytes + 1023) / 1024);
}

}  // namespace

void SyncPanelScreen::onEnter() {
    m_sealError.reset();
    m_merged = -1;
    countUnsealed();
}

void SyncPanelScreen::dropPersonalData() {
    ++m_generation;
    m_unsealed = -1;
    m_sealing = false;
    m_sealError.reset();
    m_merging = false;
    m_merged = -1;
}

void SyncPanelScreen::countUnsealed() {
    if (!m_ctx.session.isSupervisor()) return;
    const std::uint64_t generation = ++m_generation;
    m_ctx.tasks.post([this, generation]() -> TaskRunner::Continuation {
        const std::int64_t count = m_sync.unsealed().value_or(-1);
        return [this, generation, count] {
            if (generation == m_generation) m_unsealed = count;
        };
    });
}

void SyncPanelScreen::syncNow() {
    m_sealing = true;
    m_sealError.reset();
    const std::uint64_t generation = ++m_generation;
    m_ctx.tasks.post([this, generation]() -> TaskRunner::Continuation {
        const SyncPanelOutcome out = m_sync.sealAndSync();
        return [this, generation, out] {
            if (generation != m_generation) return;
            m_sealing = false;
            m_sealError = out.error;
            m_unsealed = out.unsealed;
        };
    });
}

void SyncPanelScreen::mergeNow() {
    m_merging = true;
    m_sealError.reset();
    m_merged = -1;
    const std::uint64_t generation = ++m_generation;
    m_ctx.tasks.post([this, generation]() -> TaskRunner::Continuation {
        const SyncPanelOutcome out = m_sync.merge();
        return [this, generation, out] {
            if (generation != m_generation) return;
            m_merging = false;
            m_sealError = out.error;
            if (!out.error) m_merged = out.merged;
        };
    });
}

void SyncPanelScreen::drawContent(Ui& ui) {
    if (super::drawRefusal(ui, m_ctx.session, m_back)) return;
    const float pad = ui.px(ui.theme.spacing);
    if (drawDeviceWarnings(ui, m_ctx.device.view())) ImGui::Dummy(ImVec2(0.f, pad));
    const SyncPanelView view = m_sync.view(m_unsealed, m_sealing);
    if (!view.workerPresent) {
        banner(ui, icon::kBan, ui.tr("sync.not_running"), Tone::Danger);
        ImGui::Dummy(ImVec2(0.f, pad));
        if (view.pendingUp >= 0) text(ui, fill(ui.tr("sync.pending_up"), {std::to_string(view.pendingUp)}));
        return;
    }
    drawStatus(ui, view);
    ImGui::Dummy(ImVec2(0.f, pad));
    if (button(ui, fmt::format("{}  {}", icon::kRefresh, ui.tr("sync.now")), "sync.now",
               ImVec2(ui.px(520.f), ui.px(96.f)), Tone::Primary, view.canSyncNow))
        m_now = true;
    if (view.needsEnrollment) {
        ImGui::SameLine(0.f, pad);
        if (button(ui, fmt::format("{}  {}", icon::kTablet, ui.tr("sync.go_enroll")), "sync.go_enroll",
                   ImVec2(0.f, ui.px(96.f)), Tone::Secondary))
            m_enroll = true;
    }
    if (view.canMerge) {
        ImGui::SameLine(0.f, pad);
        if (button(ui, fmt::format("{}  {}", icon::kDownload, ui.tr("sync.merge_now")), "sync.merge_now",
                   ImVec2(0.f, ui.px(96.f)), Tone::Secondary, !m_sealing && !m_merging))
            m_merge = true;
    }
    if (m_merging) super::workingBanner(ui, ui.tr("sync.merging"));
    if (m_merged >= 0)
        successText(ui, fmt::format("{}  {}", icon::kCheck, fill(ui.tr("sync.merged"), {std::to_string(m_merged)})));
    if (m_sealing) super::workingBanner(ui, ui.tr("sync.sealing"));
    if (m_sealError) banner(ui, icon::kWarning, super::errorText(ui, *m_sealError), Tone::Danger);
}

void SyncPanelScreen::drawStatus(Ui& ui, const SyncPanelView& view) {
    const sync::SyncStatus& s = view.status;
    const float pad = ui.px(ui.theme.spacing);
    const std::string connectivity = ui.tr(fmt::format("sync.connectivity.{}", sync::connectivityName(s.connectivity)));
    heading(ui, fmt::format("{}  {}", connectivityIcon(s.connectivity), connectivity));
    label(ui, ui.tr(fmt::format("sync.state.{}", sync::syncStateName(s.state))));
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));

    if (view.syncing) {
        std::string overlay = ui.tr("sync.progress.connecting");
        if (s.state == sync::SyncState::Sending)
            overlay =
                fill(ui.tr("sync.progress.sending"), {std::to_string(s.batchesSent), std::to_string(s.batchesToSend)});
        if (s.state == sync::SyncState::Receiving)
            overlay = fill(ui.tr("sync.progress.receiving"), {std::to_string(s.pagesReceived)});
        progressBar(ui, s.state == sync::SyncState::Connecting ? 0.f : s.progress, overlay);
        ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
    }

    const std::string last =
        s.lastSuccessMs > 0
            ? fill(ui.tr("sync.last_success"),
                   {super::agoText(ui, m_ctx.clock.nowMs(), s.lastSuccessMs), super::localDateTime(s.lastSuccessMs)})
            : std::string(ui.tr("sync.never"));
    text(ui, fmt::format("{}  {}", icon::kClock, last));
    text(ui, fmt::format("{}  {}", icon::kUpload, fill(ui.tr("sync.pending_up"), {std::to_string(view.pendingUp)})));
    text(ui, fmt::format("{}  {}", icon::kDownload,
                         fill(ui.tr("sync.pending_down"), {std::to_string(s.pendingDownPages)})));
    if (s.bytesUp > 0 || s.bytesDown > 0)
        muted(ui, fill(ui.tr("sync.bytes"), {kilobytes(s.bytesUp), kilobytes(s.bytesDown)}));
    if (s.quarantined > 0) muted(ui, fill(ui.tr("sync.quarantined"), {std::to_string(s.quarantined)}));

    if (s.lastError) {
        ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
        std::string message = super::syncErrorText(ui, *s.lastError);
        if (s.nextAttemptMs > 0) {
            const std::int64_t seconds = std::max<std::int64_t>(0, s.nextAttemptMs - m_ctx.clock.nowMs()) / 1000;
            message += " " + fill(ui.tr("sync.retry_in"), {std::to_string(seconds / 60), std::to_string(seconds % 60)});
        }
        banner(ui, icon::kWarning, message, Tone::Danger);
    }
    if (s.state == sync::SyncState::Revoked) banner(ui, icon::kBan, ui.tr("sync.revoked_help"), Tone::Danger);
}

void SyncPanelScreen::afterDraw() {
    if (m_back) m_ctx.nav.back();
    m_back = false;
    if (m_now && !m_sealing) syncNow();
    m_now = false;
    if (m_merge && !m_merging && !m_sealing) mergeNow();
    m_merge = false;
    if (m_enroll) m_ctx.nav.go(ScreenId::Enrollment);
    m_enroll = false;
}

}  // namespace chasqui::kiosk
