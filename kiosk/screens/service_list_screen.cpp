#include "kiosk/screens/service_list_screen.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_internal.h>

#include "kiosk/screens/self_service_common.hpp"
#include "kiosk/screens/spoken_text.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

namespace {

constexpr const char* kAllKey = "services.district.all";

// One service as a card: the category's picture, its name (wrapping if
// needed), the organization, and where it is. The whole card is the touch target.
bool serviceRow(Ui& ui, const char* key, const storage::ServiceSummary& row, bool inSpanish, const char* iconText) {
    const float width = ImGui::GetContentRegionAvail().x;
    const float pad = ui.px(ui.theme.spacing);
    ImFont* bold = ui.fonts.bold;
    ImFont* body = ui.fonts.body;
    const float chevron = bold->FontSize * 1.8f;
    const float iconSize = bold->FontSize * 1.6f;
    const float iconColumn = iconSize + pad * 1.5f;
    const float wrap = width - pad * 2.f - chevron - iconColumn;
    const std::string who =
        inSpanish ? fmt::format("{}  ·  {}", row.organization, ui.tr("services.in_spanish")) : row.organization;
    const std::string where = row.address.empty()
                                  ? fmt::format("{}  {}", icon::kMapMarker, row.districtName)
                                  : fmt::format("{}  {} · {}", icon::kMapMarker, row.districtName, row.address);
    const ImVec2 nameSize = bold->CalcTextSizeA(bold->FontSize, FLT_MAX, wrap, row.name.c_str());
    const ImVec2 whoSize = body->CalcTextSizeA(body->FontSize, FLT_MAX, wrap, who.c_str());
    const ImVec2 whereSize = body->CalcTextSizeA(body->FontSize, FLT_MAX, wrap, where.c_str());
    const float gap = pad * 0.35f;
    const float height = std::max(ui.theme.minTouch, pad * 1.75f + nameSize.y + whoSize.y + whereSize.y + gap * 2.f);

    ImGui::PushID(key);
    const bool pressed = ImGui::InvisibleButton("##row", ImVec2(width, height));
    ImGui::PopID();
    const ImVec2 min = ImGui::GetItemRectMin();
    const ImVec2 max = ImGui::GetItemRectMax();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const bool held = ImGui::IsItemActive() && !ui.scroll.dragging();
    draw->AddRectFilled(min, max, toU32(held ? ui.theme.secondaryActive : ui.theme.surface), ui.theme.rounding);
    draw->AddRect(min, max, toU32(ui.theme.border), ui.theme.rounding, 0, 1.5f);
    const ImVec2 glyph = ui.fonts.icons->CalcTextSizeA(iconSize, FLT_MAX, 0.f, iconText);
    draw->AddText(ui.fonts.icons, iconSize,
                  ImVec2(min.x + pad + (iconSize - glyph.x) * 0.5f, min.y + (height - glyph.y) * 0.5f),
                  toU32(ui.theme.primary), iconText);
    float y = min.y + pad * 0.875f;
    const float x = min.x + pad + iconColumn;
    draw->AddText(bold, bold->FontSize, ImVec2(x, y), toU32(ui.theme.text), row.name.c_str(), nullptr, wrap);
    y += nameSize.y + gap;
    draw->AddText(body, body->FontSize, ImVec2(x, y), toU32(ui.theme.text), who.c_str(), nullptr, wrap);
    y += whoSize.y + gap;
    draw->AddText(body, body->FontSize, ImVec2(x, y), toU32(ui.theme.mutedText), where.c_str(), nullptr, wrap);
    draw->AddText(bold, bold->FontSize, ImVec2(max.x - chevron + pad * 0.3f, min.y + (height - bold->FontSize) * 0.5f),
                  toU32(ui.theme.primary), icon::kChevronRight);
    ui.probe.text(row.name);
    ui.probe.text(who);
    ui.probe.text(where);
    ui.probe.item(key, ImGui::GetItemID(), min, max, ImGui::IsItemVisible());
    return pressed && !ui.scroll.dragging();
}

std::string districtKey(const std::string& code) {
    return code.empty() ? std::string(kAllKey) : fmt::format("services.district.{}", code);
}

}  // namespace

void ServiceListScreen::onEnter() {
    m_titleKey = self_service::categoryKey(m_ctx.state.category);
    m_pickerOpen = false;
    if (m_ctx.state.category != m_loadedCategory) {
        // Another category: never show the previous one's services while loading.
        m_rows.clear();
        m_districts.clear();
        m_errorKey = "";
        m_scrollToTop = true;
    }
    load();
}

void ServiceListScreen::load() {
    m_loading = true;
    const std::uint64_t generation = ++m_generation;
    const std::string category = m_ctx.state.category;
    const std::string district = m_ctx.state.district;
    const std::string language = m_ctx.i18n.language();
    if (language != m_language) m_scrollToTop = true;
    CatalogService& catalog = m_ctx.catalog;
    m_ctx.tasks.post([this, &catalog, generation, category, district, language]() -> TaskRunner::Continuation {
        // Worker thread. A district that a newer catalog no longer has falls back to all districts.
        auto districts = catalog.districts(category);
        std::string effective = district;
        if (districts && std::none_of(districts->begin(), districts->end(),
                                      [&](const storage::DistrictOption& d) { return d.code == effective; }))
            effective.clear();
        storage::Result<std::vector<storage::ServiceSummary>> rows =
            districts ? catalog.list(category, effective, language)
                      : storage::Result<std::vector<storage::ServiceSummary>>(std::unexpected(districts.error()));
        return [this, generation, districts = std::move(districts), rows = std::move(rows), effective, language,
                category] {
            if (generation != m_generation) return;
            m_loading = false;
            if (!districts || !rows) {
                m_errorKey = self_service::errorKey(!districts ? districts.error() : rows.error());
                m_rows.clear();
                m_districts.clear();
                return;
            }
            m_errorKey = "";
            m_districts = *districts;
            m_rows = *rows;
            m_language = language;
            m_loadedCategory = category;
            m_ctx.state.district = effective;
        };
    });
}

std::string ServiceListScreen::districtLabel(const Ui& ui) const {
    for (const auto& d : m_districts)
        if (d.code == m_ctx.state.district) return d.name;
    return ui.tr(kAllKey);
}

bool ServiceListScreen::districtChip(Ui& ui, const std::string& code, const std::string& labelText, float width) {
    const bool selected = code == m_ctx.state.district;
    const std::string key = districtKey(code);
    const std::string shown = selected ? fmt::format("{}  {}", icon::kCheck, labelText) : labelText;
    return button(ui, shown, key.c_str(), ImVec2(width, 0.f), selected ? Tone::Primary : Tone::Secondary);
}

void ServiceListScreen::drawContent(Ui& ui) {
    if (m_loading && m_rows.empty() && m_districts.empty()) {
        self_service::drawWorking(ui);
        return;
    }
    if (*m_errorKey != '\0') {
        self_service::drawNotice(ui, icon::kWarning, ui.tr(m_errorKey));
        return;
    }
    drawFilter(ui);
    if (m_pickerOpen)
        drawPicker(ui);
    else
        drawList(ui);
}

void ServiceListScreen::drawFilter(Ui& ui) {
    const float pad = ui.px(ui.theme.spacing);
    // "Where?" on the same line as the choices: the list keeps the height.
    const float rowTop = ImGui::GetCursorPosY();
    const float buttonHeight = std::max(ui.theme.minTouch, ui.px(ui.theme.buttonHeight));
    ImGui::SetCursorPosY(rowTop + (buttonHeight - ui.fonts.bold->FontSize) * 0.5f);
    label(ui, fmt::format("{}  {}", icon::kMapMarker, ui.tr("services.where")));
    ImGui::SameLine(0.f, pad);
    ImGui::SetCursorPosY(rowTop);
    const float avail = ImGui::GetContentRegionAvail().x;

    // Chips when all of them fit on two lines; a single button opening the picker otherwise.
    std::vector<std::pair<std::string, std::string>> options{{std::string(), ui.tr(kAllKey)}};
    for (const auto& d : m_districts) options.emplace_back(d.code, d.name);
    ImGui::PushFont(ui.fonts.bold);
    const float check = ImGui::CalcTextSize(icon::kCheck).x + ImGui::CalcTextSize("  ").x;
    std::vector<float> widths;
    float total = 0.f;
    for (const auto& [code, name] : options) {
        widths.push_back(std::max(ui.theme.minTouch * 2.f, ImGui::CalcTextSize(name.c_str()).x + check + pad * 2.5f));
        total += widths.back() + pad;
    }
    ImGui::PopFont();
    if (total > avail * 1.9f) {
        const std::string shown = fmt::format("{}  {}   {}", icon::kMapMarker, districtLabel(ui), icon::kChevronRight);
        if (button(ui, shown, "services.district.open", ImVec2(0.f, 0.f), Tone::Secondary)) m_openPicker = true;
        // Back to every district in one tap, without opening the panel.
        if (!m_ctx.state.district.empty() && !m_pickerOpen) {
            ImGui::SameLine(0.f, pad);
            if (button(ui, fmt::format("{}  {}", icon::kClose, ui.tr(kAllKey)), kAllKey, ImVec2(0.f, 0.f),
                       Tone::Secondary))
                m_tappedDistrict = std::string();
        }
        return;
    }
    const float right = ImGui::GetCursorScreenPos().x + avail;
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(pad * 0.75f, pad * 0.75f));
    for (std::size_t i = 0; i < options.size(); ++i) {
        if (i > 0) {
            ImGui::SameLine();
            if (ImGui::GetCursorScreenPos().x + widths[i] > right) ImGui::NewLine();
        }
        if (districtChip(ui, options[i].first, options[i].second, widths[i])) m_tappedDistrict = options[i].first;
    }
    ImGui::PopStyleVar();
}

void ServiceListScreen::drawPicker(Ui& ui) {
    const float pad = ui.px(ui.theme.spacing);
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
    const ImVec2 min = ImGui::GetCursorScreenPos();
    const ImVec2 area = ImGui::GetContentRegionAvail();
    // A white card over the list, so it reads as "choose, then it goes away".
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(min, ImVec2(min.x + area.x, min.y + area.y), toU32(ui.theme.surface), ui.theme.rounding);
    draw->AddRect(min, ImVec2(min.x + area.x, min.y + area.y), toU32(ui.theme.border), ui.theme.rounding, 0, 2.f);
    const float inner = area.x - pad * 2.f;
    const float buttonHeight = std::max(ui.theme.minTouch, ui.px(ui.theme.buttonHeight));

    const std::string closeLabel = fmt::format("{}  {}", icon::kClose, ui.tr("services.district.close"));
    ImGui::PushFont(ui.fonts.bold);
    const float closeWidth = ImGui::CalcTextSize(closeLabel.c_str()).x + pad * 2.5f;
    ImGui::PopFont();
    ImGui::SetCursorScreenPos(ImVec2(min.x + area.x - pad - closeWidth, min.y + pad));
    if (button(ui, closeLabel, "services.district.close", ImVec2(closeWidth, buttonHeight), Tone::Primary))
        m_closePicker = true;
    const char* title = ui.tr("services.district.pick_title");
    ImGui::SetCursorScreenPos(ImVec2(min.x + pad, min.y + pad + (buttonHeight - ui.fonts.heading->FontSize) * 0.5f));
    heading(ui, title);

    const float gridTop = min.y + pad * 2.f + buttonHeight;
    ImGui::SetCursorScreenPos(ImVec2(min.x + pad, gridTop));
    const int columns = std::clamp(static_cast<int>((inner + pad) / (ui.px(380.f) + pad)), 1, 4);
    const float buttonWidth = std::floor((inner - pad * static_cast<float>(columns - 1)) / static_cast<float>(columns));
    beginScrollArea(ui, "services.district.grid", ImVec2(inner, min.y + area.y - gridTop - pad));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(pad, pad));
    std::vector<std::pair<std::string, std::string>> options{{std::string(), ui.tr(kAllKey)}};
    for (const auto& d : m_districts) options.emplace_back(d.code, d.name);
    for (std::size_t i = 0; i < options.size(); ++i) {
        if (i % static_cast<std::size_t>(columns) != 0) ImGui::SameLine();
        if (districtChip(ui, options[i].first, options[i].second, buttonWidth)) m_tappedDistrict = options[i].first;
    }
    ImGui::PopStyleVar();
    endScrollArea(ui);
}

void ServiceListScreen::drawList(Ui& ui) {
    const float pad = ui.px(ui.theme.spacing);
    ImGui::Dummy(ImVec2(0.f, pad * 0.25f));
    if (m_rows.empty()) {
        self_service::drawNotice(ui, icon::kMapMarker, ui.tr("services.none"));
        return;
    }
    if (self_service::titleWithSpeaker(ui, self_service::countText(ui, static_cast<int>(m_rows.size())),
                                       "services.speak", self_service::TitleStyle::Muted))
        m_speak = true;
    beginScrollArea(ui, "services.list", ImGui::GetContentRegionAvail());
    if (m_scrollToTop) {
        ImGui::SetScrollY(0.f);
        m_scrollToTop = false;
    }
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(pad, pad * 0.75f));
    const char* categoryIcon = icon::forCategory(m_loadedCategory.c_str());
    for (const auto& row : m_rows) {
        const std::string key = fmt::format("services.row.{}", row.id);
        if (serviceRow(ui, key.c_str(), row, row.textLang != m_language, categoryIcon)) m_tappedService = row.id;
    }
    ImGui::PopStyleVar();
    ImGui::Dummy(ImVec2(0.f, pad));
    endScrollArea(ui);
}

void ServiceListScreen::afterDraw() {
    if (m_speak) {
        m_speak = false;
        const std::string& lang = m_ctx.i18n.language();
        m_ctx.speech.speak(lang, self_service::spokenServiceList(m_ctx.i18n, lang, m_loadedCategory, m_rows));
    }
    if (m_openPicker) m_pickerOpen = true;
    if (m_closePicker) m_pickerOpen = false;
    m_openPicker = m_closePicker = false;
    if (m_tappedDistrict) {
        m_ctx.state.district = *m_tappedDistrict;
        m_tappedDistrict.reset();
        m_pickerOpen = false;
        m_scrollToTop = true;
        load();
    }
    if (!m_tappedService.empty()) {
        m_ctx.state.serviceId = m_tappedService;
        m_tappedService.clear();
        m_ctx.nav.go(ScreenId::ServiceDetail);
    }
}

void ServiceListScreen::dropPersonalData() {
    m_rows.clear();
    m_districts.clear();
    m_loadedCategory.clear();
    m_pickerOpen = false;
    m_tappedService.clear();
    m_tappedDistrict.reset();
    m_speak = false;
    ++m_generation;  // a read still on the worker is for the last person
}

}  // namespace chasqui::kiosk
