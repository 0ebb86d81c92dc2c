#include "kiosk/screens/register_screen.hpp"

#include <algorithm>

#include "kiosk/screens/staff_text.hpp"
#include "storage/case_repository.hpp"
#include "storage/duplicate_finder.hpp"
#include "storage/person_repository.hpp"

namespace chasqui::kiosk {

namespace {

struct Saved {
    std::string personId;
    std::string caseId;
    std::string caseCode;
};

// The newest open case of a person, or empty.
std::string openCaseOf(storage::PersonalStore& store, const std::string& personId) {
    auto cases = storage::CaseRepository(store).casesOfPerson(personId);
    if (!cases) return {};
    for (const auto& c : *cases)
        if (c.status == "open" && !c.meta.deleted) return c.meta.id;
    return {};
}

}  // namespace

std::string RegisterScreen::today() const { return storage::isoDate(m_ctx.clock.nowMs()); }

void RegisterScreen::onEnter() { reset(); }

void RegisterScreen::reset() {
    ++m_generation;
    m_form.wipe();
    m_form.consentDate = reg::typedFromIso(today());
    m_step = reg::Step::Person;
    m_errors.clear();
    m_phase = Phase::Form;
    m_candidates.clear();
    m_saveErrorKey.clear();
    m_intent = Intent::None;
    m_intentPerson.clear();
    m_inView.clear();
    m_scrollTop = true;
}

void RegisterScreen::dropPersonalData() {
    reset();
    m_form.consentDate.clear();
}

void RegisterScreen::afterDraw() {
    const Intent intent = m_intent;
    m_intent = Intent::None;
    switch (intent) {
    case Intent::Next: next(); break;
    case Intent::Back:
        if (m_phase == Phase::Duplicates) {
            m_phase = Phase::Form;
        } else if (m_step != reg::Step::Person) {
            m_step = static_cast<reg::Step>(static_cast<int>(m_step) - 1);
            m_scrollTop = true;
        }
        break;
    case Intent::Edit:
        m_step = m_editStep;
        m_scrollTop = true;
        break;
    case Intent::Save: checkDuplicates(); break;
    case Intent::Different:
        if (m_phase == Phase::Duplicates) save();
        break;
    case Intent::Same:
        if (m_phase == Phase::Duplicates) openExisting(m_intentPerson);
        break;
    case Intent::None: break;
    }
}

void RegisterScreen::next() {
    m_errors = reg::validateStep(m_step, m_form, today());
    if (!m_errors.empty()) {
        m_scrollTop = true;  // stay, from the top: the messages are next to the fields
        return;
    }
    if (m_step != reg::Step::Review) {
        m_step = static_cast<reg::Step>(static_cast<int>(m_step) + 1);
        m_scrollTop = true;
        m_inView.clear();
    }
}

void RegisterScreen::checkDuplicates() {
    m_saveErrorKey.clear();
    m_errors = reg::validateAll(m_form, today());
    if (!m_errors.empty()) {
        m_step = reg::stepOfField(m_errors.begin()->first);
        m_scrollTop = true;
        return;
    }
    m_phase = Phase::Checking;
    const std::uint64_t generation = m_generation;
    StaffSession& session = m_ctx.staff;
    m_ctx.tasks.post([this, &session, person = reg::buildPerson(m_form, today()), generation]() -> TaskRunner::Continuation {
        storage::PersonalStore* store = session.store();
        if (store == nullptr) return [] {};
        auto found = storage::findDuplicates(store->db(), person);
        std::vector<Candidate> candidates;
        if (found) {
            for (const auto& d : *found) {
                const auto& m = d.person;
                candidates.push_back({m.id, staff::joinName(m.givenNames, m.familyName1, m.familyName2), m.caseCode,
                                      m.birthDate, m.nationality, m.docType, m.docNumber, d.sameDocument, d.score});
            }
        }
        return [this, ok = found.has_value(), candidates = std::move(candidates), generation]() mutable {
            if (generation != m_generation) return;
            if (!ok) {
                // Without the check a duplicate could slip in: say so, save nothing.
                m_phase = Phase::Form;
                m_saveErrorKey = "register.error.check_failed";
                return;
            }
            m_candidates = std::move(candidates);
            if (m_candidates.empty()) save();
            else m_phase = Phase::Duplicates;
        };
    });
}

void RegisterScreen::save() {
    m_phase = Phase::Saving;
    m_saveErrorKey.clear();
    const std::string day = today();
    const std::uint64_t generation = m_generation;
    StaffSession& session = m_ctx.staff;
    m_ctx.tasks.post([this, &session, person = reg::buildPerson(m_form, day), record = reg::buildCase(m_form, day),
                      household = reg::wantsHousehold(m_form), home = reg::buildHousehold(m_form),
                      generation]() mutable -> TaskRunner::Continuation {
        storage::PersonalStore* store = session.store();
        if (store == nullptr) return [] {};
        storage::PersonRepository persons(*store);
        storage::CaseRepository cases(*store);
        // Person, household and case together or not at all.
        auto saved = store->write<Saved>([&](storage::RecordWriter& w) -> storage::Result<Saved> {
            std::string householdId;
            if (household) {
                auto id = persons.addHousehold(w, home);
                if (!id) return std::unexpected(id.error());
                householdId = *id;
                person.householdId = householdId;
                person.relationToHead = "head";
            }
            auto added = persons.add(w, person);
            if (!added) return std::unexpected(added.error());
            if (!householdId.empty()) {
                if (auto r = w.update("household", householdId, {{"head_person_id", added->id}}); !r)
                    return std::unexpected(r.error());
            }
            record.personId = added->id;
            record.officeId = store->session().officeId;
            auto caseId = cases.open(w, record);
            if (!caseId) return std::unexpected(caseId.error());
            return Saved{added->id, *caseId, added->caseCode};
        });
        const std::string name = staff::joinName(person.givenNames, person.familyName1, person.familyName2);
        return [this, saved = std::move(saved), name, generation] {
            if (generation != m_generation) return;
            if (!saved) {
                showSaveError(saved.error());
                return;
            }
            m_ctx.selection = StaffSelection{saved->personId, saved->caseId, saved->caseCode, name};
            reset();
            m_ctx.nav.go(ScreenId::CaseView);
        };
    });
}

void RegisterScreen::openExisting(const std::string& personId) {
    auto it = std::find_if(m_candidates.begin(), m_candidates.end(),
                           [&](const Candidate& c) { return c.personId == personId; });
    if (it == m_candidates.end()) return;
    m_phase = Phase::Saving;
    const std::uint64_t generation = m_generation;
    StaffSession& session = m_ctx.staff;
    m_ctx.tasks.post([this, &session, candidate = *it, generation]() -> TaskRunner::Continuation {
        storage::PersonalStore* store = session.store();
        if (store == nullptr) return [] {};
        std::string caseId = openCaseOf(*store, candidate.personId);
        return [this, candidate, caseId, generation] {
            if (generation != m_generation) return;
            m_ctx.selection = StaffSelection{candidate.personId, caseId, candidate.caseCode, candidate.name};
            reset();  // nothing of the typed form is kept
            m_ctx.nav.go(ScreenId::CaseView);
        };
    });
}

void RegisterScreen::showSaveError(const storage::Error& error) {
    m_phase = Phase::Form;
    if (error.code == storage::ErrorCode::InvalidInput && !error.field.empty()) {
        // Storage's rules are the ones the form checks; if it still refuses,
        // point at the field it names.
        m_errors[error.field] = {"register.error.invalid", {}};
        m_step = reg::stepOfField(error.field);
        m_scrollTop = true;
        if (m_step != reg::Step::Review) return;
    }
    switch (error.code) {
    case storage::ErrorCode::PermissionDenied:
    case storage::ErrorCode::AccountLocked: m_saveErrorKey = "register.error.save_session"; break;
    case storage::ErrorCode::Io: m_saveErrorKey = "register.error.save_disk"; break;
    default: m_saveErrorKey = "register.error.save_failed"; break;
    }
}

}  // namespace chasqui::kiosk
