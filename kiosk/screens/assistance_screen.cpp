#include "kiosk/screens/assistance_screen.hpp"

#include <charconv>
#include <utility>

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

constexpr std::size_t kQuantityDigits = 6;  // up to 100000

// The unit most often used for a type, chosen for the person when they pick
// the type; they can change it.
constexpr std::pair<std::string_view, std::string_view> kUsualUnit[] = {
    {"temporary_shelter", "night"},
    {"rental_support", "pen"},
    {"shelter_kit", "kit"},
    {"food_kit", "kit"},
    {"hot_meal", "meal"},
    {"food_voucher", "voucher"},
    {"hygiene_kit", "kit"},
    {"drinking_water", "liter"},
    {"menstrual_hygiene_kit", "kit"},
    {"primary_care", "consultation"},
    {"mental_health", "session"},
    {"medicines", "item"},
    {"sexual_reproductive_health", "consultation"},
    {"nutrition_screening", "person"},
    {"supplement", "item"},
    {"school_enrolment", "person"},
    {"school_kit", "kit"},
    {"language_class", "session"},
    {"orientation", "session"},
    {"legal_counselling", "consultation"},
    {"documentation_support", "session"},
    {"psychosocial_support", "session"},
    {"best_interest_assessment", "person"},
    {"family_tracing", "person"},
    {"child_friendly_space", "session"},
    {"gbv_case_management", "person"},
    {"safe_shelter", "night"},
    {"dignity_kit", "kit"},
    {"victim_assistance", "person"},
    {"safe_referral", "person"},
    {"job_placement", "person"},
    {"vocational_training", "session"},
    {"seed_capital", "pen"},
    {"community_activity", "session"},
    {"anti_xenophobia_workshop", "session"},
    {"bus_ticket", "ticket"},
    {"local_transport", "ticket"},
    {"multipurpose_cash_transfer", "pen"},
    {"information_session", "session"},
    {"connectivity_sim", "item"},
    {"phone_charging", "session"},
};

std::string usualUnit(std::string_view type) {
    for (const auto& [t, unit] : kUsualUnit)
        if (t == type) return std::string(unit);
    return {};
}

// Whole quantity from the numeric pad; 0 when it is not one.
long parseQuantity(const std::string& text) {
    long value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size()) return 0;
    return value;
}

std::string errorOr(Ui& ui, const char* key) {
    return key != nullptr ? std::string(ui.tr(key)) : std::string();
}

}  // namespace

void AssistanceScreen::reset() {
    m_sector.clear();
    m_type.clear();
    m_quantity.assign(1, '1');  // (not = "1": g++ 12 warns falsely, -Wrestrict)
    m_unit.clear();
    m_date = typedFromIso(storage::isoDate(m_ctx.clock.nowMs()));
    m_errors = Errors{};
    m_saveError = nullptr;
    m_intent = Intent::None;
    m_scrolledFor.clear();
}

void AssistanceScreen::onEnter() {
    ++m_generation;
    m_saving = false;
    reset();
}

void AssistanceScreen::dropPersonalData() {
    ++m_generation;
    m_saving = false;
    reset();
    m_date.clear();
    m_quantity.clear();
}

bool AssistanceScreen::holdsPersonalData() const {
    return !m_sector.empty() || !m_type.empty() || !m_unit.empty() || !m_date.empty() || !m_quantity.empty();
}

bool AssistanceScreen::Errors::mark(std::string_view field) {
    if (field == "sector")
        sector = "assist.error.sector";
    else if (field == "type")
        type = "assist.error.type";
    else if (field == "quantity")
        quantity = "assist.error.quantity";
    else if (field == "unit")
        unit = "assist.error.unit";
    else if (field == "date")
        date = "assist.error.date";
    else
        return false;
    return true;
}

storage::Assistance AssistanceScreen::draft() const {
    storage::Assistance record;
    record.caseId = m_ctx.selection.caseId;
    // Typed DD/MM/AAAA; kept as typed when it is no date, for storage to refuse.
    const std::string iso = isoFromTyped(casework::trimmed(m_date));
    record.date = iso.empty() ? m_date : iso;
    record.sector = m_sector;
    record.type = m_type;
    record.quantity = static_cast<double>(parseQuantity(m_quantity));
    record.unit = m_unit;
    return record;
}

AssistanceScreen::Errors AssistanceScreen::check() const {
    Errors e;
    for (const std::string& field : CaseService::assistanceProblems(draft(), storage::isoDate(m_ctx.clock.nowMs())))
        e.mark(field);
    // Which types fit depends on the sector: until one is chosen only the sector is marked.
    if (m_sector.empty()) e.type = nullptr;
    return e;
}

void AssistanceScreen::drawContent(Ui& ui) {
    const std::string& who = m_ctx.selection.personName;
    if (!who.empty()) muted(ui, fill(ui.tr("assist.for"), {who, m_ctx.selection.caseCode}));
    if (m_ctx.selection.caseId.empty()) {
        banner(ui, icon::kWarning, ui.tr("assist.no_case"), Tone::Danger);
        return;
    }
    if (m_saveError != nullptr) banner(ui, icon::kWarning, ui.tr(m_saveError), Tone::Danger);
    // Two columns that scroll, and the buttons below them, always in reach (even over the pad).
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float height = avail.y - casework::footerHeight(ui);
    const float gap = ui.px(ui.theme.spacing) * 2.f;
    const float left = (avail.x - gap) * 0.56f;
    drawChoices(ui, left, height);
    ImGui::SameLine(0.f, gap);
    drawDetails(ui, avail.x - left - gap, height);
    ImGui::Dummy(ImVec2(0.f, ui.px(4.f)));
    if (button(ui, fmt::format("{}  {}", icon::kCheck, ui.tr("assist.save")), "assist.save", ImVec2(0.f, 0.f),
               Tone::Primary, !m_saving))
        m_intent = Intent::Save;
    ImGui::SameLine();
    if (button(ui, ui.tr("assist.cancel"), "assist.cancel", ImVec2(0.f, 0.f), Tone::Secondary, !m_saving))
        m_intent = Intent::Cancel;
    ImGui::SameLine();
    if (m_saving)
        casework::footerNote(ui, ui.tr("case.saving"), false);
    else if (m_errors.any())
        casework::footerNote(ui, ui.tr("case.check_marked"), true);
    else
        casework::footerNote(ui, fill(ui.tr("assist.date_hint"), {m_date}), false);
}

void AssistanceScreen::drawChoices(Ui& ui, float width, float height) {
    beginScrollArea(ui, "assist.scroll.choices", ImVec2(width, height));
    if (choice(ui, ui.tr("assist.sector"), "assist.sector",
               casework::vocabOptions(ui, "sectors", storage::vocab::sectors()), m_sector,
               errorOr(ui, m_errors.sector))) {
        // A new sector has its own types; one alone is chosen for the person.
        const auto types = storage::vocab::assistanceTypes(m_sector);
        m_type = types.size() == 1 ? std::string(types.front()) : std::string();
        m_unit = usualUnit(m_type);
        m_errors.sector = nullptr;
        m_errors.type = nullptr;
    }
    ImGui::Dummy(ImVec2(0.f, ui.px(ui.theme.spacing)));
    if (m_sector.empty()) {
        label(ui, ui.tr("assist.type"));
        muted(ui, ui.tr("assist.type_first_sector"));
    } else if (choice(ui, ui.tr("assist.type"), "assist.type",
                      casework::vocabOptions(ui, "assistance_types", storage::vocab::assistanceTypes(m_sector)), m_type,
                      errorOr(ui, m_errors.type))) {
        m_unit = usualUnit(m_type);
        m_errors.type = nullptr;
        m_errors.unit = nullptr;
    }
    endScrollArea(ui);
}

void AssistanceScreen::drawDetails(Ui& ui, float width, float height) {
    beginScrollArea(ui, "assist.scroll.details", ImVec2(width, height));
    if (textField(ui, ui.tr("assist.quantity"), "assist.quantity", m_quantity, EntryMode::Numeric, kQuantityDigits,
                  errorOr(ui, m_errors.quantity), ui.px(280.f)))
        m_errors.quantity = nullptr;
    casework::keepInSight(ui, "assist.quantity", m_scrolledFor);
    ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));
    if (choice(ui, ui.tr("assist.unit"), "assist.unit",
               casework::vocabOptions(ui, "assistance_units", storage::vocab::assistanceUnits()), m_unit,
               errorOr(ui, m_errors.unit)))
        m_errors.unit = nullptr;
    ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));
    if (textField(ui, ui.tr("assist.date"), "assist.date", m_date, EntryMode::Date, 10, errorOr(ui, m_errors.date),
                  ui.px(280.f)))
        m_errors.date = nullptr;
    casework::keepInSight(ui, "assist.date", m_scrolledFor);
    endScrollArea(ui);
}

void AssistanceScreen::afterDraw() {
    const Intent intent = m_intent;
    m_intent = Intent::None;
    if (intent == Intent::Cancel) m_ctx.nav.back();
    if (intent == Intent::Save) save();
}

void AssistanceScreen::save() {
    m_saveError = nullptr;
    m_errors = check();
    if (m_errors.any() || m_ctx.selection.caseId.empty()) return;
    const storage::Assistance record = draft();
    m_saving = true;
    const std::uint64_t generation = m_generation;
    m_ctx.tasks.post([this, generation, record]() -> TaskRunner::Continuation {
        storage::Result<std::string> result = m_cases.recordAssistance(record);
        return [this, generation, result = std::move(result)] {
            if (generation != m_generation) return;
            m_saving = false;
            if (!result) {
                const auto& e = result.error();
                // The checks above are the store's; a field it still refuses
                // (the day changed meanwhile) is marked where it is.
                if (e.code != storage::ErrorCode::InvalidInput || !m_errors.mark(e.field))
                    m_saveError = casework::errorKey(e);
                return;
            }
            // Back to the case view (already under this screen), which reloads when shown.
            m_ctx.nav.go(ScreenId::CaseView);
        };
    });
}

}  // namespace chasqui::kiosk
