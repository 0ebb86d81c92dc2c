#include "kiosk/screens/register_screen.hpp"

#include <algorithm>

#include "kiosk/screens/staff_text.hpp"
#include "storage/base/clock.hpp"

namespace chasqui::kiosk {

std::string RegisterScreen::today() const {
    return storage::isoDate(m_ctx.clock.nowMs());
}

void RegisterScreen::onEnter() {
    reset();
}

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

bool RegisterScreen::holdsPersonalData() const {
    reg::RegisterForm blank;
    blank.consentDate = m_form.consentDate;  // today's date after a reset: not the person's
    return !(m_form == blank) || !m_candidates.empty() || !m_intentPerson.empty();
}

void RegisterScreen::afterDraw() {
    const Intent intent = m_intent;
    m_intent = Intent::None;
    switch (intent) {
        case Intent::Next:
            next();
            break;
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
        case Intent::Save:
            checkDuplicates();
            break;
        case Intent::Different:
            if (m_phase == Phase::Duplicates) save();
            break;
        case Intent::Same:
            if (m_phase == Phase::Duplicates) openExisting(m_intentPerson);
            break;
        case Intent::None:
            break;
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
    m_ctx.tasks.post([this, person = reg::buildPerson(m_form, today()), generation]() -> TaskRunner::Continuation {
        auto found = m_registration.duplicatesOf(person);
        std::vector<Candidate> candidates = found ? std::move(*found) : std::vector<Candidate>{};
        return [this, ok = found.has_value(), candidates = std::move(candidates), generation]() mutable {
            if (generation != m_generation) return;
            if (!ok) {
                // Without the check a duplicate could slip in: say so, save nothing.
                m_phase = Phase::Form;
                m_saveErrorKey = "register.error.check_failed";
                return;
            }
            m_candidates = std::move(candidates);
            if (m_candidates.empty())
                save();
            else
                m_phase = Phase::Duplicates;
        };
    });
}

void RegisterScreen::save() {
    m_phase = Phase::Saving;
    m_saveErrorKey.clear();
    const std::string day = today();
    const std::uint64_t generation = m_generation;
    NewRegistration registration{reg::buildPerson(m_form, day), reg::buildCase(m_form, day),
                                 reg::wantsHousehold(m_form), reg::buildHousehold(m_form)};
    m_ctx.tasks.post([this, registration = std::move(registration), generation]() mutable -> TaskRunner::Continuation {
        const std::string name = personName(registration.person.givenNames, registration.person.familyName1,
                                            registration.person.familyName2);
        auto saved = m_registration.registerPerson(std::move(registration));
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
                           [&](const Candidate& c) { return c.person.personId == personId; });
    if (it == m_candidates.end()) return;
    m_phase = Phase::Saving;
    const std::uint64_t generation = m_generation;
    m_ctx.tasks.post([this, candidate = it->person, generation]() -> TaskRunner::Continuation {
        const std::string caseId = m_cases.currentCase(candidate.personId).value_or(std::string());
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
        case storage::ErrorCode::AccountLocked:
            m_saveErrorKey = "register.error.save_session";
            break;
        case storage::ErrorCode::Io:
            m_saveErrorKey = "register.error.save_disk";
            break;
        default:
            m_saveErrorKey = "register.error.save_failed";
            break;
    }
}

}  // namespace chasqui::kiosk
