// The people the duplicate check found: beside the form while it is typed,
// and the warning shown at saving when the check finds someone not shown
// before. "This is them" is the easy (primary) choice. Draw code only.
#include <fmt/format.h>

#include "kiosk/screens/register_screen.hpp"
#include "kiosk/screens/staff_text.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

namespace {

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

// A candidate's line under their name: what the caller put first, then
// nationality and document, as far as they are known.
void candidateDetails(Ui& ui, const PersonRow& c, std::vector<std::string> parts) {
    if (!c.nationality.empty()) parts.push_back(staff::countryLabel(ui, c.nationality));
    if (!c.docNumber.empty())
        parts.push_back(fmt::format("{} {}", staff::vocabLabel(ui, "document_types", c.docType), c.docNumber));
    std::string line;
    for (const auto& part : parts) line += (line.empty() ? "" : staff::kSeparator) + part;
    muted(ui, line);
}

}  // namespace

void RegisterScreen::drawCandidates(Ui& ui, bool side) {
    const float pad = ui.px(ui.theme.spacing);
    label(ui, fmt::format("{}  {}", icon::kUsers, ui.tr("register.dup.live_title")));
    muted(ui, ui.tr("register.dup.live_hint"));
    const float width = ImGui::GetContentRegionAvail().x;
    for (const DuplicateRow& dup : m_candidates) {
        const PersonRow& c = dup.person;
        ImGui::PushID(c.personId.c_str());
        beginCard(ui);
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width - pad * 2.f);
        label(ui, c.name);
        std::vector<std::string> parts{
            ui.tr(dup.likely ? "register.dup.very_likely_short" : "register.dup.possible_short"), c.caseCode};
        if (!c.birthDate.empty()) parts.push_back(staff::displayDate(c.birthDate));
        candidateDetails(ui, c, std::move(parts));
        ImGui::PopTextWrapPos();
        const std::string key = "register.dup.same." + c.personId;
        if (button(ui, fmt::format("{}  {}", icon::kCheck, ui.tr("register.dup.same")), key.c_str(),
                   ImVec2(side ? width - pad * 2.f : 0.f, 0.f), Tone::Primary, m_phase == Phase::Form)) {
            m_intent = Intent::Same;
            m_intentPerson = c.personId;
        }
        endCard(ui, width);
        ImGui::PopID();
    }
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
        candidateDetails(ui, c, std::move(parts));
        if (dup.sameDocument) muted(ui, ui.tr("register.dup.same_document"));
        ImGui::PopTextWrapPos();
        ImGui::EndGroup();
        ImGui::SameLine();
        ImGui::SetCursorScreenPos(ImVec2(cardX + width - sameWidth - pad, ImGui::GetCursorScreenPos().y));
        const std::string key = "register.dup.same." + c.personId;
        if (button(ui, sameText, key.c_str(), ImVec2(sameWidth, 0.f), Tone::Primary, m_phase == Phase::Duplicates)) {
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
               ImVec2(buttonWidth, 0.f), Tone::Secondary, m_phase == Phase::Duplicates))
        m_intent = Intent::Different;
}

}  // namespace chasqui::kiosk
