#pragma once
// Persons and households. Every call validates first and writes nothing when
// validation fails; writes go through RecordWriter (record + audit + change)
// and keep the search index in the same transaction. Reading a person is
// audited as a view.
#include <string>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/base/model.hpp"
#include "storage/db/personal_store.hpp"
#include "storage/records/record_writer.hpp"

namespace chasqui::storage {

struct RegisteredPerson {
    std::string id;
    std::string caseCode;
};

class PersonRepository {
public:
    explicit PersonRepository(PersonalStore& store) : m_store(store) {}
    // New person with a new case code of this device.
    Result<RegisteredPerson> add(const Person& person);
    // Same, inside a write the caller already holds (bulk loads, wizards that
    // save a person and a case together).
    Result<RegisteredPerson> add(RecordWriter& writer, const Person& person);
    Result<void> update(const Person& person);
    Result<Person> get(const std::string& id);  // audited as a view
    Result<void> remove(const std::string& id);

    Result<std::string> addHousehold(RecordWriter& writer, const Household& household);
    Result<std::string> addHousehold(const Household& household);
    // Puts a person in a household with their relation to its head.
    Result<void> joinHousehold(const std::string& personId, const std::string& householdId,
                               const std::string& relation);
    Result<Household> getHousehold(const std::string& id);
    Result<std::vector<Person>> householdMembers(const std::string& householdId);

private:
    PersonalStore& m_store;
};

Fields personFields(const Person& person);

}  // namespace chasqui::storage
