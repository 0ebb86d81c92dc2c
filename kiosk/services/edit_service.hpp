#pragma once
// Editing what was saved about a person and their household, and who lives
// with whom, from the case view. Every write goes through storage's
// repositories (PersonRepository::update, HouseholdRepository), so it is
// validated by storage's rules, audited and recorded for sync like any other
// change; the household rules (one head, named when the household starts;
// the head does not leave while members remain) are storage's
// (storage/records/household_repository.hpp), not this service's.
//
// Threading: worker thread only (TaskRunner jobs), except the pure static
// functions. Errors are storage's: InvalidInput with `field` naming what is
// wrong (the form marks it), NotFound when the record went away (a sync),
// PermissionDenied when nobody is signed in.
#include <string>
#include <string_view>

#include "kiosk/services/staff_session.hpp"
#include "storage/base/error.hpp"
#include "storage/base/model.hpp"

namespace chasqui::kiosk {

class EditService {
public:
    // The first field of `person` storage would refuse ("" when none): the
    // store's own rules, run before saving so the form can mark it. Pure.
    static std::string personProblem(const storage::Person& person, std::string_view todayIso);

    explicit EditService(StaffSession& staff) : m_staff(staff) {}

    // Saves the person's fields (the household and relation are changed only
    // through the calls below; what `person` says of them is ignored).
    // Answers the person's id.
    storage::Result<std::string> updatePerson(const storage::Person& person);
    // The household's district of residence (a UBIGEO code, or "" for none).
    storage::Result<std::string> setHouseholdDistrict(const std::string& householdId, const std::string& district);

    // A household headed by a person who lives alone; answers its id.
    storage::Result<std::string> startHousehold(const std::string& personId, const std::string& district);
    // A person on the kiosk joins `householdId` (leaving theirs); answers the person's id.
    storage::Result<std::string> moveToHousehold(const std::string& personId, const std::string& householdId,
                                                 const std::string& relation);
    // A person moves into the household of `otherPersonId` (InvalidInput on
    // "household_id" when that person lives alone).
    storage::Result<std::string> moveInWith(const std::string& personId, const std::string& otherPersonId,
                                            const std::string& relation);
    // A person leaves their household and lives alone; answers their id.
    storage::Result<std::string> leaveHousehold(const std::string& personId);
    // A new person registered straight into a household; answers the new id.
    storage::Result<std::string> addNewMember(const storage::Person& person, const std::string& householdId,
                                              const std::string& relation);

private:
    StaffSession& m_staff;
};

}  // namespace chasqui::kiosk
