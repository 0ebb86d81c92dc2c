#include "kiosk/screens/sync_panel_screen.hpp"

#include <fmt/format.h>

#include "kiosk/screens/supervisor_common.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/meta_table.hpp"
#include "sync/spool.hpp"

namespace chasqui::kiosk {

namespace {

// Changes written since the outbox was last sealed: neither acknowledged by
// the server nor in a spooled batch (sync/spool.hpp keeps both positions).
storage::Result<std::int64_t> unsealedChanges(storage::PersonalStore& store) {
    std::int64_t from = 0;
    for (const char* key : {"outbox_acked_seq", "outbox_spooled_seq"}) {
        auto value = storage::readMeta(store.db(), key);
        if (!value) return std::unexpected(value.error());
        if (!value->empty()) from = std::max<std::int64_t>(from, std::stoll(*value));
    }
    return store.db().scalarInt(fmt::format("SELECT count(*) FROM changes WHERE seq > {}", from));  // i18n: not UI
}

bool running(sync::SyncState state) {
    return state == sync::SyncState::Connecting || state == sync::SyncState::Sending ||
           state == sync::SyncState::Receiving;
}

const char* connectivityIcon(sync::Connectivity c) {
    switch (c) {
    case sync::Connectivity::Online: return icon::kCheck;
    case sync::Connectivity::Offline: return icon::kBan;
    case sync::Connectivity::CaptivePortal: return icon::kWarning;
    case sync::Connectivity::Unknown: break;
    }
    return icon::kInfo;
}

std::string kilobytes(std::uint64_t bytes) { return std::to_string((bytes + 1023) / 1024); }

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
    StaffSession& staff = m_ctx.staff;
    m_ctx.tasks.post([this, &staff, generation]() -> TaskRunner::Continuation {
        std::int64_t count = -1;
        if (storage::PersonalStore* store = staff.store())
            if (auto n = unsealedChanges(*store)) count = *n;
        return [this, generation, count] {
            if (generation == m_generation) m_unsealed = count;
        };
    });
}

void SyncPanelScreen::syncNow() {
    m_sealing = true;
    m_sealError.reset();
    const std::uint64_t generation = ++m_generation;
    StaffSession& staff = m_ctx.staff;
    sync::SyncWorker* worker = m_ctx.syncWorker;
    m_ctx.tasks.post([this, &staff, generation, worker]() -> TaskRunner::Continuation {
        std::optional<storage::Error> error;
        std::int64_t count = -1;
        if (storage::PersonalStore* store = staff.store()) {
            // Not enrolled yet (NotFound: no server key to seal to) is not an
            // error here: the worker says so itself.
            auto sealed = sync::spoolOutbox(*store);
            if (!sealed && sealed.error().code != storage::ErrorCode::NotFound) error = sealed.error();
            if (auto n = unsealedChanges(*store)) count = *n;
        }
        if (worker != nullptr) {
            worker->spoolChanged();
            worker->requestSync();
        }
        return [this, generation, error, count] {
            if (generation != m_generation) return;
            m_sealing = false;
            m_sealError = error;
            m_unsealed = count;
        };
    });
}

void SyncPanelScreen::mergeNow() {
    m_merging = true;
    m_sealError.reset();
    m_merged = -1;
    const std::uint64_t generation = ++m_generation;
    StaffSession& staff = m_ctx.staff;
    sync::SyncWorker* worker = m_ctx.syncWorker;
    m_ctx.tasks.post([this, &staff, generation, worker]() -> TaskRunner::Continuation {
        std::optional<storage::Error> error;
        int applied = 0;
        if (storage::PersonalStore* store = staff.store()) {
            auto merged = sync::mergeSpool(*store);
            if (merged) applied = merged->applied;
            else error = merged.error();
        }
        if (worker != nullptr) worker->spoolChanged();
        return [this, generation, error, applied] {
            if (generation != m_generation) return;
            m_merging = false;
            m_sealError = error;
            if (!error) m_merged = applied;
        };
    });
}

void SyncPanelScreen::drawContent(Ui& ui) {
    if (super::drawRefusal(ui, m_ctx.session, m_back)) return;
    const float pad = ui.px(ui.theme.spacing);
    sync::SyncWorker* worker = m_ctx.syncWorker;
    if (worker == nullptr) {
        banner(ui, icon::kBan, ui.tr("sync.not_running"), Tone::Danger);
        ImGui::Dummy(ImVec2(0.f, pad));
        if (m_unsealed >= 0) text(ui, fill(ui.tr("sync.pending_up"), {std::to_string(m_unsealed)}));
        return;
    }
    const sync::SyncStatus s = worker->status();
    drawStatus(ui, s);
    ImGui::Dummy(ImVec2(0.f, pad));
    const bool busy = m_sealing || running(s.state);
    const bool possible = s.state != sync::SyncState::Revoked && s.state != sync::SyncState::Stopped &&
                          s.state != sync::SyncState::NotEnrolled;
    if (button(ui, fmt::format("{}  {}", icon::kRefresh, ui.tr("sync.now")), "sync.now", ImVec2(ui.px(520.f), ui.px(96.f)),
               Tone::Primary, possible && !busy))
        m_now = true;
    if (s.state == sync::SyncState::NotEnrolled) {
        ImGui::SameLine(0.f, pad);
        if (button(ui, fmt::format("{}  {}", icon::kTablet, ui.tr("sync.go_enroll")), "sync.go_enroll",
                   ImVec2(0.f, ui.px(96.f)), Tone::Secondary))
            m_enroll = true;
    }
    if (s.pendingDownPages > 0 && !running(s.state)) {
        ImGui::SameLine(0.f, pad);
        if (button(ui, fmt::format("{}  {}", icon::kDownload, ui.tr("sync.merge_now")), "sync.merge_now",
                   ImVec2(0.f, ui.px(96.f)), Tone::Secondary, !busy && !m_merging))
            m_merge = true;
    }
    if (m_merging) super::workingBanner(ui, ui.tr("sync.merging"));
    if (m_merged >= 0) successText(ui, fmt::format("{}  {}", icon::kCheck, fill(ui.tr("sync.merged"), {std::to_string(m_merged)})));
    if (m_sealing) super::workingBanner(ui, ui.tr("sync.sealing"));
    if (m_sealError) banner(ui, icon::kWarning, super::errorText(ui, *m_sealError), Tone::Danger);
}

void SyncPanelScreen::drawStatus(Ui& ui, const sync::SyncStatus& s) {
    const float pad = ui.px(ui.theme.spacing);
    const std::string connectivity =
        ui.tr(fmt::format("sync.connectivity.{}", sync::connectivityName(s.connectivity)));
    heading(ui, fmt::format("{}  {}", connectivityIcon(s.connectivity), connectivity));
    label(ui, ui.tr(fmt::format("sync.state.{}", sync::syncStateName(s.state))));
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));

    if (running(s.state)) {
        std::string overlay = ui.tr("sync.progress.connecting");
        if (s.state == sync::SyncState::Sending)
            overlay = fill(ui.tr("sync.progress.sending"), {std::to_string(s.batchesSent), std::to_string(s.batchesToSend)});
        if (s.state == sync::SyncState::Receiving)
            overlay = fill(ui.tr("sync.progress.receiving"), {std::to_string(s.pagesReceived)});
        progressBar(ui, s.state == sync::SyncState::Connecting ? 0.f : s.progress, overlay);
        ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
    }

    const std::string last = s.lastSuccessMs > 0
                                 ? fill(ui.tr("sync.last_success"), {super::agoText(ui, m_ctx.clock.nowMs(), s.lastSuccessMs),
                                                                      super::localDateTime(s.lastSuccessMs)})
                                 : std::string(ui.tr("sync.never"));
    text(ui, fmt::format("{}  {}", icon::kClock, last));
    const std::int64_t up = s.pendingUp + std::max<std::int64_t>(0, m_unsealed);
    text(ui, fmt::format("{}  {}", icon::kUpload, fill(ui.tr("sync.pending_up"), {std::to_string(up)})));
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
