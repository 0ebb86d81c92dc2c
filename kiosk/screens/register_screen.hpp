#pragma once
// Registering a person in a short wizard: (a) the person, (b) papers and
// contact, (c) household, (d) the case (needs, vulnerabilities, priority,
// consent), then a review. "Next" checks the step and keeps the person on it
// with a message next to each field that needs attention. Before saving, the
// duplicate check runs on the worker and shows scored candidates: "this is
// the same person" opens their current case and saves nothing; "a different
// person" saves person, household and case in one transaction
// (RegistrationService) and opens the new case.
// Drawing of the steps is in register_steps.cpp, the form's rules in
// register_form.cpp.

#include <cstdint>
#include <string>
#include <vector>

#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/screens/register_form.hpp"
#include "kiosk/services/case_service.hpp"
#include "kiosk/services/registration_service.hpp"
#include "kiosk/ui/text_entry.hpp"
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

    using Candidate = DuplicateRow;  // a person the new one may be

private:
    enum class Phase { Form, Checking, Duplicates, Saving };
    enum class Intent { None, Next, Back, Save, Edit, Same, Different };

    // register_steps.cpp: drawing only.
    void drawHeader(Ui& ui);
    void drawFooter(Ui& ui);
    void drawPerson(Ui& ui);
    void drawDocument(Ui& ui);
    void drawHousehold(Ui& ui);
    void drawCase(Ui& ui);
    void drawReview(Ui& ui);
    void drawDuplicates(Ui& ui, float height);
    void field(Ui& ui, const char* labelKey, const char* name, std::string& value, EntryMode mode, std::size_t maxBytes,
               float width = 0.f);
    std::string fieldError(const Ui& ui, std::string_view name) const;
    void keepInView(const Ui& ui, const char* key, float top);

    // register_screen.cpp: the flow.
    void reset();
    void next();
    void checkDuplicates();
    void save();
    void openExisting(const std::string& personId);
    void showSaveError(const storage::Error& error);
    std::string today() const;

    StaffContext& m_ctx;
    RegistrationService m_registration;  // worker thread only
    CaseService m_cases;                 // worker thread only: the case of "the same person"
    reg::RegisterForm m_form;
    reg::Step m_step = reg::Step::Person;
    reg::FieldErrors m_errors;
    Phase m_phase = Phase::Form;
    std::vector<Candidate> m_candidates;
    std::string m_saveErrorKey;                // a failure not tied to one field
    std::uint64_t m_generation = 0;            // results of work started before a reset are dropped
    Intent m_intent = Intent::None;            // tapped this frame
    std::string m_intentPerson;                // with Intent::Same
    reg::Step m_editStep = reg::Step::Person;  // with Intent::Edit
    std::string m_inView;                      // the focused field already scrolled into view
    bool m_scrollTop = false;                  // a new step: start at its top
};

}  // namespace chasqui::kiosk
