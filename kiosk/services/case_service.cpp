#include "kiosk/services/case_service.hpp"

#include <algorithm>
#include <utility>

#include "kiosk/services/store_access.hpp"
#include "storage/base/validation.hpp"
#include "storage/base/vocabulary.hpp"
#include "storage/keys/staff_admin.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"

namespace chasqui::kiosk {

namespace {

using storage::PersonalStore;
using storage::Result;

// A write that answers with nothing: the screen is told the record's id.
Result<std::string> idOf(Result<void> done, const std::string& id) {
    if (!done) return std::unexpected(done.error());
    return id;
}

// Open referrals first, newest first within each group (`referrals` is oldest first).
std::vector<std::size_t> referralDisplayOrder(const std::vector<storage::Referral>& referrals) {
    std::vector<std::size_t> order;
    order.reserve(referrals.size());
    for (const bool open : {true, false})
        for (std::size_t i = referrals.size(); i-- > 0;)
            if (storage::vocab::referralOpen(referrals[i].status) == open) order.push_back(i);
    return order;
}

// The fields of `problems` that a form shows; the service fills the others.
std::vector<std::string> formFields(const std::vector<storage::Error>& problems) {
    std::vector<std::string> fields;
    for (const storage::Error& e : problems) {
        if (e.field != "case_id" && e.field != "office_id" && e.field != "staff_id") fields.push_back(e.field);
    }
    return fields;
}

}  // namespace

std::vector<std::string> CaseService::assistanceProblems(const storage::Assistance& record, std::string_view todayIso) {
    return formFields(storage::assistanceProblems(record, todayIso));
}

std::vector<std::string> CaseService::referralProblems(const storage::Referral& record, std::string_view todayIso) {
    std::vector<std::string> fields = formFields(storage::referralProblems(record, todayIso));
    if (!record.consentToShare) fields.emplace_back("consent");
    const bool hasDateProblem = std::find(fields.begin(), fields.end(), "follow_up_date") != fields.end();
    if (!record.followUpDate.empty() && !hasDateProblem && record.followUpDate < todayIso)
        fields.emplace_back("follow_up_date");
    return fields;
}

Result<std::string> CaseService::currentCase(const std::string& personId) {
    return withStore<std::string>(
        m_staff, [&](PersonalStore& store) { return storage::CaseRepository(store).currentCase(personId); });
}

Result<CaseView> CaseService::load(const std::string& personId, const std::string& caseId) {
    return withStore<CaseView>(m_staff, [&](PersonalStore& store) -> Result<CaseView> {
        CaseView view;
        storage::PersonRepository persons(store);
        auto person = persons.get(personId);
        if (!person) return std::unexpected(person.error());
        view.person = std::move(*person);
        if (!view.person.householdId.empty()) {
            if (auto household = persons.getHousehold(view.person.householdId))
                view.householdDistrict = view.householdDistrictCode = household->district;
            // A district's name, when the catalog has services there; else its UBIGEO code.
            if (auto districts = m_catalog.districts({}); districts && !view.householdDistrict.empty())
                for (const auto& d : *districts)
                    if (d.code == view.householdDistrict) view.householdDistrict = d.name;
            auto members = persons.householdMembers(view.person.householdId);
            if (!members) return std::unexpected(members.error());
            view.household = std::move(*members);
        }
        storage::CaseRepository cases(store);
        std::string id = caseId;
        if (id.empty()) {
            auto current = cases.currentCase(personId);
            if (!current) return std::unexpected(current.error());
            id = std::move(*current);
        }
        if (!id.empty()) {
            auto file = cases.file(id);
            if (!file) return std::unexpected(file.error());
            view.file = CaseFileView{std::move(file->record), std::move(file->assistance), std::move(file->referrals),
                                     std::move(file->notes)};
            view.hasCase = true;
        }
        view.referralOrder = referralDisplayOrder(view.file.referrals);
        // Names of the staff who recorded steps; a missing list only costs names.
        if (auto members = storage::StaffAdmin(store).list())
            for (const auto& m : *members) view.staffNames[m.id] = m.name.empty() ? m.login : m.name;
        for (const auto& referral : view.file.referrals) {
            if (view.services.contains(referral.serviceId)) continue;
            auto service = m_catalog.get(referral.serviceId);
            if (!service || !service->has_value()) continue;
            ReferralServiceInfo info;
            for (const auto& [lang, text] : (*service)->texts) info.names[lang] = text.name;
            info.organization = (*service)->organization;
            info.districtName = (*service)->districtName;
            view.services.emplace(referral.serviceId, std::move(info));
        }
        return view;
    });
}

Result<std::string> CaseService::openCase(const storage::Case& record) {
    return withStore<std::string>(m_staff, [&](PersonalStore& store) {
        storage::Case c = record;
        c.officeId = store.session().officeId;  // a case belongs to the office that opened it
        return storage::CaseRepository(store).open(c);
    });
}

Result<std::string> CaseService::updateCase(const storage::Case& record) {
    return withStore<std::string>(m_staff, [&](PersonalStore& store) {
        return idOf(storage::CaseRepository(store).update(record), record.meta.id);
    });
}

Result<std::string> CaseService::recordAssistance(const storage::Assistance& record) {
    return withStore<std::string>(m_staff, [&](PersonalStore& store) {
        storage::Assistance a = record;
        // Given by this office, by the staff member signed in.
        a.officeId = store.session().officeId;
        a.staffId = store.session().staffId;
        return storage::CaseRepository(store).recordAssistance(a);
    });
}

Result<std::string> CaseService::refer(const storage::Referral& record) {
    return withStore<std::string>(m_staff,
                                  [&](PersonalStore& store) { return storage::CaseRepository(store).refer(record); });
}

Result<std::string> CaseService::setReferralStatus(const std::string& referralId, const std::string& status,
                                                   const std::string& date, const std::string& comment) {
    return withStore<std::string>(m_staff, [&](PersonalStore& store) {
        return idOf(storage::CaseRepository(store).setReferralStatus(referralId, status, date, comment), referralId);
    });
}

Result<std::string> CaseService::addNote(const storage::Note& note) {
    return withStore<std::string>(m_staff,
                                  [&](PersonalStore& store) { return storage::CaseRepository(store).addNote(note); });
}

}  // namespace chasqui::kiosk
