#pragma once
// Record assistance delivered to the selected case: sector, a type from that
// sector's catalog (storage/base/vocabulary.hpp), quantity (numeric pad), unit
// and date (today unless changed, with the date pad). Each field is checked
// on save and its problem shown right under it; nothing is written until all
// are right. The write runs on the worker; on success the case view is shown
// again, reloaded, with the new line at the top of the history.

#include <cstdint>
#include <string>
#include <string_view>

#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/services/case_service.hpp"

namespace chasqui::kiosk {

class AssistanceScreen final : public Screen {
public:
    explicit AssistanceScreen(StaffContext& ctx) : m_ctx(ctx), m_cases(ctx.staff, ctx.catalog) {}
    ScreenId id() const override { return ScreenId::Assistance; }
    const char* titleKey() const override { return "assist.title"; }
    bool needsSession() const override { return true; }
    void onEnter() override;
    void drawContent(Ui& ui) override;
    void afterDraw() override;
    void dropPersonalData() override;
    bool holdsPersonalData() const override;

private:
    enum class Intent { None, Save, Cancel };
    struct Errors {
        const char* sector = nullptr;
        const char* type = nullptr;
        const char* quantity = nullptr;
        const char* unit = nullptr;
        const char* date = nullptr;
        bool any() const { return sector || type || quantity || unit || date; }
        // Marks the field a problem names (as storage names it); false for one this form does not show.
        bool mark(std::string_view field);
    };
    void reset();
    storage::Assistance draft() const;
    Errors check() const;
    void save();
    void drawChoices(Ui& ui, float width, float height);
    void drawDetails(Ui& ui, float width, float height);

    StaffContext& m_ctx;
    CaseService m_cases;  // worker thread only
    std::uint64_t m_generation = 0;
    std::string m_sector;
    std::string m_type;
    std::string m_quantity;
    std::string m_unit;
    std::string m_date;
    Errors m_errors;
    const char* m_saveError = nullptr;  // a failure of the write itself
    bool m_saving = false;
    std::string m_scrolledFor;  // the text field last scrolled into sight above the keyboard
    Intent m_intent = Intent::None;
};

}  // namespace chasqui::kiosk
