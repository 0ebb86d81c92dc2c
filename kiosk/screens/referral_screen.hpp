#pragma once
// Refer the selected case to a service of the catalog: a category, then one
// of its services (listed on the worker from CatalogService: name,
// organization, district), the reason, the urgency, the person's explicit
// consent to share their data with that service (no referral without it) and
// an optional follow-up date. Saved on the worker with CaseService::refer;
// the case view then shows the new referral as "sent".

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/services/case_service.hpp"

namespace chasqui::kiosk {

class ReferralScreen final : public Screen {
public:
    explicit ReferralScreen(StaffContext& ctx) : m_ctx(ctx), m_cases(ctx.staff, ctx.catalog) {}
    ScreenId id() const override { return ScreenId::Referral; }
    const char* titleKey() const override { return "referral.title"; }
    bool needsSession() const override { return true; }
    void onEnter() override;
    void drawContent(Ui& ui) override;
    void afterDraw() override;
    void dropPersonalData() override;
    bool holdsPersonalData() const override;

private:
    enum class Intent { None, Category, Service, Save, Cancel, Retry };
    struct ServiceRow {
        std::string id;
        std::string name;
        std::string organization;
        std::string districtName;
    };
    struct Errors {
        const char* service = nullptr;
        const char* reason = nullptr;
        const char* urgency = nullptr;
        const char* consent = nullptr;
        const char* followUp = nullptr;
        bool any() const { return service || reason || urgency || consent || followUp; }
        // Marks the field a problem names (as storage and CaseService name
        // it); false for one this form does not show.
        bool mark(std::string_view field);
    };
    void reset();
    void loadServices();
    storage::Referral draft() const;
    Errors check() const;
    void save();
    void drawCatalog(Ui& ui, float width, float height);
    void drawForm(Ui& ui, float width, float height);

    StaffContext& m_ctx;
    CaseService m_cases;             // worker thread only
    std::uint64_t m_generation = 0;  // bumped on enter and sign-out: older results are dropped
    std::uint64_t m_listGeneration = 0;

    std::string m_category;
    std::vector<ServiceRow> m_services;
    bool m_listLoading = false;
    const char* m_listError = nullptr;
    ServiceRow m_service;  // the chosen one (empty id: none)

    std::string m_reason;
    std::string m_urgency;
    bool m_consent = false;
    std::string m_followUp;
    Errors m_errors;
    const char* m_saveError = nullptr;
    bool m_saving = false;

    Intent m_intent = Intent::None;
    std::string m_tapped;  // category code or service id
    bool m_consentTapped = false;
    bool m_scrollToServices = false;  // a category was chosen: bring its list into view
    std::string m_scrolledFor;        // the text field last scrolled into sight above the keyboard
};

}  // namespace chasqui::kiosk
