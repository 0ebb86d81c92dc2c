#pragma once
// Cases and what hangs off them: assistance (append-only), referrals with
// their dated, attributed status history (append-only), and confidential
// notes. Validation first, nothing written on failure; every write carries its
// audit entry and change record; reading a case is audited as a view.
#include <string>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/base/model.hpp"
#include "storage/db/personal_store.hpp"
#include "storage/records/record_writer.hpp"

namespace chasqui::storage {

struct CaseFile {
    Case record;
    std::vector<Assistance> assistance;  // newest first
    std::vector<Referral> referrals;     // with history, oldest step first
    std::vector<Note> notes;             // newest first
};

// "The" case of a person, chosen one way everywhere (staff home, case view,
// registration): their own newest open case; else the newest open case of
// their household; else the newest case of either, closed; "" when there is
// none. `cases` is casesOfPerson's answer (newest opened first); deleted cases
// never count.
std::string currentCaseOf(const std::vector<Case>& cases, const std::string& personId);

class CaseRepository {
public:
    explicit CaseRepository(PersonalStore& store) : m_store(store) {}

    Result<std::string> open(RecordWriter& writer, const Case& record);
    Result<std::string> open(const Case& record);
    Result<void> update(const Case& record);
    // Cases of the person and of their household, newest opened first.
    Result<std::vector<Case>> casesOfPerson(const std::string& personId);
    // The person's current case (currentCaseOf over casesOfPerson); "" when none.
    Result<std::string> currentCase(const std::string& personId);
    Result<CaseFile> file(const std::string& caseId);  // audited as a view

    Result<std::string> recordAssistance(RecordWriter& writer, const Assistance& record);
    Result<std::string> recordAssistance(const Assistance& record);

    // New referral in status "sent"; its first history step is written with it.
    Result<std::string> refer(RecordWriter& writer, const Referral& record);
    Result<std::string> refer(const Referral& record);
    // Moves a referral along sent -> accepted -> in_progress -> completed (or
    // rejected / cancelled); refuses any other step.
    Result<void> setReferralStatus(RecordWriter& writer, const std::string& referralId, const std::string& status,
                                   const std::string& date, const std::string& comment);
    Result<void> setReferralStatus(const std::string& referralId, const std::string& status, const std::string& date,
                                   const std::string& comment);

    Result<std::string> addNote(const Note& note);

private:
    PersonalStore& m_store;
};

}  // namespace chasqui::storage
