#include "kiosk/screens/referral_screen.hpp"

#include <fmt/format.h>
#include <imgui.h>

#include "kiosk/screens/case_text.hpp"
#include "kiosk/screens/case_widgets.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/typed_date.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/clock.hpp"
#include "storage/base/vocabulary.hpp"

namespace chasqui::kiosk {

namespace {

constexpr std::size_t kReasonMaxBytes = 1000;         // storage allows 1000 characters
constexpr const char* kSquare = "\xef\x82\x96";       // U+F096 square-o: not ticked
constexpr const char* kCheckSquare = "\xef\x81\x86";  // U+F046 check-square-o: ticked

std::string errorOr(Ui& ui, const char* key) {
    return key != nullptr ? std::string(ui.tr(key)) : std::string();
}

}  // namespace

void ReferralScreen::reset() {
    m_category.clear();
    m_services.clear();
    m_listLoading = false;
    m_listError = nullptr;
    m_service = ServiceRow{};
    m_reason.clear();
    m_urgency = "normal";
    m_consent = false;
    m_followUp.clear();
    m_errors = Errors{};
    m_saveError = nullptr;
    m_saving = false;
    m_intent = Intent::None;
    m_tapped.clear();
    m_consentTapped = false;
    m_scrolledFor.clear();
    m_scrollToServices = false;
}

void ReferralScreen::onEnter() {
    ++m_generation;
    ++m_listGeneration;
    reset();
}

void ReferralScreen::dropPersonalData() {
    ++m_generation;
    ++m_listGeneration;
    reset();
    m_urgency.clear();
}

bool ReferralScreen::holdsPersonalData() const {
    return !m_reason.empty() || !m_followUp.empty() || m_consent || !m_service.id.empty() || !m_category.empty() ||
           !m_urgency.empty();
}

void ReferralScreen::loadServices() {
    const std::uint64_t generation = ++m_listGeneration;
    m_services.clear();
    m_listLoading = true;
    m_listError = nullptr;
    const std::string category = m_category;
    const std::string lang = m_ctx.i18n.language();
    m_ctx.tasks.post([this, generation, category, lang]() -> TaskRunner::Continuation {
        auto result = m_ctx.catalog.list(category, {}, lang);
        std::vector<ServiceRow> rows;
        if (result)
            for (auto& s : *result)
                rows.push_back(ServiceRow{std::move(s.id), std::move(s.name), std::move(s.organization),
                                          std::move(s.districtName)});
        const char* error = result ? nullptr : "referral.error.catalog";
        return [this, generation, rows = std::move(rows), error]() mutable {
            if (generation != m_listGeneration) return;  // another category was chosen meanwhile
            m_listLoading = false;
            m_listError = error;
            m_services = std::move(rows);
        };
    });
}

void ReferralScreen::drawContent(Ui& ui) {
    const std::string& who = m_ctx.selection.personName;
    if (!who.empty()) muted(ui, fill(ui.tr("referral.for"), {who, m_ctx.selection.caseCode}));
    if (m_ctx.selection.caseId.empty()) {
        banner(ui, icon::kWarning, ui.tr("referral.no_case"), Tone::Danger);
        return;
    }
    if (m_saveError != nullptr) banner(ui, icon::kWarning, ui.tr(m_saveError), Tone::Danger);
    // The catalog and the form scroll; the buttons stay below them, always in reach.
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float height = avail.y - casework::footerHeight(ui);
    const float gap = ui.px(ui.theme.spacing) * 2.f;
    const float left = (avail.x - gap) * 0.48f;
    drawCatalog(ui, left, height);
    ImGui::SameLine(0.f, gap);
    drawForm(ui, avail.x - left - gap, height);
    ImGui::Dummy(ImVec2(0.f, ui.px(4.f)));
    if (button(ui, fmt::format("{}  {}", icon::kShare, ui.tr("referral.save")), "referral.save", ImVec2(0.f, 0.f),
               Tone::Primary, !m_saving))
        m_intent = Intent::Save;
    ImGui::SameLine();
    if (button(ui, ui.tr("referral.cancel"), "referral.cancel", ImVec2(0.f, 0.f), Tone::Secondary, !m_saving))
        m_intent = Intent::Cancel;
    if (m_saving) {
        ImGui::SameLine();
        casework::footerNote(ui, ui.tr("case.saving"), false);
    } else if (m_errors.any()) {
        ImGui::SameLine();
        casework::footerNote(ui, ui.tr("case.check_marked"), true);
    }
}

void ReferralScreen::drawCatalog(Ui& ui, float width, float height) {
    // One scrolling column: at large text sizes the categories alone fill the
    // height, so the list is brought up under them once a category is chosen.
    beginScrollArea(ui, "referral.scroll.catalog", ImVec2(width, height));
    std::string category = m_category;
    if (choice(ui, ui.tr("referral.category"), "referral.category",
               casework::vocabOptions(ui, "service_categories", storage::vocab::serviceCategories()), category)) {
        m_intent = Intent::Category;
        m_tapped = category;
    }
    ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));
    if (m_scrollToServices) {
        // Only when the list would start in the lower half (large text); otherwise the categories stay in view.
        const float shownAt = ImGui::GetCursorScreenPos().y - ImGui::GetWindowPos().y;
        if (shownAt > ImGui::GetWindowHeight() * 0.5f) ImGui::SetScrollHereY(0.f);
        m_scrollToServices = false;
    }
    label(ui, ui.tr("referral.service"));
    if (m_errors.service != nullptr) errorText(ui, fmt::format("{} {}", icon::kWarning, ui.tr(m_errors.service)));
    if (m_category.empty()) {
        muted(ui, ui.tr("referral.choose_category"));
    } else if (m_listLoading) {
        muted(ui, ui.tr("referral.loading"));
    } else if (m_listError != nullptr) {
        errorText(ui, ui.tr(m_listError));
        if (button(ui, ui.tr("case.retry"), "referral.retry")) m_intent = Intent::Retry;
    } else if (m_services.empty()) {
        muted(ui, ui.tr("referral.no_services"));
    }
    for (const auto& s : m_services) {
        const std::string key = "referral.service." + s.id;
        std::string where = s.organization;
        if (!s.districtName.empty()) where += std::string(casework::kSeparator) + s.districtName;
        const bool chosen = s.id == m_service.id;
        if (listRow(ui, key.c_str(), s.name, where, chosen ? icon::kCheck : icon::kShare)) {
            m_intent = Intent::Service;
            m_tapped = s.id;
        }
    }
    endScrollArea(ui);
}

void ReferralScreen::drawForm(Ui& ui, float width, float height) {
    beginScrollArea(ui, "referral.scroll.form", ImVec2(width, height));
    {
        casework::Card card(ui);
        muted(ui, ui.tr("referral.chosen"));
        ImGui::PushFont(ui.fonts.bold);
        card.paragraph(m_service.id.empty() ? std::string(ui.tr("referral.none_chosen")) : m_service.name);
        ImGui::PopFont();
        if (!m_service.id.empty()) {
            std::string where = m_service.organization;
            if (!m_service.districtName.empty()) where += std::string(casework::kSeparator) + m_service.districtName;
            card.paragraph(where, true);
        }
        card.end();
    }
    if (textField(ui, ui.tr("referral.reason"), "referral.reason", m_reason, EntryMode::Text, kReasonMaxBytes,
                  errorOr(ui, m_errors.reason)))
        m_errors.reason = nullptr;
    casework::keepInSight(ui, "referral.reason", m_scrolledFor);
    ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));
    if (choice(ui, ui.tr("referral.urgency"), "referral.urgency",
               casework::vocabOptions(ui, "referral_urgencies", storage::vocab::referralUrgencies()), m_urgency,
               errorOr(ui, m_errors.urgency)))
        m_errors.urgency = nullptr;
    ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));
    label(ui, ui.tr("referral.consent_title"));
    muted(ui, ui.tr("referral.consent_hint"));
    if (button(ui, fmt::format("{}  {}", m_consent ? kCheckSquare : kSquare, ui.tr("referral.consent")),
               "referral.consent", ImVec2(-1.f, 0.f), m_consent ? Tone::Primary : Tone::Secondary))
        m_consentTapped = true;
    if (m_errors.consent != nullptr) errorText(ui, fmt::format("{} {}", icon::kWarning, ui.tr(m_errors.consent)));
    ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));
    if (textField(ui, ui.tr("referral.follow_up"), "referral.follow_up", m_followUp, EntryMode::Date, 10,
                  errorOr(ui, m_errors.followUp), ui.px(280.f)))
        m_errors.followUp = nullptr;
    casework::keepInSight(ui, "referral.follow_up", m_scrolledFor);
    muted(ui, ui.tr("referral.follow_up_hint"));
    ImGui::Dummy(ImVec2(0.f, ui.px(ui.theme.spacing)));
    endScrollArea(ui);
}

void ReferralScreen::afterDraw() {
    if (m_consentTapped) {
        m_consent = !m_consent;
        if (m_consent) m_errors.consent = nullptr;
        m_consentTapped = false;
    }
    const Intent intent = m_intent;
    m_intent = Intent::None;
    switch (intent) {
        case Intent::None:
            break;
        case Intent::Category:
            if (m_tapped != m_category) {
                m_category = m_tapped;
                loadServices();
            }
            m_scrollToServices = true;
            break;
        case Intent::Retry:
            loadServices();
            break;
        case Intent::Service:
            for (const auto& s : m_services)
                if (s.id == m_tapped) m_service = s;
            m_errors.service = nullptr;
            break;
        case Intent::Save:
            save();
            break;
        case Intent::Cancel:
            m_ctx.nav.back();
            break;
    }
    m_tapped.clear();
}

bool ReferralScreen::Errors::mark(std::string_view field) {
    if (field == "service_id")
        service = "referral.error.service";
    else if (field == "reason")
        reason = "referral.error.reason";
    else if (field == "urgency")
        urgency = "referral.error.urgency";
    else if (field == "consent")
        consent = "referral.error.consent";
    else if (field == "consent_to_share")  // the case itself has no consent on record: ask on the case first
        consent = "referral.error.case_consent";
    else if (field == "follow_up_date")
        followUp = "referral.error.follow_up";
    else
        return false;
    return true;
}

storage::Referral ReferralScreen::draft() const {
    storage::Referral record;
    record.caseId = m_ctx.selection.caseId;
    record.serviceId = m_service.id;
    record.reason = casework::trimmed(m_reason);
    record.urgency = m_urgency;
    record.consentToShare = m_consent;
    // Typed DD/MM/AAAA; kept as typed when it is no date, for storage to refuse.
    const std::string iso = isoFromTyped(casework::trimmed(m_followUp));
    record.followUpDate = iso.empty() ? casework::trimmed(m_followUp) : iso;
    return record;
}

ReferralScreen::Errors ReferralScreen::check() const {
    Errors e;
    for (const std::string& field : CaseService::referralProblems(draft(), storage::isoDate(m_ctx.clock.nowMs())))
        e.mark(field);
    return e;
}

void ReferralScreen::save() {
    m_saveError = nullptr;
    m_errors = check();
    if (m_errors.any() || m_ctx.selection.caseId.empty()) return;
    const storage::Referral record = draft();
    m_saving = true;
    const std::uint64_t generation = m_generation;
    m_ctx.tasks.post([this, generation, record]() -> TaskRunner::Continuation {
        storage::Result<std::string> result = m_cases.refer(record);
        return [this, generation, result = std::move(result)] {
            if (generation != m_generation) return;
            m_saving = false;
            if (!result) {
                const auto& e = result.error();
                if (e.code != storage::ErrorCode::InvalidInput || !m_errors.mark(e.field))
                    m_saveError = casework::errorKey(e);
                return;
            }
            m_ctx.nav.go(ScreenId::CaseView);  // reloads there and shows the new referral as sent
        };
    });
}

}  // namespace chasqui::kiosk
