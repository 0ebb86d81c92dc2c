// The registration wizard's last step (what will be saved, in words, with a
// way back to each step) and the duplicate warning shown before saving.
// Draw code only.
#include <fmt/format.h>

#include "kiosk/screens/register_screen.hpp"
#include "kiosk/screens/staff_text.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

namespace {

using reg::Step;

// A white card behind whatever is drawn between begin and end: the content
// goes on the front channel, the card is added behind once its size is known.
void beginCard(Ui& ui) {
    ImGui::GetWindowDrawList()->ChannelsSplit(2);
    ImGui::GetWindowDrawList()->ChannelsSetCurrent(1);
    const float pad = ui.px(ui.theme.spacing);
    ImGui::SetCursorPos(ImVec2(ImGui::GetCursorPosX() + pad, ImGui::GetCursorPosY() + pad));
    ImGui::BeginGroup();
}

void endCard(Ui& ui, float width) {
    ImGui::EndGroup();
    const float pad = ui.px(ui.theme.spacing);
    const ImVec2 min(ImGui::GetItemRectMin().x - pad, ImGui::GetItemRectMin().y - pad);
    const ImVec2 max(min.x + width, ImGui::GetItemRectMax().y + pad);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->ChannelsSetCurrent(0);
    draw->AddRectFilled(min, max, toU32(ui.theme.surface), ui.theme.rounding);
    draw->AddRect(min, max, toU32(ui.theme.secondaryActive), ui.theme.rounding);
    draw->ChannelsMerge();
    ImGui::SetCursorScreenPos(ImVec2(min.x, max.y));
    ImGui::Dummy(ImVec2(width, pad * 0.75f));
}

void reviewLine(Ui& ui, const char* labelKey, std::string_view value, float valueX) {
    if (value.empty()) return;
    // Screen positions: SameLine(x) counts from the column inside a table.
    const ImVec2 start = ImGui::GetCursorScreenPos();
    ImGui::PushFont(ui.fonts.bold);
    const char* name = ui.tr(labelKey);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + valueX - ui.px(ui.theme.spacing));
    ImGui::TextUnformatted(name);
    ImGui::PopTextWrapPos();
    ui.probe.text(name);
    ImGui::PopFont();
    const float labelBottom = ImGui::GetCursorScreenPos().y;
    ImGui::SetCursorScreenPos(ImVec2(start.x + valueX, start.y));
    ImGui::BeginGroup();
    text(ui, value);
    ImGui::EndGroup();
    ImGui::SetCursorScreenPos(
        ImVec2(start.x, std::max(labelBottom, ImGui::GetItemRectMax().y + ImGui::GetStyle().ItemSpacing.y)));
}

std::string labels(const Ui& ui, std::string_view list, const std::vector<std::string>& codes) {
    std::string out;
    for (const auto& code : codes) {
        if (!out.empty()) out += ", ";
        out += staff::vocabLabel(ui, list, code);
    }
    return out;
}

}  // namespace

void RegisterScreen::drawReview(Ui& ui) {
    const std::string day = storage::isoDate(ui.nowMs);
    const storage::Person p = reg::buildPerson(m_form, day);
    const float pad = ui.px(ui.theme.spacing);
    const float valueX = ui.px(300.f);
    // A section in its own white cell: its title, a "change" button that goes
    // back to its step, then its lines.
    const auto section = [&](Step step, const char* editKey) {
        ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, toU32(ui.theme.surface));
        const ImVec2 start = ImGui::GetCursorScreenPos();
        const float width = ImGui::GetContentRegionAvail().x;
        const std::string change = fmt::format("{}  {}", icon::kBack, ui.tr("register.edit"));
        ImGui::PushFont(ui.fonts.bold);
        const float buttonWidth = ImGui::CalcTextSize(change.c_str()).x + pad * 2.5f;
        ImGui::PopFont();
        const float buttonHeight = std::max(ui.theme.minTouch, ui.px(ui.theme.buttonHeight));
        ImGui::PushFont(ui.fonts.heading);
        const char* title = ui.tr(reg::stepTitleKey(step));
        ImGui::SetCursorScreenPos(ImVec2(start.x, start.y + (buttonHeight - ui.fonts.heading->FontSize) * 0.5f));
        ImGui::TextUnformatted(title);
        ui.probe.text(title);
        ImGui::PopFont();
        ImGui::SetCursorScreenPos(ImVec2(start.x + width - buttonWidth, start.y));
        if (button(ui, change, editKey, ImVec2(buttonWidth, buttonHeight), Tone::Secondary)) {
            m_intent = Intent::Edit;
            m_editStep = step;
        }
    };
    ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(pad, pad));
    ImGui::PushStyleColor(ImGuiCol_TableBorderLight, ui.theme.secondaryActive);
    ImGui::PushStyleColor(ImGuiCol_TableBorderStrong, ui.theme.secondaryActive);
    if (ImGui::BeginTable("##review", 2, ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_Borders)) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        section(Step::Person, "register.edit.person");
        reviewLine(ui, "register.review.name", staff::joinName(p.givenNames, p.familyName1, p.familyName2), valueX);
        reviewLine(ui, "register.review.sex", staff::vocabLabel(ui, "sexes", p.sex), valueX);
        reviewLine(ui, "register.review.birth",
                   m_form.ageOnly ? fill(ui.tr("register.review.age"), {staff::trimmed(m_form.ageYears)})
                                  : staff::displayDate(p.birthDate),
                   valueX);
        reviewLine(ui, "register.review.nationality", staff::countryLabel(ui, p.nationality), valueX);
        reviewLine(ui, "register.review.languages", labels(ui, "languages", p.languages), valueX);
        ImGui::TableSetColumnIndex(1);
        section(Step::Household, "register.edit.household");
        reviewLine(ui, "register.review.household", ui.tr(fmt::format("register.household.{}", m_form.household)),
                   valueX);
        reviewLine(ui, "register.review.district", staff::trimmed(m_form.district), valueX);

        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        section(Step::Document, "register.edit.document");
        reviewLine(ui, "register.review.document",
                   p.docNumber.empty()
                       ? staff::vocabLabel(ui, "document_types", p.docType)
                       : fmt::format("{} {}", staff::vocabLabel(ui, "document_types", p.docType), p.docNumber),
                   valueX);
        reviewLine(ui, "register.review.phone", p.phone, valueX);
        reviewLine(ui, "register.review.population", staff::vocabLabel(ui, "population_types", p.populationType),
                   valueX);
        reviewLine(ui, "register.review.migration", staff::vocabLabel(ui, "migration_statuses", p.migrationStatus),
                   valueX);
        reviewLine(ui, "register.review.arrival", staff::displayDate(p.arrivalDate), valueX);
        ImGui::TableSetColumnIndex(1);
        section(Step::Case, "register.edit.case");
        reviewLine(ui, "register.review.needs", labels(ui, "sectors", m_form.needs), valueX);
        reviewLine(ui, "register.review.vulnerabilities", labels(ui, "vulnerabilities", m_form.vulnerabilities),
                   valueX);
        reviewLine(ui, "register.review.priority", staff::vocabLabel(ui, "case_priorities", m_form.priority), valueX);
        const std::string consentDay = staff::displayDate(reg::isoFromTyped(staff::trimmed(m_form.consentDate)));
        reviewLine(ui, "register.review.consent",
                   m_form.consent == "given" ? fill(ui.tr("register.review.consent_given"), {consentDay})
                                             : std::string(ui.tr("register.consent.refused")),
                   valueX);
        if (m_form.consent == "given")
            reviewLine(ui, "register.review.scope", labels(ui, "consent_scopes", m_form.consentScope), valueX);
        ImGui::EndTable();
    }
    ImGui::PopStyleColor(2);
    ImGui::PopStyleVar();
}

void RegisterScreen::drawDuplicates(Ui& ui, float height) {
    const float pad = ui.px(ui.theme.spacing);
    beginScrollArea(ui, "register.dup.list", ImVec2(0.f, height));
    heading(ui, fmt::format("{}  {}", icon::kUsers, ui.tr("register.dup.title")));
    text(ui, ui.tr("register.dup.hint"));
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
    const std::string day = storage::isoDate(ui.nowMs);
    const float width = ImGui::GetContentRegionAvail().x;
    const std::string sameText = fmt::format("{}  {}", icon::kCheck, ui.tr("register.dup.same"));
    ImGui::PushFont(ui.fonts.bold);
    const float sameWidth = ImGui::CalcTextSize(sameText.c_str()).x + pad * 3.f;
    ImGui::PopFont();
    for (const DuplicateRow& dup : m_candidates) {
        const PersonRow& c = dup.person;
        ImGui::PushID(c.personId.c_str());
        const float cardX = ImGui::GetCursorScreenPos().x;
        beginCard(ui);
        ImGui::BeginGroup();
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width - sameWidth - pad * 4.f);
        label(ui, fmt::format("{}{}{}", c.name, staff::kDash,
                              ui.tr(dup.likely ? "register.dup.very_likely" : "register.dup.possible")));
        std::vector<std::string> parts{c.caseCode};
        if (!c.birthDate.empty()) {
            const auto age = staff::ageOn(c.birthDate, day);
            parts.push_back(age ? fill(ui.tr("home.born_age"), {staff::displayDate(c.birthDate), std::to_string(*age)})
                                : fill(ui.tr("home.born"), {staff::displayDate(c.birthDate)}));
        }
        if (!c.nationality.empty()) parts.push_back(staff::countryLabel(ui, c.nationality));
        if (!c.docNumber.empty())
            parts.push_back(fmt::format("{} {}", staff::vocabLabel(ui, "document_types", c.docType), c.docNumber));
        std::string line;
        for (const auto& part : parts) line += (line.empty() ? "" : staff::kSeparator) + part;
        muted(ui, line);
        if (dup.sameDocument) muted(ui, ui.tr("register.dup.same_document"));
        ImGui::PopTextWrapPos();
        ImGui::EndGroup();
        ImGui::SameLine();
        ImGui::SetCursorScreenPos(ImVec2(cardX + width - sameWidth - pad, ImGui::GetCursorScreenPos().y));
        const std::string key = "register.dup.same." + c.personId;
        if (button(ui, sameText, key.c_str(), ImVec2(sameWidth, 0.f), Tone::Secondary, m_phase == Phase::Duplicates)) {
            m_intent = Intent::Same;
            m_intentPerson = c.personId;
        }
        endCard(ui, width);
        ImGui::PopID();
    }
    endScrollArea(ui);
    const float buttonWidth = std::min(ui.px(520.f), (width - pad) * 0.5f);
    if (button(ui, fmt::format("{}  {}", icon::kBack, ui.tr("register.back")), "register.back",
               ImVec2(buttonWidth, 0.f), Tone::Secondary, m_phase == Phase::Duplicates))
        m_intent = Intent::Back;
    ImGui::SameLine();
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.f, width - ImGui::GetCursorPosX() - buttonWidth));
    if (button(ui, fmt::format("{}  {}", icon::kUserPlus, ui.tr("register.dup.different")), "register.dup.different",
               ImVec2(buttonWidth, 0.f), Tone::Primary, m_phase == Phase::Duplicates))
        m_intent = Intent::Different;
}

}  // namespace chasqui::kiosk
