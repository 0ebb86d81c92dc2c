#pragma once
// Conflicts: each field that two devices changed at the same time, with both
// values side by side, who wrote each and when. The supervisor keeps one
// ("keep this" on either side), confirms, and the decision is written on the
// worker as synced records (ConflictService), so every kiosk
// of the office ends with the same value.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/services/conflict_service.hpp"

namespace chasqui::kiosk {

class ConflictsScreen final : public Screen {
public:
    explicit ConflictsScreen(StaffContext& ctx) : m_ctx(ctx), m_service(ctx.staff) {}
    ScreenId id() const override { return ScreenId::Conflicts; }
    const char* titleKey() const override { return "conflict.title"; }
    bool needsSession() const override { return true; }
    void onEnter() override;
    void drawContent(Ui& ui) override;
    void afterDraw() override;
    void dropPersonalData() override;
    bool holdsPersonalData() const override;

private:
    struct Decision {
        std::string id;
        ConflictChoice choice = ConflictChoice::KeepCurrent;
    };
    void load();
    void resolve(const Decision& decision);
    void drawConflict(Ui& ui, const ConflictView& c);
    void drawConfirmation(Ui& ui, const ConflictView& c);
    const ConflictView* find(const std::string& id) const;

    StaffContext& m_ctx;
    ConflictService m_service;  // worker thread only
    std::vector<ConflictView> m_conflicts;
    std::uint64_t m_generation = 0;
    bool m_loading = false;
    bool m_loaded = false;
    bool m_resolving = false;
    bool m_resolved = false;                // the last decision was saved
    std::optional<storage::Error> m_error;  // of the last load or decision
    std::optional<Decision> m_confirm;      // waiting for "yes"
    // Taps of this frame.
    std::optional<Decision> m_tapped;
    bool m_yes = false;
    bool m_no = false;
    bool m_back = false;
};

}  // namespace chasqui::kiosk
