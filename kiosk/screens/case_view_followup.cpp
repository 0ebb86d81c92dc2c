// Case view: assistance history, referrals with their status history and the
// next steps they allow, and notes.
#include <algorithm>

#include <fmt/format.h>
#include <imgui.h>

#include "kiosk/screens/case_text.hpp"
#include "kiosk/screens/case_view_screen.hpp"
#include "kiosk/screens/case_widgets.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/text.hpp"
#include "storage/base/vocabulary.hpp"

namespace chasqui::kiosk {

namespace {

using casework::vocabLabel;

constexpr std::size_t kNoteMaxBytes = 4000;     // storage allows 4000 characters; bytes are never more
constexpr std::size_t kCommentMaxBytes = 1000;  // storage allows 1000 characters
constexpr const char* kDot = casework::kSeparator;

std::string quantityText(double quantity) {
    return fmt::format("{:g}", quantity);
}

// Next steps are offered in this order: the way forward first, then the way out.
constexpr const char* kStepOrder[] = {"accepted", "in_progress", "completed", "rejected", "cancelled"};

}  // namespace

void CaseViewScreen::drawAssistance(Ui& ui) {
    const auto& rows = m_data->file.assistance;  // newest first
    if (rows.empty()) {
        muted(ui, ui.tr("case.assistance.none"));
        return;
    }
    // The kiosk's colours, not ImGui's: a pale header, white rows, thin rules.
    ImGui::PushStyleColor(ImGuiCol_TableRowBg, ui.theme.surface);
    ImGui::PushStyleColor(ImGuiCol_TableRowBgAlt, ui.theme.surface);
    ImGui::PushStyleColor(ImGuiCol_TableBorderLight, ui.theme.secondaryActive);
    ImGui::PushStyleColor(ImGuiCol_TableBorderStrong, ui.theme.secondaryActive);
    ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(ui.px(14.f), ui.px(12.f)));
    const bool open =
        ImGui::BeginTable("###case.assistance.table", 5,
                          ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_BordersOuter |
                              ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_PadOuterX);
    const auto pop = [] {
        ImGui::PopStyleVar();
        ImGui::PopStyleColor(4);
    };
    if (!open) {
        pop();
        return;
    }
    ImGui::TableSetupColumn("###date", ImGuiTableColumnFlags_WidthStretch, 0.8f);
    ImGui::TableSetupColumn("###sector", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("###type", ImGuiTableColumnFlags_WidthStretch, 1.4f);
    ImGui::TableSetupColumn("###quantity", ImGuiTableColumnFlags_WidthStretch, 0.8f);
    ImGui::TableSetupColumn("###staff", ImGuiTableColumnFlags_WidthStretch, 1.f);
    ImGui::TableNextRow(ImGuiTableRowFlags_None, ui.px(48.f));
    ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, toU32(ui.theme.secondary));
    for (const char* key : {"case.assistance.date", "case.assistance.sector", "case.assistance.type",
                            "case.assistance.quantity", "case.assistance.by"}) {
        ImGui::TableNextColumn();
        label(ui, ui.tr(key));
    }
    for (const auto& a : rows) {
        ImGui::TableNextRow(ImGuiTableRowFlags_None, ui.px(56.f));
        ImGui::TableNextColumn();
        text(ui, casework::displayDate(a.date));
        // Assistance in a sensitive sector says as much as the sector itself
        // (its type too: "GBV case management"): a neutral button until staff
        // tap it, which shows every sensitive word of the case (needs tab too).
        ImGui::TableNextColumn();
        if (storage::vocab::sensitiveSector(a.sector) && !m_showSensitive) {
            const std::string key = "case.assistance." + a.meta.id + ".sensitive";
            if (button(ui, fmt::format("{}  {}", icon::kLock, ui.tr("case.sensitive.word")), key.c_str(),
                       ImVec2(0.f, ui.theme.minTouch), Tone::Secondary))
                m_intent = Intent::ShowSensitive;
            ImGui::TableNextColumn();
            muted(ui, "\xe2\x80\x94");  // an em dash: the type is hidden with the sector
        } else {
            text(ui, vocabLabel(ui, "sectors", a.sector));
            ImGui::TableNextColumn();
            text(ui, vocabLabel(ui, "assistance_types", a.type));
        }
        ImGui::TableNextColumn();
        text(ui, fmt::format("{} {}", quantityText(a.quantity), vocabLabel(ui, "assistance_units", a.unit)));
        ImGui::TableNextColumn();
        text(ui, staffName(ui, a.staffId));
    }
    ImGui::EndTable();
    pop();
}

void CaseViewScreen::drawReferrals(Ui& ui) {
    const auto& referrals = m_data->file.referrals;  // oldest first
    if (referrals.empty()) {
        muted(ui, ui.tr("case.referrals.none"));
        return;
    }
    for (const std::size_t i : m_data->referralOrder) drawReferral(ui, referrals[i]);
}

void CaseViewScreen::drawReferral(Ui& ui, const storage::Referral& r) {
    ImGui::PushID(r.meta.id.c_str());
    casework::Card card(ui);
    ImGui::PushFont(ui.fonts.heading);
    card.paragraph(fmt::format("{}  {}", icon::kShare, serviceName(ui, r.serviceId)));
    ImGui::PopFont();
    if (auto it = m_data->services.find(r.serviceId); it != m_data->services.end()) {
        std::string where = it->second.organization;
        if (!it->second.districtName.empty()) where += kDot + it->second.districtName;
        card.paragraph(where, true);
    }
    {
        casework::Chips chips(ui, card.innerWidth());
        chips.add(vocabLabel(ui, "referral_statuses", r.status), true);
        chips.add(fill(ui.tr("case.referral.urgency"), {vocabLabel(ui, "referral_urgencies", r.urgency)}),
                  r.urgency == "high" || r.urgency == "emergency");
        chips.add(ui.tr(r.consentToShare ? "case.referral.consent_yes" : "case.referral.consent_no"));
        if (!r.followUpDate.empty())
            chips.add(fill(ui.tr("case.referral.follow_up"), {casework::displayDate(r.followUpDate)}));
    }
    card.paragraph(fill(ui.tr("case.referral.reason"), {r.reason}));
    if (!r.outcome.empty()) card.paragraph(fill(ui.tr("case.referral.outcome"), {r.outcome}));

    ImGui::Dummy(ImVec2(0.f, ui.px(4.f)));
    label(ui, ui.tr("case.referral.history"));
    for (const auto& step : r.history) {
        card.paragraph(fmt::format("{}  {}{}{}{}{}", icon::kCheck, casework::displayDate(step.date), kDot,
                                   vocabLabel(ui, "referral_statuses", step.status), kDot,
                                   staffName(ui, step.staffId)));
        if (!step.comment.empty()) card.paragraph(fmt::format("      “{}”", step.comment), true);
    }

    if (m_change && m_change->referralId == r.meta.id) {
        ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));
        if (m_change->scrollTo) {
            ImGui::SetScrollHereY(0.2f);
            m_change->scrollTo = false;
        }
        const std::string today = storage::isoDate(m_ctx.clock.nowMs());
        ImGui::PushFont(ui.fonts.bold);
        card.paragraph(fill(ui.tr("case.referral.confirm_question"),
                            {vocabLabel(ui, "referral_statuses", m_change->status), casework::displayDate(today)}));
        ImGui::PopFont();
        textField(ui, ui.tr("case.referral.comment"), "case.referral.comment", m_change->comment, EntryMode::Text,
                  kCommentMaxBytes, {}, card.innerWidth());
        casework::keepInSight(ui, "case.referral.comment", m_scrolledFor);
        if (button(ui, fmt::format("{}  {}", icon::kCheck, ui.tr("case.referral.confirm")), "case.referral.confirm",
                   ImVec2(0.f, 0.f), Tone::Primary, !m_saving))
            m_intent = Intent::ConfirmStatus;
        ImGui::SameLine();
        if (button(ui, ui.tr("case.referral.keep"), "case.referral.keep", ImVec2(0.f, 0.f), Tone::Secondary, !m_saving))
            m_intent = Intent::KeepStatus;
    } else if (storage::vocab::referralOpen(r.status)) {
        ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));
        label(ui, ui.tr("case.referral.next"));
        bool first = true;
        for (const char* status : kStepOrder) {
            if (!storage::vocab::referralTransitionAllowed(r.status, status)) continue;
            if (!first) ImGui::SameLine();
            first = false;
            const std::string key = fmt::format("case.referral.{}.{}", r.meta.id, status);
            const bool forward = std::string_view(status) != "rejected" && std::string_view(status) != "cancelled";
            if (button(ui, ui.tr(fmt::format("case.referral.step.{}", status)), key.c_str(), ImVec2(0.f, 0.f),
                       forward ? Tone::Primary : Tone::Secondary, !m_saving)) {
                m_intent = Intent::AskStatus;
                m_intentArg = r.meta.id;
                m_intentArg2 = status;
            }
        }
    } else {
        ImGui::Dummy(ImVec2(0.f, ui.px(4.f)));
        card.paragraph(ui.tr("case.referral.closed"), true);
    }
    card.end();
    ImGui::PopID();
}

void CaseViewScreen::drawNotes(Ui& ui) {
    textField(ui, ui.tr("case.note.new"), "case.note.text", m_noteText, EntryMode::Text, kNoteMaxBytes,
              m_noteError != nullptr ? ui.tr(m_noteError) : "");
    if (button(ui, fmt::format("{}  {}", icon::kNote, ui.tr("case.note.save")), "case.note.save", ImVec2(0.f, 0.f),
               Tone::Primary, !m_saving))
        m_intent = Intent::SaveNote;
    muted(ui, ui.tr("case.note.confidential"));
    ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));
    const auto& notes = m_data->file.notes;  // newest first
    if (notes.empty()) muted(ui, ui.tr("case.notes.none"));
    for (const auto& note : notes) {
        ImGui::PushID(note.meta.id.c_str());
        casework::Card card(ui);
        card.paragraph(
            fmt::format("{}  {}{}{}", icon::kNote, casework::displayDate(storage::isoDate(note.meta.createdAt)), kDot,
                        staffName(ui, note.meta.author)),
            true);
        card.paragraph(note.text);
        card.end();
        ImGui::PopID();
    }
}

void CaseViewScreen::actOnFollowUp(Intent intent) {
    switch (intent) {
        case Intent::SaveNote: {
            const std::string text = casework::trimmed(m_noteText);
            m_noteError = text.empty() ? "case.note.error.empty" : nullptr;
            if (m_noteError != nullptr || !m_data || !m_data->hasCase) return;
            storage::Note note;
            note.caseId = m_data->file.record.meta.id;
            note.text = text;
            submit([note](CaseService& cases) { return cases.addNote(note); }, "case.note.done",
                   [this](const std::string&) { m_noteText.clear(); });
            break;
        }
        case Intent::AskStatus:
            m_change = StatusChange{m_intentArg, m_intentArg2, {}, true};
            m_message = nullptr;
            break;
        case Intent::KeepStatus:
            m_change.reset();
            break;
        case Intent::ConfirmStatus: {
            if (!m_change) return;
            const std::string id = m_change->referralId;
            const std::string status = m_change->status;
            const std::string comment = casework::trimmed(m_change->comment);
            const std::string today = storage::isoDate(m_ctx.clock.nowMs());
            submit([id, status, comment,
                    today](CaseService& cases) { return cases.setReferralStatus(id, status, today, comment); },
                   "case.referral.done", [this](const std::string&) { m_change.reset(); });
            break;
        }
        default:
            actOnEdit(intent);
            break;
    }
}

}  // namespace chasqui::kiosk
