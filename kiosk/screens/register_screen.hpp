#pragma once
// Registering a person in two screens: (1) consent, asked first, then the
// person and their papers; (2) household and case, saved from there. While
// the names, birth date and document are typed, the duplicate check runs on
// the worker (re-run when they change; the results of a stale run are
// dropped) and the people it finds are shown beside the form with "this is
// them" as the easy choice: it opens their current case and saves nothing.
// "Save" checks every field; when the check at saving finds someone not
// already shown, it asks once more (the duplicate phase), else it saves
// person, household and case in one transaction (RegistrationService) and
// opens the new case.
// Nothing typed is lost: every change is kept as the staff member's draft in
// the store (RegistrationService::keepDraft), so the top bar's back button,
// another screen or the inactivity lock leave it there; entering the wizard
// again (or "continue" on the staff home after the next sign-in) brings it
// back. "Discard" and a save remove it.
// Drawing of the steps is in register_steps.cpp, the candidates and the
// duplicate phase in register_review.cpp; the form's rules are the
// service's (RegistrationService::check).

#include <cstdint>
#include <string>
#include <vector>

#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/services/case_service.hpp"
#include "kiosk/services/registration_form.hpp"
#include "kiosk/services/registration_service.hpp"
#include "kiosk/ui/text_entry.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/error.hpp"

namespace chasqui::kiosk {

class RegisterScreen final : public Screen {
public:
    explicit RegisterScreen(StaffContext& ctx)
        : m_ctx(ctx), m_registration(ctx.staff), m_cases(ctx.staff, ctx.catalog) {}
    ScreenId id() const override { return ScreenId::Register; }
    const char* titleKey() const override { return "register.title"; }
    bool needsSession() const override { return true; }
    void onEnter() override;
    void drawContent(Ui& ui) override;
    void afterDraw() override;
    void dropPersonalData() override;
    bool holdsPersonalData() const override;
    bool mayLeave(LeaveBy by) override;

    using Candidate = DuplicateRow;  // a person the new one may be

private:
    enum class Phase { Form, Checking, Duplicates, Saving };
    enum class Intent { None, Next, Back, Save, Same, Different, Discard, LeaveKeep, LeaveDiscard, Stay };

    // register_steps.cpp: drawing only.
    void drawHeader(Ui& ui);
    void drawFooter(Ui& ui);
    void drawPerson(Ui& ui);
    void drawHouseholdCase(Ui& ui);
    void drawJoin(Ui& ui);
    void drawLeaveQuestion(Ui& ui);
    void field(Ui& ui, const char* labelKey, const char* name, std::string& value, EntryMode mode, std::size_t maxBytes,
               float width = 0.f);
    std::string fieldError(const Ui& ui, std::string_view name) const;
    void keepInView(const Ui& ui, const char* key, float top);
    void refreshLists(const Ui& ui);
    // register_review.cpp
    void drawCandidates(Ui& ui, bool side);
    void drawDuplicates(Ui& ui, float height);

    // register_screen.cpp: the flow.
    void leave();  // where the top bar was asked to go (m_leaveBy)
    void reset();
    void next();
    void checkDuplicates();
    void liveCheck();
    void loadDraft();
    void keepDraft();
    void discardDraft();
    void searchHouseholds();
    void save();
    void openExisting(const std::string& personId);
    void showSaveError(const storage::Error& error);
    std::string today() const;

    StaffContext& m_ctx;
    RegistrationService m_registration;  // worker thread only (check() is pure)
    CaseService m_cases;                 // worker thread only: the case of "the same person"
    reg::RegisterForm m_form;
    reg::Step m_step = reg::Step::Person;
    reg::FieldErrors m_errors;
    Phase m_phase = Phase::Form;
    std::vector<Candidate> m_candidates;  // shown beside the form, or in the duplicate phase
    std::vector<std::string> m_seen;      // ids shown beside the form: not asked about again at saving
    std::string m_saveErrorKey;           // a failure not tied to one field
    std::uint64_t m_generation = 0;       // results of work started before a reset are dropped
    // The live duplicate check: what it last ran on, and whether a run is out.
    std::string m_checkedFor;
    std::uint64_t m_checkRun = 0;
    bool m_checking = false;
    // Households to join, found by a member's name.
    std::string m_joinSearchedFor;
    std::vector<HouseholdRow> m_joinRows;
    bool m_joinSearching = false;
    // The draft: the body last sent to the store, whether a save of it is
    // out, and whether the one in the store has been read since entering.
    std::string m_draftBody;
    bool m_draftSaving = false;
    bool m_draftLoaded = false;
    bool m_restored = false;            // the form came back from a draft: say so
    bool m_leaving = false;             // back or home was tapped with something typed: asked first
    LeaveBy m_leaveBy = LeaveBy::Back;  // with m_leaving: where to go once answered
    Intent m_intent = Intent::None;     // tapped this frame
    std::string m_intentPerson;         // with Intent::Same
    std::string m_inView;               // the focused field already scrolled into view
    bool m_scrollTop = false;           // a new step: start at its top
    // Searchable names in the current language (districts, countries).
    std::string m_listsLanguage;
    std::vector<Option> m_districts;
    std::vector<Option> m_countries;
};

}  // namespace chasqui::kiosk
