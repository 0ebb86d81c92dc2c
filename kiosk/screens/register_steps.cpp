// Drawing of the registration wizard's steps. Draw code only: widgets edit
// the form in place and taps are recorded as intents for afterDraw().
#include <algorithm>

#include <fmt/format.h>

#include "kiosk/screens/register_screen.hpp"
#include "kiosk/screens/staff_text.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/search_pick.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

namespace {

using reg::Step;

constexpr std::size_t kNameBytes = 160;  // 80 characters of two bytes

// Fields side by side: wide screens need less scrolling.
bool beginRow(const char* id, int columns) {
    return ImGui::BeginTable(id, columns, ImGuiTableFlags_SizingStretchSame);
}

std::vector<Option> options(const Ui& ui, std::initializer_list<const char*> codes, const char* prefix) {
    std::vector<Option> out;
    for (const char* code : codes) out.push_back({code, ui.tr(fmt::format("{}.{}", prefix, code))});
    return out;
}

}  // namespace

void RegisterScreen::refreshLists(const Ui& ui) {
    if (m_listsLanguage == ui.i18n.language()) return;
    m_listsLanguage = ui.i18n.language();
    m_districts = namedOptions(ui, "districts");
    m_countries = namedOptions(ui, "nationalities");
}

std::string RegisterScreen::fieldError(const Ui& ui, std::string_view name) const {
    auto it = m_errors.find(name);
    if (it == m_errors.end()) return {};
    return fill(ui.tr(it->second.key), {it->second.value});
}

void RegisterScreen::keepInView(const Ui& ui, const char* key, float top) {
    if (ui.entry.isFocused(key) && m_inView != key) {
        // The keyboard is about to cover the lower part: the field, with its
        // label, goes to the top of what stays visible.
        ImGui::SetScrollY(std::max(0.f, top - ui.px(ui.theme.spacing) * 0.5f));
        m_inView = key;
    }
}

void RegisterScreen::field(Ui& ui, const char* labelKey, const char* name, std::string& value, EntryMode mode,
                           std::size_t maxBytes, float width) {
    const std::string key = fmt::format("register.{}", name);
    const float top = ImGui::GetCursorPosY();
    if (textField(ui, ui.tr(labelKey), key.c_str(), value, mode, maxBytes, fieldError(ui, name), width))
        m_errors.erase(std::string(name));
    keepInView(ui, key.c_str(), top);
}

void RegisterScreen::drawContent(Ui& ui) {
    refreshLists(ui);
    if (!ui.entry.isOpen()) m_inView.clear();
    const float pad = ui.px(ui.theme.spacing);
    // Large text with the keyboard open leaves little room: the field being
    // typed gets all of it; the step header and the buttons come back with
    // "Done".
    const float buttons = std::max(ui.theme.minTouch, ui.px(ui.theme.buttonHeight)) + pad;
    const bool compact = ui.entry.isOpen() && ImGui::GetContentRegionAvail().y - buttons - ui.px(60.f) < ui.px(220.f);
    if (!compact) drawHeader(ui);
    if (!m_saveErrorKey.empty()) banner(ui, icon::kWarning, ui.tr(m_saveErrorKey), Tone::Danger);
    if (m_restored && !compact) banner(ui, icon::kCheck, ui.tr("register.draft_restored"));
    if (m_leaving) {
        drawLeaveQuestion(ui);
        return;
    }
    if (m_phase == Phase::Checking) banner(ui, icon::kClock, ui.tr("register.checking"));
    if (m_phase == Phase::Saving) banner(ui, icon::kClock, ui.tr("register.saving"));
    const float footer = compact ? 0.f : buttons;
    const float height = std::max(ui.theme.minTouch, ImGui::GetContentRegionAvail().y - footer);
    if (m_phase == Phase::Duplicates) {
        drawDuplicates(ui, height);
        return;
    }
    // The people the duplicate check found: beside the form on a wide
    // screen, above it on a narrow one (or with large text).
    const bool candidates = m_step == Step::Person && !m_candidates.empty();
    const float width = ImGui::GetContentRegionAvail().x;
    const bool side = candidates && width >= ui.px(1400.f);
    const float sideWidth = side ? std::max(ui.px(420.f), width * 0.3f) : 0.f;
    beginScrollArea(ui, "register.scroll", ImVec2(side ? width - sideWidth - pad : 0.f, height));
    if (m_scrollTop) {
        ImGui::SetScrollY(0.f);
        m_scrollTop = false;
    }
    if (candidates && !side) drawCandidates(ui, false);
    if (m_step == Step::Person)
        drawPerson(ui);
    else
        drawHouseholdCase(ui);
    ImGui::Dummy(ImVec2(0.f, pad));
    endScrollArea(ui);
    if (side) {
        ImGui::SameLine(0.f, pad);
        beginScrollArea(ui, "register.candidates", ImVec2(sideWidth, height));
        drawCandidates(ui, true);
        endScrollArea(ui);
    }
    if (!compact) drawFooter(ui);
}

void RegisterScreen::drawHeader(Ui& ui) {
    const int number = static_cast<int>(m_step) + 1;
    label(ui, fill(ui.tr("register.step_of"),
                   {std::to_string(number), std::to_string(reg::kStepCount), ui.tr(reg::stepTitleKey(m_step))}));
    // A thin bar of the steps: done ones filled, the rest outlined.
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ui.px(8.f);
    const float segment = (width - gap * static_cast<float>(reg::kStepCount - 1)) / static_cast<float>(reg::kStepCount);
    const float height = ui.px(8.f);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    for (int i = 0; i < reg::kStepCount; ++i) {
        const ImVec2 min(origin.x + static_cast<float>(i) * (segment + gap), origin.y);
        const ImVec2 max(min.x + segment, min.y + height);
        draw->AddRectFilled(min, max, toU32(i < number ? ui.theme.primary : ui.theme.secondaryActive), height * 0.5f);
    }
    ImGui::Dummy(ImVec2(width, height + ui.px(4.f)));
    if (!m_errors.empty() && m_phase == Phase::Form)
        errorText(ui, fmt::format("{}  {}", icon::kWarning, ui.tr("register.fix_fields")));
}

void RegisterScreen::drawFooter(Ui& ui) {
    const float width = ImGui::GetContentRegionAvail().x;
    const float pad = ui.px(ui.theme.spacing);
    const bool busy = m_phase != Phase::Form;
    const float buttonWidth = std::min(ui.px(420.f), (width - pad) * 0.5f);
    if (m_step != Step::Person) {
        if (button(ui, fmt::format("{}  {}", icon::kBack, ui.tr("register.back")), "register.back",
                   ImVec2(buttonWidth, 0.f), Tone::Secondary, !busy))
            m_intent = Intent::Back;
        ImGui::SameLine();
    } else if (!reg::isBlank(m_form)) {
        // Kept as a draft until saved: throwing it away is a choice.
        if (button(ui, ui.tr("register.discard"), "register.discard", ImVec2(buttonWidth, 0.f), Tone::Secondary, !busy))
            m_intent = Intent::Discard;
        ImGui::SameLine();
    }
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.f, width - ImGui::GetCursorPosX() - buttonWidth));
    if (m_step == Step::HouseholdCase) {
        if (button(ui, fmt::format("{}  {}", icon::kCheck, ui.tr("register.save")), "register.save",
                   ImVec2(buttonWidth, 0.f), Tone::Primary, !busy))
            m_intent = Intent::Save;
    } else if (button(ui, fmt::format("{}  {}", ui.tr("register.next"), icon::kNext), "register.next",
                      ImVec2(buttonWidth, 0.f), Tone::Primary, !busy)) {
        m_intent = Intent::Next;
    }
}

void RegisterScreen::drawPerson(Ui& ui) {
    // Consent first: nothing is recorded about a person before they are asked.
    if (choice(ui, ui.tr("register.consent_label"), "register.consent",
               options(ui, {"given", "refused"}, "register.consent"), m_form.consent, fieldError(ui, "consent"))) {
        m_errors.erase("consent");
        ui.entry.close();
    }
    if (m_form.consent == "given") {
        // Today's date and "registration" are already there: usually nothing to change.
        field(ui, "register.consent_date_label", "consent_date", m_form.consentDate, EntryMode::Date, 10, ui.px(520.f));
        if (multiChoice(ui, ui.tr("register.consent_scope_label"), "register.consent_scope",
                        staff::vocabOptions(ui, "consent_scopes", storage::vocab::consentScopes()), m_form.consentScope,
                        fieldError(ui, "consent_scope"))) {
            m_errors.erase("consent_scope");
            ui.entry.close();
        }
    } else if (m_form.consent == "refused") {
        muted(ui, ui.tr("register.consent_refused_hint"));
    }
    if (beginRow("##names", 3)) {
        ImGui::TableNextColumn();
        field(ui, "register.given_names_label", "given_names", m_form.givenNames, EntryMode::Name, kNameBytes);
        ImGui::TableNextColumn();
        field(ui, "register.family_name_1_label", "family_name_1", m_form.familyName1, EntryMode::Name, kNameBytes);
        ImGui::TableNextColumn();
        field(ui, "register.family_name_2_label", "family_name_2", m_form.familyName2, EntryMode::Name, kNameBytes);
        ImGui::EndTable();
    }
    if (choice(ui, ui.tr("register.sex_label"), "register.sex",
               staff::vocabOptions(ui, "sexes", storage::vocab::sexes()), m_form.sex, fieldError(ui, "sex"))) {
        m_errors.erase("sex");
        ui.entry.close();
    }
    if (beginRow("##birth", 2)) {
        ImGui::TableNextColumn();
        std::string mode = m_form.ageOnly ? "age" : "date";
        if (choice(ui, ui.tr("register.birth_mode_label"), "register.birth_mode",
                   options(ui, {"date", "age"}, "register.birth_mode"), mode)) {
            m_form.ageOnly = mode == "age";
            ui.entry.close();
        }
        ImGui::TableNextColumn();
        if (m_form.ageOnly)
            field(ui, "register.age_label", "age", m_form.ageYears, EntryMode::Numeric, 3);
        else
            field(ui, "register.birth_date_label", "birth_date", m_form.birthDate, EntryMode::Date, 10);
        ImGui::EndTable();
    }
    std::vector<Option> nationalities;
    for (auto code : reg::offeredNationalities())
        nationalities.push_back({std::string(code), staff::countryLabel(ui, code)});
    nationalities.push_back({std::string(reg::kOtherNationality), ui.tr("vocab.nationalities.other")});
    if (choice(ui, ui.tr("register.nationality_label"), "register.nationality", nationalities, m_form.nationality,
               fieldError(ui, "nationality"))) {
        m_errors.erase("nationality");
        ui.entry.close();
    }
    if (m_form.nationality == reg::kOtherNationality) {
        const float top = ImGui::GetCursorPosY();
        if (searchPick(ui, ui.tr("register.other_country_label"), "register.other_country", m_form.countryQuery,
                       m_form.otherCountry, m_countries, fieldError(ui, "other_country"), ui.px(520.f)))
            m_errors.erase("other_country");
        keepInView(ui, "register.other_country", top);
    }
    if (choice(ui, ui.tr("register.doc_type_label"), "register.doc_type",
               staff::vocabOptions(ui, "document_types", storage::vocab::documentTypes()), m_form.docType,
               fieldError(ui, "doc_type"))) {
        m_errors.erase("doc_type");
        m_errors.erase("doc_number");
        ui.entry.close();
    }
    const bool numeric = m_form.docType == "dni" || m_form.docType == "ptp" || m_form.docType == "cpp";
    if (beginRow("##contact", 2)) {
        ImGui::TableNextColumn();
        if (!m_form.docType.empty() && m_form.docType != "none")
            field(ui, "register.doc_number_label", "doc_number", m_form.docNumber,
                  numeric ? EntryMode::Numeric : EntryMode::Text, 40);
        ImGui::TableNextColumn();
        field(ui, "register.phone_label", "phone", m_form.phone, EntryMode::Phone, 20);
        ImGui::EndTable();
    }
    if (choice(ui, ui.tr("register.population_type_label"), "register.population_type",
               staff::vocabOptions(ui, "population_types", storage::vocab::populationTypes()), m_form.populationType,
               fieldError(ui, "population_type"))) {
        m_errors.erase("population_type");
        ui.entry.close();
    }
    if (choice(ui, ui.tr("register.migration_status_label"), "register.migration_status",
               staff::vocabOptions(ui, "migration_statuses", storage::vocab::migrationStatuses()),
               m_form.migrationStatus, fieldError(ui, "migration_status"))) {
        m_errors.erase("migration_status");
        ui.entry.close();
    }
    field(ui, "register.arrival_date_label", "arrival_date", m_form.arrivalDate, EntryMode::Date, 10, ui.px(520.f));
    if (multiChoice(ui, ui.tr("register.languages_label"), "register.languages",
                    staff::vocabOptions(ui, "languages", storage::vocab::languages()), m_form.languages))
        ui.entry.close();
}

void RegisterScreen::drawHouseholdCase(Ui& ui) {
    if (choice(ui, ui.tr("register.household_label"), "register.household",
               options(ui, {"alone", "new", "join"}, "register.household"), m_form.household,
               fieldError(ui, "household"))) {
        m_errors.erase("household");
        ui.entry.close();
    }
    if (m_form.household == "new") {
        const float top = ImGui::GetCursorPosY();
        if (searchPick(ui, ui.tr("register.district_label"), "register.district", m_form.districtQuery, m_form.district,
                       m_districts, fieldError(ui, "district"), ui.px(520.f)))
            m_errors.erase("district");
        keepInView(ui, "register.district", top);
    } else if (m_form.household == "join") {
        drawJoin(ui);
    } else {
        muted(ui, ui.tr("register.household_hint"));
    }
    if (multiChoice(ui, ui.tr("register.needs_label"), "register.needs",
                    staff::vocabOptions(ui, "sectors", storage::vocab::sectors()), m_form.needs))
        ui.entry.close();
    if (multiChoice(ui, ui.tr("register.vulnerabilities_label"), "register.vulnerabilities",
                    staff::vocabOptions(ui, "vulnerabilities", storage::vocab::vulnerabilities()),
                    m_form.vulnerabilities))
        ui.entry.close();
    if (choice(ui, ui.tr("register.priority_label"), "register.priority",
               staff::vocabOptions(ui, "case_priorities", storage::vocab::casePriorities()), m_form.priority,
               fieldError(ui, "priority")))
        ui.entry.close();
}

void RegisterScreen::drawLeaveQuestion(Ui& ui) {
    heading(ui, ui.tr("register.leave.title"));
    text(ui, ui.tr("register.leave.hint"));
    const float pad = ui.px(ui.theme.spacing);
    ImGui::Dummy(ImVec2(0.f, pad));
    if (button(ui, ui.tr("register.leave.keep"), "register.leave.keep", ImVec2(0.f, 0.f), Tone::Primary))
        m_intent = Intent::LeaveKeep;
    ImGui::SameLine();
    if (button(ui, ui.tr("register.leave.discard"), "register.leave.discard", ImVec2(0.f, 0.f), Tone::Secondary))
        m_intent = Intent::LeaveDiscard;
    ImGui::SameLine();
    if (button(ui, ui.tr("register.leave.stay"), "register.leave.stay", ImVec2(0.f, 0.f), Tone::Secondary))
        m_intent = Intent::Stay;
}

void RegisterScreen::drawJoin(Ui& ui) {
    if (m_form.joinPersonId.empty()) {
        field(ui, "register.join_label", "join", m_form.joinQuery, EntryMode::Name, kNameBytes, ui.px(520.f));
        for (const HouseholdRow& row : m_joinRows) {
            const std::string who = row.headName.empty()
                                        ? fmt::format("{}{}{}", row.person.name, staff::kSeparator, row.person.caseCode)
                                        : fmt::format("{}{}{}", row.person.name, staff::kSeparator,
                                                      fill(ui.tr("register.join.household_of"), {row.headName}));
            const std::string key = "register.join.pick." + row.person.personId;
            if (button(ui, who, key.c_str(), ImVec2(0.f, 0.f), Tone::Secondary)) {
                m_form.joinPersonId = row.person.personId;
                m_form.joinName = row.headName.empty() ? row.person.name : row.headName;
                m_errors.erase("join");
                ui.entry.close();
            }
        }
        if (m_joinRows.empty() && staff::trimmed(m_form.joinQuery).size() >= 2 && !m_joinSearching &&
            m_joinSearchedFor == staff::trimmed(m_form.joinQuery))
            muted(ui, ui.tr("pick.none"));
    } else {
        text(ui, fill(ui.tr("register.join.chosen"), {m_form.joinName}));
        if (button(ui, ui.tr("register.join.change"), "register.join.change", ImVec2(0.f, 0.f), Tone::Secondary)) {
            m_form.joinPersonId.clear();
            m_form.joinName.clear();
            m_joinSearchedFor.clear();
        }
    }
    std::vector<Option> relations;
    for (auto code : storage::vocab::relationsToHead())
        if (code != "head") relations.push_back({std::string(code), staff::vocabLabel(ui, "relations_to_head", code)});
    if (choice(ui, ui.tr("register.relation_label"), "register.relation", relations, m_form.relation,
               fieldError(ui, "relation"))) {
        m_errors.erase("relation");
        ui.entry.close();
    }
}

}  // namespace chasqui::kiosk
