#include "kiosk/services/registration_service.hpp"

#include <utility>

#include "kiosk/services/store_access.hpp"
#include "storage/base/secret.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/draft_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "storage/search/duplicate_finder.hpp"
#include "storage/search/search_index.hpp"

namespace chasqui::kiosk {

namespace {

constexpr std::string_view kDraftKind = "registration";

}  // namespace

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
        // The household to join is read first: reads do not go inside the write.
        std::string memberHousehold;
        if (!r.joinPersonId.empty()) {
            auto member = persons.get(r.joinPersonId);
            if (!member) return storage::Result<Registered>(std::unexpected(member.error()));
            memberHousehold = member->householdId;
        }
        // Person, household and case together or not at all.
        auto saved = store.write<Registered>([&](storage::RecordWriter& w) -> storage::Result<Registered> {
            std::string householdId;
            if (!r.joinPersonId.empty()) {
                householdId = memberHousehold;
                if (householdId.empty()) {
                    // They had no household yet: one is started with them as its head.
                    storage::Household home;
                    home.headPersonId = r.joinPersonId;
                    auto id = persons.addHousehold(w, home);
                    if (!id) return std::unexpected(id.error());
                    householdId = *id;
                    if (auto done = w.update("person", r.joinPersonId,
                                             {{"household_id", householdId}, {"relation_to_head", "head"}});
                        !done)
                        return std::unexpected(done.error());
                }
                r.person.householdId = householdId;
                householdId.clear();  // not headed by the new person
            } else if (r.household) {
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
        if (saved) {
            // Saved: the draft has served. Failing to remove it leaves it to be
            // offered again, which is noticed; the registration stands.
            (void)storage::DraftRepository(store).remove(kDraftKind);
        }
        return saved;
    });
}

storage::Result<std::optional<reg::RegisterForm>> RegistrationService::draft() {
    return withStore<std::optional<reg::RegisterForm>>(
        m_staff, [&](storage::PersonalStore& store) -> storage::Result<std::optional<reg::RegisterForm>> {
            storage::DraftRepository drafts(store);
            auto found = drafts.find(kDraftKind, kDraftMaxAgeMs);
            if (!found) return std::unexpected(found.error());
            if (!*found) return std::optional<reg::RegisterForm>{};
            auto form = reg::formFromDraft((*found)->body);
            storage::wipeString((*found)->body);
            if (!form) {
                if (auto r = drafts.remove(kDraftKind); !r) return std::unexpected(r.error());
            }
            return form;
        });
}

storage::Result<void> RegistrationService::keepDraft(const std::string& body) {
    return withStore<void>(
        m_staff, [&](storage::PersonalStore& store) { return storage::DraftRepository(store).save(kDraftKind, body); });
}

storage::Result<void> RegistrationService::dropDraft() {
    return withStore<void>(
        m_staff, [&](storage::PersonalStore& store) { return storage::DraftRepository(store).remove(kDraftKind); });
}

storage::Result<std::vector<HouseholdRow>> RegistrationService::householdsOf(const std::string& query) {
    return withStore<std::vector<HouseholdRow>>(
        m_staff, [&](storage::PersonalStore& store) -> storage::Result<std::vector<HouseholdRow>> {
            auto found = storage::searchPersons(store.db(), query, 8);
            if (!found) return std::unexpected(found.error());
            storage::PersonRepository persons(store);
            std::vector<HouseholdRow> rows;
            for (const auto& m : *found) {
                HouseholdRow row{{m.id, personName(m.givenNames, m.familyName1, m.familyName2), m.caseCode, m.birthDate,
                                  m.nationality, m.docType, m.docNumber},
                                 {},
                                 {}};
                auto person = persons.get(m.id);
                if (!person) return std::unexpected(person.error());
                row.householdId = person->householdId;
                if (!row.householdId.empty()) {
                    auto home = persons.getHousehold(row.householdId);
                    if (home && !home->headPersonId.empty() && home->headPersonId != m.id) {
                        auto head = persons.get(home->headPersonId);
                        if (head) row.headName = personName(head->givenNames, head->familyName1, head->familyName2);
                    }
                }
                rows.push_back(std::move(row));
            }
            return rows;
        });
}

}  // namespace chasqui::kiosk
