#pragma once
// The supervisor's tools as large tiles: sync, conflicts (with how many are
// open), the monthly report, staff accounts and device enrollment. A staff
// member who is not a supervisor sees a polite refusal instead.

#include <cstdint>

#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/services/conflict_service.hpp"

namespace chasqui::kiosk {

class SupervisorHomeScreen final : public Screen {
public:
    explicit SupervisorHomeScreen(StaffContext& ctx) : m_ctx(ctx), m_conflicts(ctx.staff) {}
    ScreenId id() const override { return ScreenId::SupervisorHome; }
    const char* titleKey() const override { return "super.title"; }
    bool needsSession() const override { return true; }
    void onEnter() override;
    void drawContent(Ui& ui) override;
    void afterDraw() override;
    void dropPersonalData() override;

private:
    StaffContext& m_ctx;
    ConflictService m_conflicts;        // worker thread only
    std::int64_t m_openConflicts = -1;  // -1: not known yet
    std::uint64_t m_generation = 0;
    ScreenId m_go = ScreenId::SupervisorHome;  // tapped this frame (SupervisorHome: none)
    bool m_back = false;
};

}  // namespace chasqui::kiosk
