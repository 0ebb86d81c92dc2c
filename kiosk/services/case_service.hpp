#pragma once
// The staff screens' way to cases: which case of a person is "the" case
// (storage::currentCaseOf, the one rule), the case view's data, and every
// write on a case (opening, editing, assistance, referrals and their steps,
// notes). Each write is validated and audited by storage; the id it returns
// is the new record's (or the changed one's).
//
// Threading: worker thread only (TaskRunner jobs); it holds references to the
// session and the catalog, which outlive every screen. Errors are storage's:
// PermissionDenied when nobody is signed in, InvalidInput / NotFound when the
// data changed under the screen (a step synced from another kiosk), Io...
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/services/case_view.hpp"
#include "kiosk/services/catalog_service.hpp"
#include "kiosk/services/staff_session.hpp"
#include "storage/base/error.hpp"
#include "storage/base/model.hpp"

namespace chasqui::kiosk {

class CaseService {
public:
    // The fields a form must mark before it saves a new record, named as
    // storage names them ("date", "quantity", "reason", ...): the store's
    // own rules, all fields at once, without the fields the service fills
    // (case, office, staff). Pure: any thread, no session needed.
    static std::vector<std::string> assistanceProblems(const storage::Assistance& record, std::string_view todayIso);
    // A new referral also needs the kiosk's rules: the person agreed that
    // their data goes to the service ("consent"), and a follow-up date, when
    // given, is not before today.
    static std::vector<std::string> referralProblems(const storage::Referral& record, std::string_view todayIso);

    CaseService(StaffSession& staff, CatalogService& catalog) : m_staff(staff), m_catalog(catalog) {}

    // The person's current case id; "" when they have none.
    storage::Result<std::string> currentCase(const std::string& personId);
    // Person, household and case file, each read audited as a view. An empty
    // caseId means the person's current case (possibly none: hasCase false).
    storage::Result<CaseView> load(const std::string& personId, const std::string& caseId);

    // The office is the session's.
    storage::Result<std::string> openCase(const storage::Case& record);
    storage::Result<std::string> updateCase(const storage::Case& record);
    // Office and staff member are the session's.
    storage::Result<std::string> recordAssistance(const storage::Assistance& record);
    storage::Result<std::string> refer(const storage::Referral& record);
    storage::Result<std::string> setReferralStatus(const std::string& referralId, const std::string& status,
                                                   const std::string& date, const std::string& comment);
    storage::Result<std::string> addNote(const storage::Note& note);

private:
    StaffSession& m_staff;
    CatalogService& m_catalog;
};

}  // namespace chasqui::kiosk
