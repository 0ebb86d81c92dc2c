#pragma once
// Registering a person: the form's field problems (check: storage's rules,
// worded with catalog keys), the duplicate check while the person is typed
// (scored candidates, which ones are very likely the same person), finding a
// household to join by a member's name, and the save itself (person, household
// when asked for, and case in one transaction: all or nothing). "This is the
// same person" then opens their case through CaseService::currentCase.
//
// Threading: check() is pure and runs on the UI thread; everything else on the
// worker thread only. Errors are storage's: PermissionDenied when nobody is
// signed in, InvalidInput naming the field storage refused, Io...
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/services/person_row.hpp"
#include "kiosk/services/registration_form.hpp"
#include "kiosk/services/staff_session.hpp"
#include "storage/base/error.hpp"
#include "storage/base/model.hpp"

namespace chasqui::kiosk {

struct DuplicateRow {
    PersonRow person;
    bool sameDocument = false;
    double score = 0;     // 0..1
    bool likely = false;  // the same document, or a score high enough to say "very likely"
};

struct NewRegistration {
    storage::Person person;
    storage::Case record;     // the case opened for them; its person and office are filled in
    bool household = false;   // start a household headed by the person
    storage::Household home;  // with `household`
    // Join the household of this person (when they have none yet, one is
    // started with them as its head); `person.relationToHead` says how.
    std::string joinPersonId;
};

// A person whose household a new one can join.
struct HouseholdRow {
    PersonRow person;
    std::string householdId;  // empty: they have none yet (joining starts one, with them as head)
    std::string headName;     // the head's name when they are not the head
};

struct Registered {
    std::string personId;
    std::string caseId;
    std::string caseCode;
};

class RegistrationService {
public:
    explicit RegistrationService(StaffSession& staff) : m_staff(staff) {}

    // Field problems of one step, or of the whole form (step empty).
    static reg::FieldErrors check(reg::Step step, const reg::RegisterForm& form, std::string_view todayIso) {
        return reg::validateStep(step, form, todayIso);
    }
    static reg::FieldErrors checkAll(const reg::RegisterForm& form, std::string_view todayIso) {
        return reg::validateAll(form, todayIso);
    }

    // People already on the kiosk who may be `person`, best first.
    storage::Result<std::vector<DuplicateRow>> duplicatesOf(const storage::Person& person);
    storage::Result<Registered> registerPerson(NewRegistration registration);
    // The signed-in staff member's unfinished registration: kept encrypted in
    // the store for them alone, dropped after a day (kDraftMaxAgeMs, by the
    // store's clock), removed by a successful registerPerson. A damaged draft
    // is dropped and reported as none.
    static constexpr std::int64_t kDraftMaxAgeMs = 24LL * 60 * 60 * 1000;
    storage::Result<std::optional<reg::RegisterForm>> draft();
    storage::Result<void> keepDraft(const std::string& body);
    storage::Result<void> dropDraft();

    // People matching a name (the staff home's search rules) with their household.
    storage::Result<std::vector<HouseholdRow>> householdsOf(const std::string& query);

private:
    StaffSession& m_staff;
};

}  // namespace chasqui::kiosk
