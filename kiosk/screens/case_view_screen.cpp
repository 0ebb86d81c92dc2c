#include "kiosk/screens/case_view_screen.hpp"

#include <fmt/format.h>
#include <imgui.h>

#include "kiosk/screens/case_text.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

void CaseViewScreen::onEnter() {
    if (m_ctx.selection.personId != m_forPersonId) {
        m_data.reset();
        m_tab = Tab::Profile;
        m_forPersonId = m_ctx.selection.personId;
        m_noteText.clear();
    }
    m_message = nullptr;
    m_noteError = nullptr;
    m_change.reset();
    closeForms();
    m_pendingLeave = Leave::None;
    m_showSensitive = false;  // each visit starts discreet, even back from recording assistance
    m_saving = false;         // a write still on the worker is dropped with the load below (new generation)
    m_countsBefore.reset();
    if (m_data && m_data->hasCase && m_data->file.record.meta.id == m_ctx.selection.caseId)
        m_countsBefore = std::make_pair(m_data->file.assistance.size(), m_data->file.referrals.size());
    if (m_ctx.session.signedIn) load();  // without a session the app sends the person to the sign-in
}

void CaseViewScreen::load() {
    const std::uint64_t generation = ++m_generation;
    m_loadError = nullptr;
    const std::string personId = m_ctx.selection.personId;
    const std::string caseId = m_ctx.selection.caseId;
    if (personId.empty()) {
        m_loading = false;
        m_loadError = "case.error.no_person";
        return;
    }
    m_loading = true;
    m_ctx.tasks.post([this, generation, personId, caseId]() -> TaskRunner::Continuation {
        auto result = m_cases.load(personId, caseId);
        return [this, generation, personId, result = std::move(result)]() mutable {
            if (generation != m_generation) return;  // a newer load, another person, or a sign-out
            // The staff home cleared the selection meanwhile (the next person): keep nothing.
            if (m_ctx.selection.personId != personId) {
                m_loading = false;
                return;
            }
            m_loading = false;
            if (!result) {
                m_loadError = casework::errorKey(result.error());
                return;
            }
            m_data = std::move(*result);
            if (m_countsBefore && m_data->hasCase) {
                if (m_data->file.assistance.size() > m_countsBefore->first)
                    m_message = "case.assistance.done";
                else if (m_data->file.referrals.size() > m_countsBefore->second)
                    m_message = "case.referrals.done";
                m_messageIsError = false;
            }
            m_countsBefore.reset();
            m_ctx.selection.caseId = m_data->hasCase ? m_data->file.record.meta.id : std::string();
            m_ctx.selection.caseCode = m_data->person.caseCode;
            m_ctx.selection.personName = casework::fullName(m_data->person);
        };
    });
}

void CaseViewScreen::submit(Write work, const char* doneKey, std::function<void(const std::string&)> onDone) {
    m_saving = true;
    m_message = nullptr;
    const std::uint64_t generation = m_generation;
    m_ctx.tasks.post(
        [this, generation, work = std::move(work), doneKey, onDone = std::move(onDone)]() -> TaskRunner::Continuation {
            storage::Result<std::string> result = work(m_cases);
            return [this, generation, result = std::move(result), doneKey, onDone] {
                if (generation != m_generation) return;
                m_saving = false;
                if (!result) {
                    m_message = casework::errorKey(result.error());
                    m_messageIsError = true;
                    // What was on screen may be out of date (a step synced from another kiosk): show what is stored.
                    if (result.error().code == storage::ErrorCode::InvalidInput ||
                        result.error().code == storage::ErrorCode::NotFound)
                        load();
                    return;
                }
                m_message = doneKey;
                m_messageIsError = false;
                if (onDone) onDone(*result);
                load();
            };
        });
}

void CaseViewScreen::dropPersonalData() {
    ++m_generation;  // results still on the worker are dropped when they arrive
    m_loading = false;
    m_saving = false;
    m_loadError = nullptr;
    m_data.reset();
    m_forPersonId.clear();
    m_countsBefore.reset();
    m_tab = Tab::Profile;
    m_message = nullptr;
    m_noteText.clear();
    m_noteError = nullptr;
    m_change.reset();
    closeForms();
    m_pendingLeave = Leave::None;
    m_pendingMember.clear();
    m_showSensitive = false;
    m_intent = Intent::None;
    m_intentArg.clear();
    m_intentArg2.clear();
}

bool CaseViewScreen::holdsPersonalData() const {
    return m_data.has_value() || !m_forPersonId.empty() || !m_noteText.empty() || m_change.has_value() ||
           m_form.visible || !m_intentArg.empty() || m_person.visible || m_family.mode != FamilyMode::None ||
           !m_pendingMember.empty();
}

void CaseViewScreen::drawContent(Ui& ui) {
    if (!m_data) {
        if (m_loadError != nullptr) {
            banner(ui, icon::kWarning, ui.tr(m_loadError), Tone::Danger);
            if (button(ui, fmt::format("{}  {}", icon::kRefresh, ui.tr("case.retry")), "case.retry"))
                m_intent = Intent::Retry;
        } else {
            banner(ui, icon::kClock, ui.tr("case.loading"));
        }
        return;
    }
    drawHeader(ui);
    drawDiscardQuestion(ui);
    if (m_person.visible) {
        drawPersonForm(ui);
        return;
    }
    // A household form has the room of the tabs too (leaving it asks first anyway).
    if (m_family.mode != FamilyMode::None) {
        drawFamilyForm(ui);
        return;
    }
    if (m_data->hasCase) drawTabs(ui);
    if (m_form.visible) {
        drawCaseForm(ui);
        return;
    }
    if (!m_data->hasCase) {
        drawNoCase(ui);
        return;
    }
    static constexpr const char* kScrollKeys[] = {"case.scroll.profile",   "case.scroll.household",
                                                  "case.scroll.needs",     "case.scroll.assistance",
                                                  "case.scroll.referrals", "case.scroll.notes"};
    beginScrollArea(ui, kScrollKeys[static_cast<int>(m_tab)], ImVec2(0.f, ImGui::GetContentRegionAvail().y));
    switch (m_tab) {
        case Tab::Profile:
            drawProfile(ui);
            break;
        case Tab::Household:
            drawHousehold(ui);
            break;
        case Tab::Needs:
            drawNeeds(ui);
            break;
        case Tab::Assistance:
            drawAssistance(ui);
            break;
        case Tab::Referrals:
            drawReferrals(ui);
            break;
        case Tab::Notes:
            drawNotes(ui);
            break;
    }
    ImGui::Dummy(ImVec2(0.f, ui.px(ui.theme.spacing) * 2.f));
    endScrollArea(ui);
}

void CaseViewScreen::drawHeader(Ui& ui) {
    const Data& d = *m_data;
    const bool hasCase = d.hasCase;
    const std::string assistLabel = fmt::format("{}  {}", icon::kPlus, ui.tr("case.assist"));
    const std::string referLabel = fmt::format("{}  {}", icon::kShare, ui.tr("case.refer"));
    ImGui::PushFont(ui.fonts.bold);
    const float pad = ui.px(ui.theme.spacing);
    // What button() makes of two labels: text plus 2.5 paddings each, and the spacing between them.
    const float buttonsWidth = ImGui::CalcTextSize(assistLabel.c_str()).x + ImGui::CalcTextSize(referLabel.c_str()).x +
                               pad * 5.f + ImGui::GetStyle().ItemSpacing.x;
    ImGui::PopFont();
    const ImVec2 start = ImGui::GetCursorPos();
    const float width = ImGui::GetContentRegionAvail().x;
    const bool enabled = hasCase && !m_saving;
    const auto buttons = [&] {
        if (button(ui, assistLabel, "case.assist", ImVec2(0.f, 0.f), Tone::Primary, enabled)) m_intent = Intent::Assist;
        ImGui::SameLine();
        if (button(ui, referLabel, "case.refer", ImVec2(0.f, 0.f), Tone::Primary, enabled)) m_intent = Intent::Refer;
    };
    const auto nameAndCode = [&](float wrapAt) {
        ImGui::PushTextWrapPos(wrapAt);
        const std::string name = casework::fullName(d.person);
        ImGui::PushFont(ui.fonts.heading);
        ImGui::TextUnformatted(name.c_str());
        ImGui::PopFont();
        ui.probe.text(name);
        std::string line = fill(ui.tr("case.header.code"), {d.person.caseCode});
        if (hasCase) {
            const auto& c = d.file.record;
            line += fmt::format(
                "{}{}{}{}", casework::kSeparator, casework::vocabLabel(ui, "case_statuses", c.status),
                casework::kSeparator,
                fill(ui.tr("case.header.priority"), {casework::vocabLabel(ui, "case_priorities", c.priority)}));
        }
        ImGui::PushStyleColor(ImGuiCol_Text, ui.theme.mutedText);
        ImGui::TextUnformatted(line.c_str());
        ImGui::PopStyleColor();
        ui.probe.text(line);
        ImGui::PopTextWrapPos();
    };
    if (buttonsWidth > width * 0.5f) {
        // Large text on a narrow screen: the name across the width, the
        // buttons under it, so the sections below keep their room.
        nameAndCode(start.x + width);
        buttons();
    } else {
        // Buttons on the right first, then the name and code wrapping in the room left of them.
        ImGui::SetCursorPos(ImVec2(start.x + width - buttonsWidth, start.y));
        buttons();
        const float belowButtons = ImGui::GetCursorPosY();
        ImGui::SetCursorPos(start);
        nameAndCode(start.x + width - buttonsWidth - pad);
        if (ImGui::GetCursorPosY() < belowButtons) ImGui::SetCursorPosY(belowButtons);
    }
    if (m_saving)
        muted(ui, ui.tr("case.saving"));
    else if (m_loading)
        muted(ui, ui.tr("case.loading"));
    if (m_message != nullptr) {
        const std::string shown =
            fmt::format("{}  {}", m_messageIsError ? icon::kWarning : icon::kCheck, ui.tr(m_message));
        if (m_messageIsError)
            errorText(ui, shown);
        else
            successText(ui, shown);
    }
    if (m_loadError != nullptr) errorText(ui, fmt::format("{}  {}", icon::kWarning, ui.tr(m_loadError)));
}

void CaseViewScreen::drawTabs(Ui& ui) {
    const Data& d = *m_data;
    struct TabInfo {
        Tab tab;
        const char* key;
        const char* textKey;
        int count;  // -1: no count shown
    };
    const TabInfo tabs[] = {
        {Tab::Profile, "case.tab.profile", "case.tab.profile", -1},
        {Tab::Household, "case.tab.household", "case.tab.household", static_cast<int>(d.household.size())},
        {Tab::Needs, "case.tab.needs", "case.tab.needs", -1},
        {Tab::Assistance, "case.tab.assistance", "case.tab.assistance", static_cast<int>(d.file.assistance.size())},
        {Tab::Referrals, "case.tab.referrals", "case.tab.referrals", static_cast<int>(d.file.referrals.size())},
        {Tab::Notes, "case.tab.notes", "case.tab.notes", static_cast<int>(d.file.notes.size())},
    };
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float width = (ImGui::GetContentRegionAvail().x - spacing * 5.f) / 6.f;
    ImGui::Dummy(ImVec2(0.f, ui.px(4.f)));
    for (std::size_t i = 0; i < std::size(tabs); ++i) {
        if (i > 0) ImGui::SameLine();
        const TabInfo& t = tabs[i];
        const std::string shown =
            t.count > 0 ? fmt::format("{} ({})", ui.tr(t.textKey), t.count) : std::string(ui.tr(t.textKey));
        if (button(ui, shown, t.key, ImVec2(width, 0.f), m_tab == t.tab ? Tone::Primary : Tone::Secondary)) {
            m_intent = Intent::Tab;
            m_tappedTab = t.tab;
        }
    }
    ImGui::Dummy(ImVec2(0.f, ui.px(4.f)));
}

void CaseViewScreen::drawNoCase(Ui& ui) {
    banner(ui, icon::kInfo, ui.tr("case.no_case"));
    if (button(ui, fmt::format("{}  {}", icon::kPlus, ui.tr("case.open")), "case.open", ImVec2(0.f, 0.f), Tone::Primary,
               !m_saving))
        m_intent = Intent::OpenForm;
    ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));
    beginScrollArea(ui, "case.scroll.no_case", ImVec2(0.f, ImGui::GetContentRegionAvail().y));
    drawProfile(ui);
    // Members added in the household's short form have no case yet: their
    // household is reached here.
    ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));
    heading(ui, ui.tr("case.tab.household"));
    drawHousehold(ui);
    endScrollArea(ui);
}

std::string CaseViewScreen::staffName(Ui& ui, const std::string& staffId) const {
    auto it = m_data->staffNames.find(staffId);
    return it != m_data->staffNames.end() ? it->second : std::string(ui.tr("case.staff_unknown"));
}

std::string CaseViewScreen::serviceName(Ui& ui, const std::string& serviceId) const {
    auto it = m_data->services.find(serviceId);
    if (it == m_data->services.end()) return fill(ui.tr("case.referral.unknown_service"), {serviceId});
    const auto& names = it->second.names;
    for (const std::string& lang : {m_ctx.i18n.language(), std::string("es")}) {
        auto name = names.find(lang);
        if (name != names.end() && !name->second.empty()) return name->second;
    }
    return names.empty() ? serviceId : names.begin()->second;
}

void CaseViewScreen::afterDraw() {
    const Intent intent = m_intent;
    m_intent = Intent::None;
    if (intent == Intent::None) return;
    act(intent);
    m_intentArg.clear();
    m_intentArg2.clear();
}

void CaseViewScreen::act(Intent intent) {
    switch (intent) {
        case Intent::None:
            break;
        case Intent::Retry:
            load();
            break;
        case Intent::Tab:
            if (!leaveAllowed(Leave::Tab)) {
                m_pendingTab = m_tappedTab;
                break;
            }
            m_tab = m_tappedTab;
            m_message = nullptr;
            m_change.reset();
            closeForms();
            break;
        case Intent::Assist:
            m_tab = Tab::Assistance;
            m_ctx.nav.go(ScreenId::Assistance);
            break;
        case Intent::Refer:
            m_tab = Tab::Referrals;
            m_ctx.nav.go(ScreenId::Referral);
            break;
        case Intent::ShowSensitive:
            m_showSensitive = true;
            break;
        case Intent::HideSensitive:
            m_showSensitive = false;
            break;
        case Intent::ShowMember:
            if (!leaveAllowed(Leave::Member)) {
                m_pendingMember = m_intentArg;
                break;
            }
            m_pendingMember.clear();
            m_ctx.selection.clear();
            m_ctx.selection.personId = m_intentArg;
            onEnter();
            break;
        default:
            actOnCase(intent);
            break;
    }
}

}  // namespace chasqui::kiosk
