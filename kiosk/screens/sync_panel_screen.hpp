#pragma once
// The sync panel: whether the kiosk reaches its server, what the background
// sync worker (sync/client/sync_worker.hpp) is doing, when it last succeeded, how
// many changes wait to go up and how many received pages wait to be merged,
// a progress bar while it syncs, the last error in plain words, and "sync
// now", which first seals the signed-in store's new changes into the outbox
// (on the worker) and then wakes the sync worker. Pages received while a
// session is open can be merged at once ("merge now") instead of at the next sign-in. Without a sync worker (some
// tests, a kiosk started without one) it says that sync is not running here.
// What it shows and does comes from SyncPanelService.
// The kiosk's own warnings (clock off from the server's, low disk space) come first.

#include <cstdint>
#include <optional>

#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/services/sync_panel_service.hpp"

namespace chasqui::kiosk {

class SyncPanelScreen final : public Screen {
public:
    explicit SyncPanelScreen(StaffContext& ctx) : m_ctx(ctx), m_sync(ctx.staff, ctx.syncWorker) {}
    ScreenId id() const override { return ScreenId::SyncPanel; }
    const char* titleKey() const override { return "sync.title"; }
    bool needsSession() const override { return true; }
    void onEnter() override;
    void drawContent(Ui& ui) override;
    void afterDraw() override;
    void dropPersonalData() override;

private:
    void countUnsealed();
    void syncNow();
    void mergeNow();
    void drawStatus(Ui& ui, const SyncPanelView& view);

    StaffContext& m_ctx;
    SyncPanelService m_sync;
    std::int64_t m_unsealed = -1;  // changes in the store not yet sealed into the outbox; -1 unknown
    std::uint64_t m_generation = 0;
    bool m_sealing = false;
    std::optional<storage::Error> m_sealError;
    bool m_merging = false;
    int m_merged = -1;  // changes applied by the last "merge now"; -1 none
    // Taps of this frame.
    bool m_now = false;
    bool m_merge = false;
    bool m_enroll = false;
    bool m_back = false;
};

}  // namespace chasqui::kiosk
