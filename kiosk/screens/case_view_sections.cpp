// Case view: profile, household, needs and consent, and the form that opens
// a case or edits its needs, vulnerabilities, priority and consent.
#include <algorithm>

#include <fmt/format.h>
#include <imgui.h>

#include "kiosk/screens/case_text.hpp"
#include "kiosk/screens/case_view_screen.hpp"
#include "kiosk/screens/case_widgets.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/vocabulary.hpp"

namespace chasqui::kiosk {

namespace {

using casework::vocabLabel;

std::string todayOf(const StaffContext& ctx) {
    return storage::isoDate(ctx.clock.nowMs());
}

// Washington Group short set: six domains coded 1-4 (0 = not asked); 3 or 4
// in any domain ("a lot of difficulty", "cannot do at all") is a disability.
const char* disabilityKey(const std::string& codes) {
    if (codes.empty() || std::all_of(codes.begin(), codes.end(), [](char c) { return c == '0'; }))
        return "case.profile.disability.not_asked";
    if (std::any_of(codes.begin(), codes.end(), [](char c) { return c == '3' || c == '4'; }))
        return "case.profile.disability.yes";
    return "case.profile.disability.no";
}

std::string birthText(Ui& ui, const storage::Person& p, const std::string& today) {
    if (p.birthDate.empty()) return {};
    std::string out = casework::displayDate(p.birthDate);
    if (auto age = casework::ageOn(p.birthDate, today))
        out +=
            fmt::format("  ({})", fill(ui.tr(p.birthDateEstimated ? "case.profile.age_estimated" : "case.profile.age"),
                                       {std::to_string(*age)}));
    return out;
}

}  // namespace

void CaseViewScreen::drawProfile(Ui& ui) {
    const storage::Person& p = m_data->person;
    const std::string today = todayOf(m_ctx);
    std::string sex = vocabLabel(ui, "sexes", p.sex);
    std::string document = vocabLabel(ui, "document_types", p.docType);
    if (!p.docNumber.empty()) document += fmt::format("  {}", p.docNumber);
    struct Item {
        const char* caption;
        std::string value;
    };
    std::vector<Item> items = {
        {"case.profile.name", casework::fullName(p)},
        {"case.profile.code", p.caseCode},
        {"case.profile.sex", sex},
        {"case.profile.birth", birthText(ui, p, today)},
        {"case.profile.nationality", casework::countryLabel(ui, p.nationality)},
        {"case.profile.document", document},
        {"case.profile.phone", p.phone},
        {"case.profile.languages", casework::vocabLabels(ui, "languages", p.languages, {})},
        {"case.profile.population", vocabLabel(ui, "population_types", p.populationType)},
        {"case.profile.migration", vocabLabel(ui, "migration_statuses", p.migrationStatus)},
        {"case.profile.arrival", casework::displayDate(p.arrivalDate)},
        {"case.profile.disability", ui.tr(disabilityKey(p.disability))},
    };
    if (!p.genderIdentity.empty()) items.push_back({"case.profile.gender", p.genderIdentity});
    // First, so that it is in reach without scrolling at any text size.
    if (button(ui, fmt::format("{}  {}", icon::kFile, ui.tr("edit.open")), "case.profile.edit", ImVec2(0.f, 0.f),
               Tone::Secondary, !m_saving))
        m_intent = Intent::EditPerson;
    casework::Card card(ui);
    if (ImGui::BeginTable("###case.profile.grid", 3, ImGuiTableFlags_SizingStretchSame)) {
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i % 3 == 0) ImGui::TableNextRow(ImGuiTableRowFlags_None, ui.px(84.f));
            ImGui::TableNextColumn();
            casework::field(ui, ui.tr(items[i].caption), items[i].value);
        }
        ImGui::EndTable();
    }
    card.end();
}

void CaseViewScreen::drawNeeds(Ui& ui) {
    const storage::Case& c = m_data->file.record;
    {
        casework::Card card(ui);
        label(ui, ui.tr("case.needs.status"));
        casework::Chips chips(ui, card.innerWidth());
        chips.add(vocabLabel(ui, "case_statuses", c.status), true);
        chips.add(fill(ui.tr("case.header.priority"), {vocabLabel(ui, "case_priorities", c.priority)}),
                  c.priority == "high" || c.priority == "critical");
        if (!c.openedDate.empty())
            card.paragraph(fill(ui.tr("case.needs.opened"), {casework::displayDate(c.openedDate)}), true);
        card.end();
    }
    // Sensitive codes are counted in a small neutral line ("sensitive: 2,
    // tap to show") and drawn as plain chips only after that tap.
    const auto chipList = [&](const char* titleKey, const char* list, const std::vector<std::string>& codes,
                              const char* noneKey, bool strong, bool (*sensitive)(std::string_view),
                              const char* revealKey) {
        casework::Card card(ui);
        label(ui, ui.tr(titleKey));
        std::vector<std::string> open;
        std::vector<std::string> hidden;
        for (const auto& code : codes) (sensitive(code) ? hidden : open).push_back(code);
        if (codes.empty()) card.paragraph(ui.tr(noneKey), true);
        if (!open.empty()) {
            casework::Chips chips(ui, card.innerWidth());
            for (const auto& code : open) chips.add(vocabLabel(ui, list, code), strong);
        }
        if (!hidden.empty()) {
            const std::string count = std::to_string(hidden.size());
            if (!m_showSensitive) {
                if (button(ui, fmt::format("{}  {}", icon::kLock, fill(ui.tr("case.sensitive.show"), {count})),
                           revealKey, ImVec2(0.f, std::max(ui.theme.minTouch, ui.px(56.f))), Tone::Secondary))
                    m_intent = Intent::ShowSensitive;
            } else {
                muted(ui, fill(ui.tr("case.sensitive.shown"), {count}));
                casework::Chips chips(ui, card.innerWidth());
                for (const auto& code : hidden) chips.add(vocabLabel(ui, list, code), false);
                const std::string hideKey = std::string(revealKey) + ".hide";
                if (button(ui, fmt::format("{}  {}", icon::kLock, ui.tr("case.sensitive.hide")), hideKey.c_str(),
                           ImVec2(0.f, std::max(ui.theme.minTouch, ui.px(56.f))), Tone::Secondary))
                    m_intent = Intent::HideSensitive;
            }
        }
        card.end();
    };
    chipList("case.needs.sectors", "sectors", c.needs, "case.needs.sectors_none", false,
             storage::vocab::sensitiveSector, "case.needs.sectors.sensitive");
    chipList("case.needs.vulnerabilities", "vulnerabilities", c.vulnerabilities, "case.needs.vulnerabilities_none",
             true, storage::vocab::sensitiveVulnerability, "case.needs.vulnerabilities.sensitive");
    {
        casework::Card card(ui);
        label(ui, ui.tr("case.consent.title"));
        if (c.consent.given) {
            successText(ui, fmt::format("{}  {}", icon::kCheck,
                                        fill(ui.tr("case.consent.given_on"), {casework::displayDate(c.consent.date)})));
            casework::Chips chips(ui, card.innerWidth());
            for (const auto& code : c.consent.scope) chips.add(vocabLabel(ui, "consent_scopes", code));
        } else if (!c.consent.date.empty()) {
            card.paragraph(fill(ui.tr("case.consent.refused_on"), {casework::displayDate(c.consent.date)}));
        } else {
            card.paragraph(ui.tr("case.consent.not_asked"));
        }
        if (!c.consent.given ||
            std::find(c.consent.scope.begin(), c.consent.scope.end(), "referral_sharing") == c.consent.scope.end())
            card.paragraph(ui.tr("case.consent.referral_hint"), true);
        card.end();
    }
    if (button(ui, fmt::format("{}  {}", icon::kFile, ui.tr("case.edit")), "case.edit", ImVec2(0.f, 0.f),
               Tone::Secondary, !m_saving))
        m_intent = Intent::EditForm;
}

void CaseViewScreen::drawCaseForm(Ui& ui) {
    // The buttons stay below the scrolling fields, always in reach.
    const float footer = casework::footerHeight(ui);
    beginScrollArea(ui, "case.scroll.form", ImVec2(0.f, ImGui::GetContentRegionAvail().y - footer));
    heading(ui, ui.tr(m_form.creating ? "case.form.title_open" : "case.form.title_edit"));
    if (!m_form.creating) {
        choice(ui, ui.tr("edit.case_status"), "case.form.status",
               casework::vocabOptions(ui, "case_statuses", storage::vocab::caseStatuses()), m_form.status);
        ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));
    }
    multiChoice(ui, ui.tr("case.form.needs"), "case.form.needs",
                casework::vocabOptions(ui, "sectors", storage::vocab::sectors()), m_form.needs);
    ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));
    multiChoice(ui, ui.tr("case.form.vulnerabilities"), "case.form.vulnerabilities",
                casework::vocabOptions(ui, "vulnerabilities", storage::vocab::vulnerabilities()),
                m_form.vulnerabilities);
    muted(ui, ui.tr("case.form.vulnerabilities_hint"));
    ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));
    choice(ui, ui.tr("case.form.priority"), "case.form.priority",
           casework::vocabOptions(ui, "case_priorities", storage::vocab::casePriorities()), m_form.priority);
    ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));
    const std::vector<Option> consent = {{"given", ui.tr("case.form.consent.given")},
                                         {"refused", ui.tr("case.form.consent.refused")}};
    muted(ui, ui.tr("case.form.consent_hint"));
    if (choice(ui, ui.tr("case.form.consent"), "case.form.consent", consent, m_form.consent,
               m_form.consentError != nullptr ? ui.tr(m_form.consentError) : ""))
        m_form.consentError = nullptr;
    if (m_form.consent == "given") {
        if (multiChoice(ui, ui.tr("case.form.scope"), "case.form.scope",
                        casework::vocabOptions(ui, "consent_scopes", storage::vocab::consentScopes()), m_form.scope,
                        m_form.scopeError != nullptr ? ui.tr(m_form.scopeError) : ""))
            m_form.scopeError = nullptr;
    }
    ImGui::Dummy(ImVec2(0.f, ui.px(ui.theme.spacing)));
    endScrollArea(ui);
    ImGui::Dummy(ImVec2(0.f, ui.px(4.f)));
    if (button(ui,
               fmt::format("{}  {}", icon::kCheck, ui.tr(m_form.creating ? "case.form.save_open" : "case.form.save")),
               "case.form.save", ImVec2(0.f, 0.f), Tone::Primary, !m_saving))
        m_intent = Intent::SaveForm;
    ImGui::SameLine();
    if (button(ui, ui.tr("case.form.cancel"), "case.form.cancel", ImVec2(0.f, 0.f), Tone::Secondary, !m_saving))
        m_intent = Intent::CancelForm;
    if (m_form.consentError != nullptr || m_form.scopeError != nullptr) {
        ImGui::SameLine();
        casework::footerNote(ui, ui.tr("case.check_marked"), true);
    }
}

void CaseViewScreen::actOnCase(Intent intent) {
    switch (intent) {
        case Intent::OpenForm:
            m_form = CaseForm{};
            m_form.visible = true;
            m_form.creating = true;
            m_formOriginal = m_form;
            m_message = nullptr;
            break;
        case Intent::EditForm: {
            const storage::Case& c = m_data->file.record;
            m_form = CaseForm{};
            m_form.visible = true;
            m_form.needs = c.needs;
            m_form.vulnerabilities = c.vulnerabilities;
            m_form.priority = c.priority;
            m_form.status = c.status;
            m_form.consent = c.consent.given ? "given" : (c.consent.date.empty() ? "" : "refused");
            m_form.scope = c.consent.scope;
            m_formOriginal = m_form;
            m_message = nullptr;
            break;
        }
        case Intent::CancelForm:
            if (leaveAllowed(Leave::Cancel)) m_form = CaseForm{};
            break;
        case Intent::SaveForm: {
            m_form.consentError = m_form.consent.empty() ? "case.form.error.consent" : nullptr;
            m_form.scopeError = m_form.consent == "given" && m_form.scope.empty() ? "case.form.error.scope" : nullptr;
            if (m_form.consentError != nullptr || m_form.scopeError != nullptr || !m_data) return;
            const std::string today = todayOf(m_ctx);
            storage::Case c = m_form.creating ? storage::Case{} : m_data->file.record;
            const bool wasGiven = c.consent.given;
            const bool wasAsked = wasGiven || !c.consent.date.empty();
            c.needs = m_form.needs;
            c.vulnerabilities = m_form.vulnerabilities;
            c.priority = m_form.priority;
            if (!m_form.creating && c.status != m_form.status) {
                // Closing dates the case today; reopening it clears the date.
                c.closedDate = m_form.status == "closed" ? today : std::string();
                c.status = m_form.status;
            }
            c.consent.given = m_form.consent == "given";
            c.consent.scope = c.consent.given ? m_form.scope : std::vector<std::string>{};
            // The consent date is when the person was asked: a new answer is dated today.
            if (!wasAsked || wasGiven != c.consent.given) c.consent.date = today;
            if (m_form.creating) {
                c.personId = m_data->person.meta.id;
                c.status = "open";
                c.openedDate = today;
                submit([c](CaseService& cases) { return cases.openCase(c); }, "case.form.done_open",
                       [this](const std::string& id) {
                           m_ctx.selection.caseId = id;
                           m_form = CaseForm{};
                           m_tab = Tab::Needs;
                       });
            } else {
                submit([c](CaseService& cases) { return cases.updateCase(c); }, "case.form.done_edit",
                       [this](const std::string&) { m_form = CaseForm{}; });
            }
            break;
        }
        default:
            actOnFollowUp(intent);
            break;
    }
}

}  // namespace chasqui::kiosk
