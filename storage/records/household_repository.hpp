#pragma once
// Who lives with whom: adding people to a household, moving them between
// households, and starting a household. The rules live here, once, for the
// kiosk and any other caller:
//
// - A household has exactly one head, named when it is started
//   (startHousehold); every other member is stated as a relation to that
//   head, so nobody joins or moves in as "head".
// - The head cannot leave (or move to another household) while other members
//   remain: every member's relation is stated to the head, so a household
//   without one would hold relations to nobody, and naming a new head means
//   restating everyone's relation, which staff do by moving the members
//   first. The refusal is InvalidInput on "relation_to_head".
// - A person already in a household moves out of it when they join another;
//   a household left with nobody is tombstoned, unless a case belongs to it
//   (its history must stay), in which case it is kept with no head.
//
// Each call is one transaction through RecordWriter (record, audit entry and
// change for sync); nothing is written when a rule or a validation refuses.
#include <string>

#include "storage/base/error.hpp"
#include "storage/base/model.hpp"
#include "storage/db/personal_store.hpp"
#include "storage/records/person_repository.hpp"

namespace chasqui::storage {

class HouseholdRepository {
public:
    explicit HouseholdRepository(PersonalStore& store) : m_store(store) {}

    // A new household headed by `personId`, who must not be in one.
    Result<std::string> startHousehold(const std::string& personId, const std::string& district);
    // Puts a person already on the kiosk into `householdId` with `relation`
    // to its head, taking them out of the household they were in.
    Result<void> moveToHousehold(const std::string& personId, const std::string& householdId,
                                 const std::string& relation);
    // Takes a person out of their household: they live alone afterwards.
    Result<void> leaveHousehold(const std::string& personId);
    // A new person registered straight into `householdId` with `relation`
    // (person and membership in one write). The person's own household and
    // relation fields are overwritten.
    Result<RegisteredPerson> addNewMember(const Person& person, const std::string& householdId,
                                          const std::string& relation);
    // The district of residence (empty clears it).
    Result<void> setDistrict(const std::string& householdId, const std::string& district);

private:
    // The household `personId` leaves: refused for a head with members left;
    // an emptied household is tombstoned or, with a case, kept headless.
    Result<void> leaveCurrent(RecordWriter& writer, const std::string& personId);

    PersonalStore& m_store;
};

}  // namespace chasqui::storage
