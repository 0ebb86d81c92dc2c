// Case view: editing what was saved about the person (every field staff may
// change), and the question "discard changes?" that stands between a form
// with unsaved changes and any way out of it (the top bar's back and home,
// another tab, another member, cancel).
#include <fmt/format.h>
#include <imgui.h>

#include "kiosk/screens/case_text.hpp"
#include "kiosk/screens/case_view_screen.hpp"
#include "kiosk/screens/case_widgets.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/search_pick.hpp"
#include "kiosk/ui/typed_date.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/vocabulary.hpp"
#include "storage/records/person_repository.hpp"

namespace chasqui::kiosk {

namespace {

constexpr std::size_t kNameBytes = 320;  // 80 code points of up to 4 bytes (storage's limit)
constexpr std::size_t kShortBytes = 60;

// The message under a field storage refused.
const char* errorKeyOf(const std::string& field) {
    if (field == "birth_date" || field == "arrival_date") return "edit.error.date";
    if (field == "phone") return "edit.error.phone";
    if (field == "doc_number") return "edit.error.doc_number";
    if (field == "nationality") return "edit.error.nationality";
    return "edit.error.field";
}

std::string upperAscii(std::string text) {
    for (char& c : text)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return text;
}

// What is saved: the form's text without the spaces at either end.
storage::Person cleaned(const storage::Person& p) {
    storage::Person out = p;
    for (std::string* text : {&out.givenNames, &out.familyName1, &out.familyName2, &out.genderIdentity, &out.birthDate,
                              &out.docNumber, &out.phone, &out.arrivalDate})
        *text = casework::trimmed(*text);
    out.birthDate = storedDate(out.birthDate);  // the form shows DD/MM/AAAA
    out.arrivalDate = storedDate(out.arrivalDate);
    out.nationality = upperAscii(casework::trimmed(out.nationality));
    if (out.docType == "none") out.docNumber.clear();
    return out;
}

bool samePerson(const storage::Person& a, const storage::Person& b) {
    return storage::personFields(cleaned(a)) == storage::personFields(cleaned(b));
}

}  // namespace

bool CaseViewScreen::hasUnsavedChanges() const {
    if (m_person.visible && !samePerson(m_person.edited, m_person.original)) return true;
    if (m_form.visible && m_form.differsFrom(m_formOriginal)) return true;
    const FamilyForm& f = m_family;
    if (f.mode == FamilyMode::None) return false;
    if (f.mode == FamilyMode::District) return m_data && f.district != m_data->householdDistrictCode;
    return !f.query.empty() || !f.pickedId.empty() || !f.relation.empty() || !f.person.givenNames.empty() ||
           !f.person.familyName1.empty() || !f.person.birthDate.empty() || !f.district.empty();
}

bool CaseViewScreen::leaveAllowed(Leave leave) {
    if (!hasUnsavedChanges()) return true;
    m_pendingLeave = leave;  // nothing moves: the question is asked on this screen
    return false;
}

bool CaseViewScreen::mayLeave(LeaveBy by) {
    return leaveAllowed(by == LeaveBy::Back ? Leave::Back : Leave::Home);
}

void CaseViewScreen::closeForms() {
    m_person = PersonForm{};
    m_form = CaseForm{};
    m_formOriginal = CaseForm{};
    m_family = FamilyForm{};
    ++m_searchGeneration;
}

void CaseViewScreen::drawDiscardQuestion(Ui& ui) {
    if (m_pendingLeave == Leave::None) return;
    banner(ui, icon::kWarning, ui.tr("edit.discard.question"), Tone::Danger);
    if (button(ui, ui.tr("edit.discard.yes"), "edit.discard.yes", ImVec2(0.f, 0.f), Tone::Danger))
        m_intent = Intent::DiscardYes;
    ImGui::SameLine();
    if (button(ui, ui.tr("edit.discard.keep"), "edit.discard.keep", ImVec2(0.f, 0.f), Tone::Primary))
        m_intent = Intent::DiscardKeep;
}

void CaseViewScreen::drawPersonForm(Ui& ui) {
    PersonForm& f = m_person;
    storage::Person& p = f.edited;
    const auto error = [&](const char* field) { return f.errorField == field ? ui.tr(errorKeyOf(field)) : ""; };
    const auto text = [&](const char* captionKey, const char* key, std::string& value, EntryMode mode,
                          std::size_t maxBytes, const char* field) {
        if (textField(ui, ui.tr(captionKey), key, value, mode, maxBytes, error(field)) && f.errorField == field)
            f.errorField.clear();
        casework::keepInSight(ui, key, m_scrolledFor);
    };
    const auto pick = [&](const char* captionKey, const char* key, const char* list, storage::vocab::List codes,
                          std::string& value, const char* field) {
        if (choice(ui, ui.tr(captionKey), key, casework::vocabOptions(ui, list, codes), value, error(field)) &&
            f.errorField == field)
            f.errorField.clear();
        ImGui::Dummy(ImVec2(0.f, ui.px(4.f)));
    };
    const float footer = casework::footerHeight(ui);
    beginScrollArea(ui, "edit.scroll", ImVec2(0.f, ImGui::GetContentRegionAvail().y - footer));
    if (f.scrollTop) {  // each form opens at its first field
        ImGui::SetScrollY(0.f);
        f.scrollTop = false;
    }
    heading(ui, ui.tr("edit.title"));
    text("edit.given_names", "edit.given_names", p.givenNames, EntryMode::Text, kNameBytes, "given_names");
    text("edit.family_name_1", "edit.family_name_1", p.familyName1, EntryMode::Text, kNameBytes, "family_name_1");
    text("edit.family_name_2", "edit.family_name_2", p.familyName2, EntryMode::Text, kNameBytes, "family_name_2");
    pick("edit.sex", "edit.sex", "sexes", storage::vocab::sexes(), p.sex, "sex");
    text("edit.birth_date", "edit.birth_date", p.birthDate, EntryMode::Date, 10, "birth_date");
    if (!f.listsReady) {
        f.countries = namedOptions(ui, "nationalities");
        keepCode(f.countries, p.nationality);
        f.nationalityQuery = optionLabel(f.countries, p.nationality);
        f.listsReady = true;
    }
    if (searchPick(ui, ui.tr("edit.nationality"), "edit.nationality", f.nationalityQuery, p.nationality, f.countries,
                   error("nationality")) &&
        f.errorField == "nationality")
        f.errorField.clear();
    casework::keepInSight(ui, "edit.nationality", m_scrolledFor);
    pick("edit.doc_type", "edit.doc_type", "document_types", storage::vocab::documentTypes(), p.docType, "doc_type");
    if (p.docType != "none") text("edit.doc_number", "edit.doc_number", p.docNumber, EntryMode::Text, 40, "doc_number");
    text("edit.phone", "edit.phone", p.phone, EntryMode::Phone, 24, "phone");
    if (multiChoice(ui, ui.tr("edit.languages"), "edit.languages",
                    casework::vocabOptions(ui, "languages", storage::vocab::languages()), p.languages,
                    error("languages")) &&
        f.errorField == "languages")
        f.errorField.clear();
    ImGui::Dummy(ImVec2(0.f, ui.px(4.f)));
    pick("edit.population_type", "edit.population_type", "population_types", storage::vocab::populationTypes(),
         p.populationType, "population_type");
    pick("edit.migration_status", "edit.migration_status", "migration_statuses", storage::vocab::migrationStatuses(),
         p.migrationStatus, "migration_status");
    text("edit.arrival_date", "edit.arrival_date", p.arrivalDate, EntryMode::Date, 10, "arrival_date");
    text("edit.gender_identity", "edit.gender_identity", p.genderIdentity, EntryMode::Text, kShortBytes * 4,
         "gender_identity");
    ImGui::Dummy(ImVec2(0.f, ui.px(ui.theme.spacing)));
    endScrollArea(ui);
    ImGui::Dummy(ImVec2(0.f, ui.px(4.f)));
    if (button(ui, fmt::format("{}  {}", icon::kCheck, ui.tr("edit.save")), "edit.save", ImVec2(0.f, 0.f),
               Tone::Primary, !m_saving))
        m_intent = Intent::SavePerson;
    ImGui::SameLine();
    if (button(ui, ui.tr("edit.cancel"), "edit.cancel", ImVec2(0.f, 0.f), Tone::Secondary, !m_saving))
        m_intent = Intent::CancelPerson;
    if (!f.errorField.empty()) {
        ImGui::SameLine();
        casework::footerNote(ui, ui.tr("case.check_marked"), true);
    }
}

void CaseViewScreen::submitEdit(EditWrite work, const char* doneKey, std::function<void(const std::string&)> onDone,
                                std::function<void(const std::string&)> onRefused) {
    m_saving = true;
    m_message = nullptr;
    const std::uint64_t generation = m_generation;
    m_ctx.tasks.post([this, generation, work = std::move(work), doneKey, onDone = std::move(onDone),
                      onRefused = std::move(onRefused)]() -> TaskRunner::Continuation {
        storage::Result<std::string> result = work(m_edits);
        return [this, generation, result = std::move(result), doneKey, onDone, onRefused] {
            if (generation != m_generation) return;
            m_saving = false;
            if (!result) {
                m_message = casework::errorKey(result.error());
                m_messageIsError = true;
                if (result.error().code == storage::ErrorCode::InvalidInput && onRefused)
                    onRefused(result.error().field);
                return;
            }
            m_message = doneKey;
            m_messageIsError = false;
            if (onDone) onDone(*result);
            load();
        };
    });
}

void CaseViewScreen::actOnEdit(Intent intent) {
    switch (intent) {
        case Intent::EditPerson:
            closeForms();
            m_person.visible = true;
            m_person.original = m_data->person;
            m_person.original.birthDate = typedFromIso(m_data->person.birthDate);  // dates as people write them
            m_person.original.arrivalDate = typedFromIso(m_data->person.arrivalDate);
            m_person.edited = m_person.original;
            m_person.listsReady = false;
            m_message = nullptr;
            break;
        case Intent::CancelPerson:
            if (leaveAllowed(Leave::Cancel)) closeForms();
            break;
        case Intent::SavePerson: {
            storage::Person p = cleaned(m_person.edited);
            if (p.birthDate != m_person.original.birthDate) p.birthDateEstimated = false;  // a date typed is exact
            m_person.errorField = EditService::personProblem(p, storage::isoDate(m_ctx.clock.nowMs()));
            if (!m_person.errorField.empty()) return;
            submitEdit(
                [p](EditService& edits) { return edits.updatePerson(p); }, "edit.done",
                [this](const std::string&) { m_person = PersonForm{}; },
                [this](const std::string& field) { m_person.errorField = field.empty() ? "given_names" : field; });
            break;
        }
        case Intent::DiscardKeep:
            m_pendingLeave = Leave::None;
            break;
        case Intent::DiscardYes: {
            const Leave leave = m_pendingLeave;
            m_pendingLeave = Leave::None;
            closeForms();
            switch (leave) {
                case Leave::Back:
                    m_ctx.nav.back();
                    break;
                case Leave::Home:
                    m_ctx.nav.home();
                    break;
                case Leave::Tab:
                    m_tappedTab = m_pendingTab;
                    act(Intent::Tab);
                    break;
                case Leave::Member:
                    m_intentArg = m_pendingMember;
                    act(Intent::ShowMember);
                    break;
                case Leave::Cancel:
                case Leave::None:
                    break;
            }
            break;
        }
        default:
            actOnFamily(intent);
            break;
    }
}

}  // namespace chasqui::kiosk
