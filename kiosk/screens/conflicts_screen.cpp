#include "kiosk/screens/conflicts_screen.hpp"

#include <fmt/format.h>

#include "kiosk/screens/supervisor_common.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/text.hpp"
#include "storage/records/element_set.hpp"

namespace chasqui::kiosk {

namespace {

// Fields whose values are codes of a list: shown with the list's words.
std::string_view listOfField(std::string_view entity, std::string_view field) {
    if (field == "sex") return "sexes";
    if (field == "doc_type") return "document_types";
    if (field == "population_type") return "population_types";
    if (field == "migration_status") return "migration_statuses";
    if (field == "relation_to_head") return "relations_to_head";
    if (field == "nationality") return "nationalities";
    if (field == "priority") return "case_priorities";
    if (field == "urgency") return "referral_urgencies";
    if (field == "sector") return "sectors";
    if (field == "unit") return "assistance_units";
    if (field == "role") return "roles";
    if (field == "type" && entity == "assistance") return "assistance_types";
    if (field == "status") return entity == "case" ? "case_statuses" : "referral_statuses";
    // Sets of codes (storage/records/element_set.hpp): each code with its word.
    if (field == "needs") return "sectors";
    if (field == "vulnerabilities") return "vulnerabilities";
    if (field == "consent_scope") return "consent_scopes";
    if (field == "languages") return "languages";
    return {};
}

bool isYesNo(std::string_view field) {
    return field == "consent_given" || field == "consent_to_share" || field == "active" ||
           field == "birth_date_estimated" || field == "deleted";
}

bool isDate(std::string_view value) {
    return value.size() == 10 && value[4] == '-' && value[7] == '-';
}

std::string shownValue(const Ui& ui, const ConflictView& c, const std::string& value) {
    if (value.empty()) return ui.tr("conflict.empty_value");
    if (isYesNo(c.field)) return ui.tr(value == "0" ? "conflict.no" : "conflict.yes");
    if (const std::string_view list = listOfField(c.entity, c.field); !list.empty()) {
        if (!storage::isSetColumn(c.entity, c.field)) return super::vocabLabel(ui, list, value);
        // Conflicts on sets come only from before sets merged element by element.
        std::string words;
        for (const auto& code : storage::splitCodes(value))
            words += (words.empty() ? "" : ", ") + super::vocabLabel(ui, list, code);
        return words;
    }
    if (isDate(value)) return fmt::format("{}/{}/{}", value.substr(8, 2), value.substr(5, 2), value.substr(0, 4));
    return value;
}

std::string recordTitle(const Ui& ui, const ConflictView& c) {
    if (!c.caseCode.empty()) return fmt::format("{}  {}  ·  {}", icon::kUser, c.caseCode, c.personName);
    const std::string entity = super::labelOr(ui, "conflict.entity." + c.entity, c.entity);
    if (!c.recordLabel.empty()) return fmt::format("{}  {}  ·  {}", icon::kFile, entity, c.recordLabel);
    return fmt::format("{}  {}", icon::kFile, entity);
}

std::string whoText(const Ui& ui, const ConflictSide& side) {
    std::string who;
    if (!side.staffName.empty())
        who = fill(ui.tr("conflict.by"), {fmt::format("{} ({})", side.staffName, side.staffLogin)});
    else
        who = ui.tr("conflict.by_unknown");
    return who;
}

std::string whereText(const Ui& ui, const ConflictSide& side) {
    const std::string when =
        side.atMs > 0 ? fill(ui.tr("conflict.at"), {super::localDateTime(side.atMs)}) : std::string();
    const char* where = ui.tr(side.thisDevice ? "conflict.this_kiosk" : "conflict.other_kiosk");
    return when.empty() ? std::string(where) : fmt::format("{} · {}", when, where);
}

}  // namespace

void ConflictsScreen::onEnter() {
    m_confirm.reset();
    m_resolved = false;
    m_error.reset();
    load();
}

void ConflictsScreen::dropPersonalData() {
    ++m_generation;
    m_conflicts.clear();
    m_confirm.reset();
    m_tapped.reset();
    m_error.reset();
    m_loading = m_loaded = m_resolving = m_resolved = false;
}

bool ConflictsScreen::holdsPersonalData() const {
    return !m_conflicts.empty() || m_confirm.has_value() || m_tapped.has_value();
}

void ConflictsScreen::load() {
    if (!m_ctx.session.isSupervisor()) return;
    m_loading = true;
    const std::uint64_t generation = ++m_generation;
    m_ctx.tasks.post([this, generation]() -> TaskRunner::Continuation {
        storage::Result<std::vector<ConflictView>> result = m_service.listOpen();
        return [this, generation, result = std::move(result)]() mutable {
            if (generation != m_generation) return;
            m_loading = false;
            m_loaded = true;
            if (result)
                m_conflicts = std::move(*result);
            else
                m_error = result.error();
        };
    });
}

void ConflictsScreen::resolve(const Decision& decision) {
    m_resolving = true;
    m_resolved = false;
    m_error.reset();
    const std::uint64_t generation = ++m_generation;
    m_ctx.tasks.post([this, generation, decision]() -> TaskRunner::Continuation {
        storage::Result<void> result = m_service.resolve(decision.id, decision.choice);
        return [this, generation, result = std::move(result)] {
            if (generation != m_generation) return;
            m_resolving = false;
            m_confirm.reset();
            if (result)
                m_resolved = true;
            else
                m_error = result.error();
            load();
        };
    });
}

const ConflictView* ConflictsScreen::find(const std::string& id) const {
    for (const auto& c : m_conflicts)
        if (c.id == id) return &c;
    return nullptr;
}

void ConflictsScreen::drawContent(Ui& ui) {
    if (super::drawRefusal(ui, m_ctx.session, m_back)) return;
    const float pad = ui.px(ui.theme.spacing);
    if (m_confirm) {
        if (const ConflictView* c = find(m_confirm->id)) {
            drawConfirmation(ui, *c);
            return;
        }
    }
    heading(ui, fmt::format("{}  {}", icon::kCodeFork, ui.tr("conflict.heading")));
    muted(ui, ui.tr("conflict.intro"));
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
    if (m_resolved) successText(ui, fmt::format("{}  {}", icon::kCheck, ui.tr("conflict.done")));
    if (m_error) {
        const bool gone = m_error->code == storage::ErrorCode::NotFound;
        banner(ui, icon::kWarning, gone ? ui.tr("conflict.error.gone") : super::errorText(ui, *m_error), Tone::Danger);
    }
    if (m_loading && !m_loaded) {
        super::workingBanner(ui, ui.tr("conflict.loading"));
        return;
    }
    if (m_loaded && m_conflicts.empty() && !m_loading) {
        ImGui::Dummy(ImVec2(0.f, pad));
        banner(ui, icon::kCheck, ui.tr("conflict.empty"));
        return;
    }
    if (!m_conflicts.empty()) label(ui, fill(ui.tr("conflict.count"), {std::to_string(m_conflicts.size())}));
    beginScrollArea(ui, "conflict.list", ImVec2(0.f, ImGui::GetContentRegionAvail().y));
    for (const auto& c : m_conflicts) {
        ImGui::PushID(c.id.c_str());
        drawConflict(ui, c);
        ImGui::PopID();
        ImGui::Dummy(ImVec2(0.f, pad));
    }
    endScrollArea(ui);
}

void ConflictsScreen::drawConflict(Ui& ui, const ConflictView& c) {
    label(ui, recordTitle(ui, c));
    muted(ui, fill(ui.tr("conflict.field_is"), {super::labelOr(ui, "conflict.field." + c.field, c.field)}));
    const float pad = ui.px(ui.theme.spacing);
    ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(pad, pad * 0.75f));
    ImGui::PushStyleColor(ImGuiCol_TableBorderStrong, ui.theme.border);
    ImGui::PushStyleColor(ImGuiCol_TableBorderLight, ui.theme.border);
    if (ImGui::BeginTable(
            "##sides", 2,
            ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchSame)) {
        const auto side = [&](const ConflictSide& s, bool current) {
            ImGui::TableNextColumn();
            ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, toU32(ui.theme.surface));
            // Starts each side on a fresh line: the table would otherwise give
            // the second side the first side's button baseline, one step lower.
            ImGui::Dummy(ImVec2(0.f, 0.f));
            muted(ui, ui.tr(current ? "conflict.current" : "conflict.other"));
            ImGui::PushFont(ui.fonts.heading);
            text(ui, shownValue(ui, c, s.value));
            ImGui::PopFont();
            text(ui, whoText(ui, s));
            muted(ui, whereText(ui, s));
            ImGui::Dummy(ImVec2(0.f, pad * 0.25f));
            const std::string key = fmt::format("conflict.{}.{}", c.id, current ? "keep_current" : "keep_other");
            if (button(ui, fmt::format("{}  {}", icon::kCheck, ui.tr("conflict.keep_this")), key.c_str(),
                       ImVec2(ImGui::GetContentRegionAvail().x, 0.f), current ? Tone::Secondary : Tone::Primary,
                       !m_resolving))
                m_tapped = Decision{c.id, current ? ConflictChoice::KeepCurrent : ConflictChoice::KeepOther};
        };
        side(c.kept, true);
        side(c.lost, false);
        ImGui::EndTable();
    }
    ImGui::PopStyleColor(2);
    ImGui::PopStyleVar();
}

void ConflictsScreen::drawConfirmation(Ui& ui, const ConflictView& c) {
    const float pad = ui.px(ui.theme.spacing);
    super::beginColumn(ui, "conflict.confirm", 1200.f);
    const float width = ImGui::GetContentRegionAvail().x;
    ImGui::Dummy(ImVec2(0.f, pad));
    heading(ui, fmt::format("{}  {}", icon::kCodeFork, ui.tr("conflict.confirm.title")));
    label(ui, recordTitle(ui, c));
    muted(ui, fill(ui.tr("conflict.field_is"), {super::labelOr(ui, "conflict.field." + c.field, c.field)}));
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
    const bool other = m_confirm->choice == ConflictChoice::KeepOther;
    const std::string kept = shownValue(ui, c, c.kept.value);
    const std::string lost = shownValue(ui, c, c.lost.value);
    banner(ui, icon::kInfo,
           other ? fill(ui.tr("conflict.confirm.keep_other"), {lost, kept})
                 : fill(ui.tr("conflict.confirm.keep_current"), {kept, lost}));
    ImGui::Dummy(ImVec2(0.f, pad));
    if (m_resolving) {
        super::workingBanner(ui, ui.tr("conflict.saving"));
    } else {
        const float half = (width - pad) * 0.5f;
        if (button(ui, fmt::format("{}  {}", icon::kCheck, ui.tr("conflict.confirm.yes")), "conflict.confirm.yes",
                   ImVec2(half, ui.px(88.f))))
            m_yes = true;
        ImGui::SameLine(0.f, pad);
        if (button(ui, fmt::format("{}  {}", icon::kClose, ui.tr("conflict.confirm.no")), "conflict.confirm.no",
                   ImVec2(half, ui.px(88.f)), Tone::Secondary))
            m_no = true;
    }
    super::endColumn();
}

void ConflictsScreen::afterDraw() {
    if (m_back) m_ctx.nav.back();
    m_back = false;
    if (m_tapped && !m_resolving) {
        m_confirm = m_tapped;
        m_resolved = false;
        m_error.reset();
    }
    m_tapped.reset();
    if (m_no && !m_resolving) m_confirm.reset();
    if (m_yes && m_confirm && !m_resolving) resolve(*m_confirm);
    m_yes = m_no = false;
}

}  // namespace chasqui::kiosk
