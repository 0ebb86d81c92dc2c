#pragma once
// The staff member's start: search as you type over every person on the
// kiosk (any name part or its beginning, accents and case ignored, document
// number, phone or case code), results as large rows that open the person's
// current case (CaseService::currentCase), a big "register a new person"
// button and, for supervisors, the way to their tools. The search is
// cleared between people: when the staff member comes back after a case was
// opened, and on sign-out and the inactivity lock. Searches run on the
// worker (StaffSearchService); a generation counter drops the results of a
// query the person has typed past.

#include <cstdint>
#include <string>
#include <vector>

#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/services/case_service.hpp"
#include "kiosk/services/person_row.hpp"
#include "kiosk/services/registration_service.hpp"
#include "kiosk/services/staff_search_service.hpp"

namespace chasqui::kiosk {

class StaffHomeScreen final : public Screen {
public:
    explicit StaffHomeScreen(StaffContext& ctx)
        : m_ctx(ctx), m_search(ctx.staff), m_cases(ctx.staff, ctx.catalog), m_registration(ctx.staff) {}
    ScreenId id() const override { return ScreenId::StaffHome; }
    const char* titleKey() const override { return "home.title"; }
    bool needsSession() const override { return true; }
    void onEnter() override;
    void drawContent(Ui& ui) override;
    void afterDraw() override;
    void dropPersonalData() override;
    bool holdsPersonalData() const override;

    using Result = PersonRow;  // a search result

private:
    enum class Intent { None, Register, Supervisor, DiscardDraft };
    void search();
    void clearSearch();
    void open(const Result& row);
    void drawResults(Ui& ui, float height);
    void askForDraft();
    void drawDraftOffer(Ui& ui);

    StaffContext& m_ctx;
    StaffSearchService m_search;         // worker thread only
    CaseService m_cases;                 // worker thread only: the case a tapped row opens
    RegistrationService m_registration;  // worker thread only: the staff member's unfinished registration
    std::string m_draftInitial;          // its person's first letter: offered back, nothing more shown
    std::string m_query;
    std::vector<Result> m_results;
    std::string m_resultsFor;        // the query m_results answer
    std::uint64_t m_generation = 0;  // bumped by every new query and by clearing
    bool m_searching = false;
    bool m_failed = false;
    bool m_queryChanged = false;  // this frame
    bool m_focusSearch = false;   // open the keyboard at the next draw
    bool m_opening = false;       // a row was tapped; its case is being looked up
    std::string m_tapped;         // person id tapped this frame
    Intent m_intent = Intent::None;
};

}  // namespace chasqui::kiosk
