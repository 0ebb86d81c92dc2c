#pragma once
// The case file of the person at the desk (StaffSelection): profile,
// household, needs and consent, assistance history, referrals with their
// dated and attributed status history, and notes, as sections of a
// segmented control. Everything is loaded on the worker by CaseService (a
// CaseView: person, household and case file, each read audited as a view)
// and copied into m_data; draw
// code records intents, afterDraw posts the writes (a note, a referral step,
// opening or editing the case) and reloads. Personal data: dropped on
// sign-out and on the inactivity lock.
//
// Split by feature: case_view_screen.cpp (loading, intents, header, tabs),
// case_view_sections.cpp (profile, household, needs and the case form),
// case_view_followup.cpp (assistance, referrals, notes),
// case_view_edit.cpp (the person's form and "discard changes?"),
// case_view_family.cpp (the household: members added, moved, a household started).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/services/case_service.hpp"
#include "kiosk/services/case_view.hpp"
#include "kiosk/services/edit_service.hpp"
#include "kiosk/services/person_row.hpp"
#include "kiosk/services/staff_search_service.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/model.hpp"

namespace chasqui::kiosk {

class CaseViewScreen final : public Screen {
public:
    enum class Tab { Profile, Household, Needs, Assistance, Referrals, Notes };

    explicit CaseViewScreen(StaffContext& ctx)
        : m_ctx(ctx), m_cases(ctx.staff, ctx.catalog), m_edits(ctx.staff), m_search(ctx.staff) {}
    ScreenId id() const override { return ScreenId::CaseView; }
    const char* titleKey() const override { return "case.title"; }
    bool needsSession() const override { return true; }
    void onEnter() override;
    void drawContent(Ui& ui) override;
    void afterDraw() override;
    void dropPersonalData() override;
    // With unsaved changes in a form, asks "discard changes?" and stays.
    bool mayLeave(LeaveBy by) override;

    // For tests: true while anything about a person is held.
    bool holdsPersonalData() const override;
    // Shown next time the screen is entered (the assistance and referral screens pick the section they changed).
    void showTab(Tab tab) { m_tab = tab; }

    using Data = CaseView;  // built by CaseService::load

private:
    enum class Intent {
        None,
        Retry,
        Tab,
        Assist,
        Refer,
        SaveNote,
        AskStatus,
        ConfirmStatus,
        KeepStatus,
        OpenForm,
        EditForm,
        SaveForm,
        CancelForm,
        ShowMember,
        ShowSensitive,
        HideSensitive,
        EditPerson,
        SavePerson,
        CancelPerson,
        DiscardYes,
        DiscardKeep,
        FamilyOpen,
        FamilySearch,
        FamilyPick,
        FamilySave,
        FamilyCancel,
        FamilyLeave,
    };
    struct StatusChange {
        std::string referralId;
        std::string status;
        std::string comment;
        bool scrollTo = true;  // bring the confirmation into view once
    };
    // Needs, vulnerabilities, priority and consent: opening a case or editing it.
    struct CaseForm {
        bool visible = false;
        bool creating = false;
        std::vector<std::string> needs;
        std::vector<std::string> vulnerabilities;
        std::string priority = "normal";
        std::string status = "open";
        std::string consent;  // given | refused | "" (not asked yet)
        std::vector<std::string> scope;
        const char* consentError = nullptr;
        const char* scopeError = nullptr;
        // What the person chose (errors and visibility aside) differs from `other`.
        bool differsFrom(const CaseForm& other) const {
            return needs != other.needs || vulnerabilities != other.vulnerabilities || priority != other.priority ||
                   status != other.status || consent != other.consent || scope != other.scope;
        }
    };
    // The person's saved fields, edited (case_view_edit.cpp). `edited`
    // starts as a copy of `original`; the text fields type straight into it.
    struct PersonForm {
        bool visible = false;
        storage::Person original;
        storage::Person edited;
        std::string errorField;  // storage's name of the field it refused
        bool scrollTop = true;
        std::vector<Option> countries;  // the nationality is found by typing its name
        std::string nationalityQuery;
        bool listsReady = false;  // filled at the form's first frame (names in the current language)
    };
    // The household section's forms (case_view_family.cpp).
    enum class FamilyMode { None, AddExisting, AddNew, Move, Start, District };
    struct FamilyForm {
        FamilyMode mode = FamilyMode::None;
        std::string query;  // a name to search (AddExisting, Move)
        std::vector<PersonRow> results;
        bool searched = false;
        std::string pickedId;
        std::string pickedName;
        std::string relation;
        storage::Person person;  // AddNew: names, sex, birth date
        std::string district;    // Start, District: found by typing its name
        std::string districtQuery;
        std::vector<Option> districts;
        bool listsReady = false;
        std::string errorField;
        bool scrollTop = true;  // each form opens at its first field
    };
    // What the person asked for when "discard changes?" appeared.
    enum class Leave { None, Back, Home, Tab, Member, Cancel };
    // A write through CaseService, run on the worker; answers the record's id.
    using Write = std::function<storage::Result<std::string>(CaseService&)>;
    using EditWrite = std::function<storage::Result<std::string>(EditService&)>;

    void load();
    // Runs `work` on the worker; on success calls `onDone` with what it
    // returned (an id), shows `doneKey` and reloads; on failure shows why.
    void submit(Write work, const char* doneKey, std::function<void(const std::string&)> onDone = {});
    void act(Intent intent);
    void actOnCase(Intent intent);      // the case form (case_view_sections.cpp)
    void actOnFollowUp(Intent intent);  // notes and referral steps (case_view_followup.cpp)
    void actOnEdit(Intent intent);      // the person's form, discard (case_view_edit.cpp)
    void actOnFamily(Intent intent);    // the household (case_view_family.cpp)
    // Runs an edit on the worker like submit(); on an InvalidInput answer
    // `onRefused` is told the field storage named.
    void submitEdit(EditWrite work, const char* doneKey, std::function<void(const std::string&)> onDone,
                    std::function<void(const std::string&)> onRefused);
    // Unsaved changes in the person's, the case's or the household's form.
    bool hasUnsavedChanges() const;
    // Asks "discard changes?" for `leave` when there are unsaved changes; false when it asked.
    bool leaveAllowed(Leave leave);
    void closeForms();
    void searchFamily();

    void drawHeader(Ui& ui);
    void drawTabs(Ui& ui);
    void drawNoCase(Ui& ui);
    void drawProfile(Ui& ui);
    void drawHousehold(Ui& ui);
    void drawNeeds(Ui& ui);
    void drawCaseForm(Ui& ui);
    void drawAssistance(Ui& ui);
    void drawReferrals(Ui& ui);
    void drawReferral(Ui& ui, const storage::Referral& referral);
    void drawNotes(Ui& ui);
    void drawPersonForm(Ui& ui);
    void drawDiscardQuestion(Ui& ui);
    void drawFamilyForm(Ui& ui);
    void drawFamilyActions(Ui& ui);
    std::string staffName(Ui& ui, const std::string& staffId) const;
    std::string serviceName(Ui& ui, const std::string& serviceId) const;

    StaffContext& m_ctx;
    CaseService m_cases;             // worker thread only
    EditService m_edits;             // worker thread only
    StaffSearchService m_search;     // worker thread only
    std::uint64_t m_generation = 0;  // results of older loads and writes are dropped
    bool m_loading = false;
    bool m_saving = false;
    const char* m_loadError = nullptr;
    std::optional<Data> m_data;
    Tab m_tab = Tab::Profile;
    std::string m_forPersonId;  // whose data m_data holds (the tab resets for another person)
    // Sizes of the histories when the screen was entered again for the same
    // case, so the reload can say what the assistance or referral screen added.
    std::optional<std::pair<std::size_t, std::size_t>> m_countsBefore;

    // Feedback of the last write: a key, shown until the next action.
    const char* m_message = nullptr;
    bool m_messageIsError = false;

    std::string m_noteText;
    const char* m_noteError = nullptr;
    std::optional<StatusChange> m_change;
    std::string m_scrolledFor;  // the text field last scrolled into sight above the keyboard
    CaseForm m_form;
    CaseForm m_formOriginal;  // what the case form started with (unsaved changes)
    PersonForm m_person;
    FamilyForm m_family;
    std::uint64_t m_searchGeneration = 0;  // older search answers are dropped
    Leave m_pendingLeave = Leave::None;
    Tab m_pendingTab = Tab::Profile;
    std::string m_pendingMember;
    // Sensitive vulnerabilities and needs (storage::vocab::sensitiveVulnerability,
    // sensitiveSector) are drawn only after a tap, and hidden again whenever
    // the screen is entered, another person is shown or the session ends.
    bool m_showSensitive = false;

    Intent m_intent = Intent::None;
    Tab m_tappedTab = Tab::Profile;
    std::string m_intentArg;   // referral id or member person id
    std::string m_intentArg2;  // status
};

}  // namespace chasqui::kiosk
