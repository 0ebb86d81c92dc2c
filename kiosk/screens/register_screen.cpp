#include "kiosk/screens/register_screen.hpp"

#include <algorithm>

#include "kiosk/screens/staff_text.hpp"
#include "kiosk/ui/typed_date.hpp"
#include "storage/base/clock.hpp"
#include "storage/base/secret.hpp"

namespace chasqui::kiosk {

namespace {

// What the live duplicate check compares, as one string: a change in any
// part means a new run.
std::string checkKey(const reg::RegisterForm& form) {
    if (!reg::readyForDuplicateCheck(form)) return {};
    const storage::Person p = reg::duplicateProbe(form);
    std::string key;
    for (const std::string* part :
         {&p.givenNames, &p.familyName1, &p.familyName2, &p.birthDate, &p.nationality, &p.docType, &p.docNumber}) {
        key += *part;
        key += '\x1f';
    }
    return key;
}

constexpr std::size_t kMinJoinQuery = 2;

}  // namespace

std::string RegisterScreen::today() const {
    return storage::isoDate(m_ctx.clock.nowMs());
}

void RegisterScreen::onEnter() {
    reset();
    loadDraft();
}

void RegisterScreen::loadDraft() {
    m_draftLoaded = false;
    const std::uint64_t generation = m_generation;
    m_ctx.tasks.post([this, generation]() -> TaskRunner::Continuation {
        auto found = m_registration.draft();
        std::optional<reg::RegisterForm> form = found ? std::move(*found) : std::nullopt;
        return [this, form = std::move(form), generation]() mutable {
            if (generation != m_generation) {
                if (form) form->wipe();
                return;
            }
            m_draftLoaded = true;
            // Typed into already (a fast finger): what is on screen wins.
            if (!form || !reg::isBlank(m_form)) {
                if (form) form->wipe();
                return;
            }
            m_form = std::move(*form);
            m_draftBody = reg::draftBody(m_form);
            m_restored = true;
        };
    });
}

void RegisterScreen::keepDraft() {
    if (!m_draftLoaded || m_draftSaving || m_phase != Phase::Form || reg::isBlank(m_form)) return;
    std::string body = reg::draftBody(m_form);
    if (body == m_draftBody) {
        storage::wipeString(body);
        return;
    }
    storage::wipeString(m_draftBody);
    m_draftBody = body;
    m_draftSaving = true;
    const std::uint64_t generation = m_generation;
    m_ctx.tasks.post([this, body = std::move(body), generation]() mutable -> TaskRunner::Continuation {
        // A failure (the store locked meanwhile) leaves the previous draft;
        // the next change tries again (not every frame: that would spin).
        (void)m_registration.keepDraft(body);
        storage::wipeString(body);
        return [this, generation] {
            if (generation != m_generation) return;
            m_draftSaving = false;
        };
    });
}

void RegisterScreen::discardDraft() {
    reset();
    m_draftLoaded = true;  // nothing left to bring back
    m_ctx.tasks.post([this]() -> TaskRunner::Continuation {
        (void)m_registration.dropDraft();  // if it fails, it is offered again: noticed, not lost
        return {};
    });
}

void RegisterScreen::reset() {
    ++m_generation;
    m_form.wipe();
    m_form.consentDate = typedFromIso(today());
    m_step = reg::Step::Person;
    m_errors.clear();
    m_phase = Phase::Form;
    m_candidates.clear();
    m_seen.clear();
    m_checkedFor.clear();
    m_checking = false;
    m_joinSearchedFor.clear();
    m_joinRows.clear();
    m_joinSearching = false;
    m_saveErrorKey.clear();
    m_intent = Intent::None;
    m_intentPerson.clear();
    m_inView.clear();
    m_scrollTop = true;
    storage::wipeString(m_draftBody);
    m_draftBody.clear();
    m_draftSaving = false;
    m_draftLoaded = false;
    m_restored = false;
    m_leaving = false;
}

void RegisterScreen::dropPersonalData() {
    reset();
    m_form.consentDate.clear();
}

bool RegisterScreen::mayLeave(LeaveBy by) {
    if (m_phase != Phase::Form || reg::isBlank(m_form)) return true;
    m_leaving = true;
    m_leaveBy = by;
    return false;
}

void RegisterScreen::leave() {
    if (m_leaveBy == LeaveBy::Home)
        m_ctx.nav.home();
    else
        m_ctx.nav.back();
}

bool RegisterScreen::holdsPersonalData() const {
    reg::RegisterForm blank;
    blank.consentDate = m_form.consentDate;  // today's date after a reset: not the person's
    return !(m_form == blank) || !m_candidates.empty() || !m_intentPerson.empty() || !m_joinRows.empty() ||
           !m_draftBody.empty();
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
                m_step = reg::Step::Person;
                m_scrollTop = true;
            }
            break;
        case Intent::Save:
            checkDuplicates();
            break;
        case Intent::Different:
            if (m_phase == Phase::Duplicates) save();
            break;
        case Intent::Same:
            if (m_phase == Phase::Duplicates || m_phase == Phase::Form) openExisting(m_intentPerson);
            break;
        case Intent::Discard:
            if (m_phase == Phase::Form) discardDraft();
            break;
        case Intent::LeaveKeep:
            // The draft is in the store (kept as it was typed): it is offered back.
            m_leaving = false;
            leave();
            break;
        case Intent::LeaveDiscard:
            discardDraft();
            leave();
            break;
        case Intent::Stay:
            m_leaving = false;
            break;
        case Intent::None:
            break;
    }
    if (m_phase == Phase::Form) {
        keepDraft();
        liveCheck();
        searchHouseholds();
    }
}

void RegisterScreen::next() {
    m_errors = RegistrationService::check(m_step, m_form, today());
    if (!m_errors.empty()) {
        m_scrollTop = true;  // stay, from the top: the messages are next to the fields
        return;
    }
    if (m_step == reg::Step::Person) {
        m_step = reg::Step::HouseholdCase;
        m_scrollTop = true;
        m_inView.clear();
    }
}

void RegisterScreen::liveCheck() {
    if (m_checking) return;  // one run at a time; the next frame after it starts the next if needed
    const std::string key = checkKey(m_form);
    if (key == m_checkedFor) return;
    m_checkedFor = key;
    if (key.empty()) {
        m_candidates.clear();
        return;
    }
    m_checking = true;
    const std::uint64_t generation = m_generation;
    const std::uint64_t run = ++m_checkRun;
    m_ctx.tasks.post([this, person = reg::duplicateProbe(m_form), generation, run]() -> TaskRunner::Continuation {
        auto found = m_registration.duplicatesOf(person);
        std::vector<Candidate> candidates = found ? std::move(*found) : std::vector<Candidate>{};
        return [this, ok = found.has_value(), candidates = std::move(candidates), generation, run]() mutable {
            if (generation != m_generation || run != m_checkRun) return;
            m_checking = false;
            // Typed on since the run started: its answer is about someone else.
            if (!ok || checkKey(m_form) != m_checkedFor || m_phase != Phase::Form) return;
            m_candidates = std::move(candidates);
            for (const auto& c : m_candidates)
                if (std::find(m_seen.begin(), m_seen.end(), c.person.personId) == m_seen.end())
                    m_seen.push_back(c.person.personId);
        };
    });
}

void RegisterScreen::searchHouseholds() {
    if (m_form.household != "join" || !m_form.joinPersonId.empty() || m_joinSearching) return;
    const std::string query = staff::trimmed(m_form.joinQuery);
    if (query == m_joinSearchedFor) return;
    m_joinSearchedFor = query;
    if (query.size() < kMinJoinQuery) {
        m_joinRows.clear();
        return;
    }
    m_joinSearching = true;
    const std::uint64_t generation = m_generation;
    m_ctx.tasks.post([this, query, generation]() -> TaskRunner::Continuation {
        auto found = m_registration.householdsOf(query);
        std::vector<HouseholdRow> rows = found ? std::move(*found) : std::vector<HouseholdRow>{};
        return [this, rows = std::move(rows), query, generation]() mutable {
            if (generation != m_generation) return;
            m_joinSearching = false;
            if (query != staff::trimmed(m_form.joinQuery)) return;  // typed on: the next frame asks again
            m_joinRows = std::move(rows);
        };
    });
}

void RegisterScreen::checkDuplicates() {
    m_saveErrorKey.clear();
    m_errors = RegistrationService::checkAll(m_form, today());
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
            // Those shown beside the form were seen and passed over: only
            // someone new (the document typed last, say) is asked about.
            const bool news = std::any_of(candidates.begin(), candidates.end(), [&](const Candidate& c) {
                return std::find(m_seen.begin(), m_seen.end(), c.person.personId) == m_seen.end();
            });
            m_candidates = std::move(candidates);
            if (news)
                m_phase = Phase::Duplicates;
            else
                save();
        };
    });
}

void RegisterScreen::save() {
    m_phase = Phase::Saving;
    m_saveErrorKey.clear();
    const std::string day = today();
    const std::uint64_t generation = m_generation;
    NewRegistration registration{reg::buildPerson(m_form, day),
                                 reg::buildCase(m_form, day),
                                 reg::wantsHousehold(m_form),
                                 reg::buildHousehold(m_form),
                                 {}};
    if (m_form.household == "join") {
        registration.joinPersonId = m_form.joinPersonId;
        registration.person.relationToHead = m_form.relation;
    }
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
            m_ctx.nav.replace(ScreenId::CaseView);
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
        // Nothing of the form is kept: it was someone already registered.
        (void)m_registration.dropDraft();
        const std::string caseId = m_cases.currentCase(candidate.personId).value_or(std::string());
        return [this, candidate, caseId, generation] {
            if (generation != m_generation) return;
            m_ctx.selection = StaffSelection{candidate.personId, caseId, candidate.caseCode, candidate.name};
            reset();  // nothing of the typed form is kept
            m_ctx.nav.replace(ScreenId::CaseView);
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
