#pragma once
// Registering a person: the duplicate check before saving (scored candidates,
// which ones are very likely the same person) and the save itself (person,
// household when asked for, and case in one transaction: all or nothing).
// "This is the same person" then opens their case through
// CaseService::currentCase.
//
// Threading: worker thread only. Errors are storage's: PermissionDenied when
// nobody is signed in, InvalidInput naming the field storage refused, Io...
#include <string>
#include <vector>

#include "kiosk/services/person_row.hpp"
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
};

struct Registered {
    std::string personId;
    std::string caseId;
    std::string caseCode;
};

class RegistrationService {
public:
    explicit RegistrationService(StaffSession& staff) : m_staff(staff) {}

    // People already on the kiosk who may be `person`, best first.
    storage::Result<std::vector<DuplicateRow>> duplicatesOf(const storage::Person& person);
    storage::Result<Registered> registerPerson(NewRegistration registration);

private:
    StaffSession& m_staff;
};

}  // namespace chasqui::kiosk
