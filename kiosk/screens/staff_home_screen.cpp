#include "kiosk/screens/staff_home_screen.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "kiosk/screens/staff_text.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/clock.hpp"

namespace chasqui::kiosk {

namespace {

constexpr std::size_t kMaxQuery = 80;
constexpr const char* kSearchKey = "home.search";

}  // namespace

void StaffHomeScreen::onEnter() {
    m_intent = Intent::None;
    m_tapped.clear();
    m_opening = false;
    // Cleared between people: a case opened since the home was last shown
    // (from a result, after a registration, from a duplicate candidate)
    // means the person at the desk was found, and whoever comes next must
    // not see their name in the search. Going back from an abandoned
    // registration keeps the search: the same person is still there.
    if (!m_ctx.selection.personId.empty()) {
        clearSearch();
        m_ctx.selection.clear();
    }
    // Back from a registration: the list may have changed.
    if (StaffSearchService::searchable(m_query))
        search();
    else
        m_focusSearch = true;
    askForDraft();
}

void StaffHomeScreen::askForDraft() {
    m_draftInitial.clear();
    m_ctx.tasks.post([this]() -> TaskRunner::Continuation {
        auto found = m_registration.draft();
        std::string initial;
        if (found && *found) {
            initial = reg::draftInitial(**found);
            (*found)->wipe();
        }
        return [this, initial] {
            if (m_ctx.session.signedIn) m_draftInitial = initial;
        };
    });
}

void StaffHomeScreen::drawDraftOffer(Ui& ui) {
    if (m_draftInitial.empty()) return;
    // An unfinished registration of this staff member's (from before a lock
    // or a sign-out): only the first letter of the name, never more.
    banner(ui, icon::kUserPlus, fill(ui.tr("home.draft"), {m_draftInitial}));
    if (button(ui, ui.tr("home.draft.continue"), "home.draft.continue", ImVec2(0.f, 0.f), Tone::Primary))
        m_intent = Intent::Register;
    ImGui::SameLine();
    if (button(ui, ui.tr("home.draft.discard"), "home.draft.discard", ImVec2(0.f, 0.f), Tone::Secondary))
        m_intent = Intent::DiscardDraft;
}

void StaffHomeScreen::drawContent(Ui& ui) {
    if (m_focusSearch) {
        ui.entry.focus(kSearchKey, &m_query, EntryMode::Text, kMaxQuery);
        m_focusSearch = false;
    }
    const float width = ImGui::GetContentRegionAvail().x;
    const float pad = ui.px(ui.theme.spacing);
    drawDraftOffer(ui);

    const bool supervisor = m_ctx.session.isSupervisor();
    const std::string registerText = fmt::format("{}  {}", icon::kUserPlus, ui.tr("home.register"));
    const std::string supervisorText = fmt::format("{}  {}", icon::kCog, ui.tr("home.supervisor"));
    ImGui::PushFont(ui.fonts.bold);
    const float registerWidth = ImGui::CalcTextSize(registerText.c_str()).x + pad * 3.f;
    const float supervisorWidth = supervisor ? ImGui::CalcTextSize(supervisorText.c_str()).x + pad * 3.f : 0.f;
    const std::string searchLabel = fmt::format("{}  {}", icon::kSearch, ui.tr("home.search_label"));
    const float searchLabelWidth = ImGui::CalcTextSize(searchLabel.c_str()).x;
    ImGui::PopFont();
    const float buttonsWidth = registerWidth + (supervisor ? supervisorWidth + pad : 0.f);
    // Beside the field only when the field's label fits above the field: the
    // label is not wrapped, and a wider one pushed the buttons off the screen.
    const bool oneRow = buttonsWidth < width * 0.45f && searchLabelWidth <= width - buttonsWidth - pad * 2.f;
    // With large text the buttons take a row of their own; while typing that
    // row goes so the results keep their room.
    const bool showButtons = oneRow || !ui.entry.isOpen();
    const float fieldWidth = oneRow ? width - buttonsWidth - pad : width;

    ImGui::BeginGroup();
    if (textField(ui, searchLabel, kSearchKey, m_query, EntryMode::Text, kMaxQuery, {}, fieldWidth))
        m_queryChanged = true;
    ImGui::EndGroup();
    const float fieldBottom = ImGui::GetItemRectMax().y;
    if (oneRow) {
        ImGui::SameLine(0.f, pad);
        // Level with the field, not with its label.
        ImGui::SetCursorScreenPos(ImVec2(ImGui::GetCursorScreenPos().x,
                                         fieldBottom - std::max(ui.theme.minTouch, ui.px(ui.theme.buttonHeight))));
    }
    if (showButtons) {
        if (button(ui, registerText, "home.register", ImVec2(registerWidth, 0.f))) m_intent = Intent::Register;
        if (supervisor) {
            ImGui::SameLine(0.f, pad);
            if (button(ui, supervisorText, "home.supervisor", ImVec2(supervisorWidth, 0.f), Tone::Secondary))
                m_intent = Intent::Supervisor;
        }
    }
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));

    if (!StaffSearchService::searchable(m_query)) {
        muted(ui, ui.tr(m_query.empty() ? "home.search_hint" : "home.search_more"));
    } else if (m_failed) {
        banner(ui, icon::kWarning, ui.tr("home.search_failed"), Tone::Danger);
    } else if (m_searching && m_results.empty()) {
        muted(ui, fmt::format("{}  {}", icon::kClock, ui.tr("home.searching")));
    } else if (m_results.empty()) {
        banner(ui, icon::kInfo, fill(ui.tr("home.no_results"), {m_resultsFor}));
    } else if (m_results.size() >= StaffSearchService::kResultLimit) {
        muted(ui, fill(ui.tr("home.results_many"), {std::to_string(m_results.size())}));
    } else {
        muted(ui, fill(ui.tr(m_results.size() == 1 ? "home.results_one" : "home.results_count"),
                       {std::to_string(m_results.size())}));
    }
    if (m_opening) muted(ui, fmt::format("{}  {}", icon::kClock, ui.tr("home.opening")));

    if (!m_results.empty()) drawResults(ui, ImGui::GetContentRegionAvail().y);
}

void StaffHomeScreen::drawResults(Ui& ui, float height) {
    beginScrollArea(ui, "home.results", ImVec2(0.f, height));
    const std::string today = storage::isoDate(ui.nowMs);
    for (const Result& row : m_results) {
        std::vector<std::string> parts;
        parts.push_back(row.caseCode);
        if (!row.birthDate.empty()) {
            const auto age = staff::ageOn(row.birthDate, today);
            parts.push_back(
                age ? fill(ui.tr("home.born_age"), {staff::displayDate(row.birthDate), std::to_string(*age)})
                    : fill(ui.tr("home.born"), {staff::displayDate(row.birthDate)}));
        }
        if (!row.nationality.empty()) parts.push_back(staff::countryLabel(ui, row.nationality));
        if (!row.docNumber.empty())
            parts.push_back(fmt::format("{} {}", staff::vocabLabel(ui, "document_types", row.docType), row.docNumber));
        std::string subtitle;
        for (const auto& part : parts) {
            if (!subtitle.empty()) subtitle += staff::kSeparator;
            subtitle += part;
        }
        const std::string key = "home.result." + row.personId;
        if (listRow(ui, key.c_str(), row.name, subtitle, icon::kUser) && !m_opening) m_tapped = row.personId;
    }
    endScrollArea(ui);
}

void StaffHomeScreen::afterDraw() {
    if (m_queryChanged) {
        m_queryChanged = false;
        search();
    }
    if (!m_tapped.empty()) {
        auto it =
            std::find_if(m_results.begin(), m_results.end(), [&](const Result& r) { return r.personId == m_tapped; });
        if (it != m_results.end()) open(*it);
        m_tapped.clear();
    }
    switch (m_intent) {
        case Intent::Register:
            m_ctx.nav.go(ScreenId::Register);
            break;
        case Intent::Supervisor:
            m_ctx.nav.go(ScreenId::SupervisorHome);
            break;
        case Intent::DiscardDraft:
            m_draftInitial.clear();
            m_ctx.tasks.post([this]() -> TaskRunner::Continuation {
                (void)m_registration.dropDraft();  // if it fails, it is offered again: noticed, not lost
                return {};
            });
            break;
        case Intent::None:
            break;
    }
    m_intent = Intent::None;
}

void StaffHomeScreen::search() {
    const std::uint64_t generation = ++m_generation;
    m_failed = false;
    if (!StaffSearchService::searchable(m_query)) {
        m_results.clear();
        m_resultsFor.clear();
        m_searching = false;
        return;
    }
    m_searching = true;
    m_ctx.tasks.post([this, query = m_query, generation]() -> TaskRunner::Continuation {
        auto found = m_search.search(query);
        std::vector<Result> rows = found ? std::move(*found) : std::vector<Result>{};
        return [this, ok = found.has_value(), rows = std::move(rows), query, generation]() mutable {
            if (generation != m_generation) return;  // typed past it, or cleared
            m_searching = false;
            m_failed = !ok;
            m_results = std::move(rows);
            m_resultsFor = query;
        };
    });
}

void StaffHomeScreen::open(const Result& row) {
    m_opening = true;
    const std::uint64_t generation = m_generation;
    m_ctx.tasks.post([this, row, generation]() -> TaskRunner::Continuation {
        // No case to show yet (or it could not be read): the case view says so.
        const std::string caseId = m_cases.currentCase(row.personId).value_or(std::string());
        return [this, row, caseId, generation] {
            if (generation != m_generation) return;  // locked or cleared meanwhile
            m_opening = false;
            m_ctx.selection = StaffSelection{row.personId, caseId, row.caseCode, row.name};
            m_ctx.nav.go(ScreenId::CaseView);
        };
    });
}

void StaffHomeScreen::clearSearch() {
    ++m_generation;  // a search still on the worker answers no one
    m_query.clear();
    m_results.clear();
    m_resultsFor.clear();
    m_results.shrink_to_fit();
    m_searching = false;
    m_failed = false;
    m_queryChanged = false;
}

void StaffHomeScreen::dropPersonalData() {
    clearSearch();
    m_draftInitial.clear();
    m_opening = false;
    m_tapped.clear();
    m_intent = Intent::None;
}

bool StaffHomeScreen::holdsPersonalData() const {
    return !m_query.empty() || !m_results.empty() || !m_resultsFor.empty() || !m_tapped.empty() ||
           !m_draftInitial.empty();
}

}  // namespace chasqui::kiosk
