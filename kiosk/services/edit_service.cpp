#include "kiosk/services/edit_service.hpp"

#include "kiosk/services/store_access.hpp"
#include "storage/base/validation.hpp"
#include "storage/records/household_repository.hpp"
#include "storage/records/person_repository.hpp"

namespace chasqui::kiosk {

namespace {

using storage::PersonalStore;
using storage::Result;

constexpr const char* kLivesAlone = "the person chosen lives alone: start a household for them first";  // i18n: not UI

Result<std::string> idOf(Result<void> done, const std::string& id) {
    if (!done) return std::unexpected(done.error());
    return id;
}

}  // namespace

std::string EditService::personProblem(const storage::Person& person, std::string_view todayIso) {
    auto checked = storage::validatePerson(person, todayIso);
    return checked ? std::string() : checked.error().field;
}

Result<std::string> EditService::updatePerson(const storage::Person& person) {
    return withStore<std::string>(m_staff, [&](PersonalStore& store) -> Result<std::string> {
        storage::PersonRepository persons(store);
        // Membership is the household calls' to change: keep what is stored.
        auto stored = persons.get(person.meta.id);
        if (!stored) return std::unexpected(stored.error());
        storage::Person edited = person;
        edited.householdId = stored->householdId;
        edited.relationToHead = stored->relationToHead;
        return idOf(persons.update(edited), person.meta.id);
    });
}

Result<std::string> EditService::setHouseholdDistrict(const std::string& householdId, const std::string& district) {
    return withStore<std::string>(m_staff, [&](PersonalStore& store) {
        return idOf(storage::HouseholdRepository(store).setDistrict(householdId, district), householdId);
    });
}

Result<std::string> EditService::startHousehold(const std::string& personId, const std::string& district) {
    return withStore<std::string>(m_staff, [&](PersonalStore& store) {
        return storage::HouseholdRepository(store).startHousehold(personId, district);
    });
}

Result<std::string> EditService::moveToHousehold(const std::string& personId, const std::string& householdId,
                                                 const std::string& relation) {
    return withStore<std::string>(m_staff, [&](PersonalStore& store) {
        return idOf(storage::HouseholdRepository(store).moveToHousehold(personId, householdId, relation), personId);
    });
}

Result<std::string> EditService::moveInWith(const std::string& personId, const std::string& otherPersonId,
                                            const std::string& relation) {
    return withStore<std::string>(m_staff, [&](PersonalStore& store) -> Result<std::string> {
        auto other = storage::PersonRepository(store).get(otherPersonId);
        if (!other) return std::unexpected(other.error());
        if (other->householdId.empty()) return storage::invalid("household_id", kLivesAlone);
        return idOf(storage::HouseholdRepository(store).moveToHousehold(personId, other->householdId, relation),
                    personId);
    });
}

Result<std::string> EditService::leaveHousehold(const std::string& personId) {
    return withStore<std::string>(m_staff, [&](PersonalStore& store) {
        return idOf(storage::HouseholdRepository(store).leaveHousehold(personId), personId);
    });
}

Result<std::string> EditService::addNewMember(const storage::Person& person, const std::string& householdId,
                                              const std::string& relation) {
    return withStore<std::string>(m_staff, [&](PersonalStore& store) -> Result<std::string> {
        auto added = storage::HouseholdRepository(store).addNewMember(person, householdId, relation);
        if (!added) return std::unexpected(added.error());
        return added->id;
    });
}

}  // namespace chasqui::kiosk
