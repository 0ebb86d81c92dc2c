#include "kiosk/services/registration_service.hpp"

#include <utility>

#include "kiosk/services/store_access.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "storage/search/duplicate_finder.hpp"

namespace chasqui::kiosk {

storage::Result<std::vector<DuplicateRow>> RegistrationService::duplicatesOf(const storage::Person& person) {
    return withStore<std::vector<DuplicateRow>>(
        m_staff, [&](storage::PersonalStore& store) -> storage::Result<std::vector<DuplicateRow>> {
            auto found = storage::findDuplicates(store.db(), person);
            if (!found) return std::unexpected(found.error());
            std::vector<DuplicateRow> rows;
            for (const auto& d : *found) {
                const auto& m = d.person;
                rows.push_back({{m.id, personName(m.givenNames, m.familyName1, m.familyName2), m.caseCode, m.birthDate,
                                 m.nationality, m.docType, m.docNumber},
                                d.sameDocument,
                                d.score,
                                d.score >= storage::kLikelyDuplicate || d.sameDocument});
            }
            return rows;
        });
}

storage::Result<Registered> RegistrationService::registerPerson(NewRegistration r) {
    return withStore<Registered>(m_staff, [&](storage::PersonalStore& store) {
        storage::PersonRepository persons(store);
        storage::CaseRepository cases(store);
        // Person, household and case together or not at all.
        return store.write<Registered>([&](storage::RecordWriter& w) -> storage::Result<Registered> {
            std::string householdId;
            if (r.household) {
                auto id = persons.addHousehold(w, r.home);
                if (!id) return std::unexpected(id.error());
                householdId = *id;
                r.person.householdId = householdId;
                r.person.relationToHead = "head";
            }
            auto added = persons.add(w, r.person);
            if (!added) return std::unexpected(added.error());
            if (!householdId.empty()) {
                if (auto done = w.update("household", householdId, {{"head_person_id", added->id}}); !done)
                    return std::unexpected(done.error());
            }
            r.record.personId = added->id;
            r.record.officeId = store.session().officeId;
            auto caseId = cases.open(w, r.record);
            if (!caseId) return std::unexpected(caseId.error());
            return Registered{added->id, *caseId, added->caseCode};
        });
    });
}

}  // namespace chasqui::kiosk
