#include "kiosk/screens/categories_screen.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <imgui.h>

#include "kiosk/screens/self_service_common.hpp"
#include "kiosk/screens/spoken_text.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/vocabulary.hpp"

namespace chasqui::kiosk {

void CategoriesScreen::onEnter() {
    // Keep the tiles of an earlier visit on screen while they are refreshed
    // (a catalog pulled by sync may have changed the counts): no flicker.
    if (m_tiles.empty()) m_phase = Phase::Loading;
    const std::uint64_t generation = ++m_generation;
    CatalogService& catalog = m_ctx.catalog;
    m_ctx.tasks.post([this, &catalog, generation]() -> TaskRunner::Continuation {
        auto info = catalog.info();  // worker thread
        return [this, generation, info = std::move(info)] {
            if (generation != m_generation) return;
            if (!info) {
                m_phase = Phase::Failed;
                m_errorKey = self_service::errorKey(info.error());
                m_tiles.clear();
                return;
            }
            // Vocabulary order, not the catalog's: the tiles stay where a person
            // saw them last time, whatever a new catalog version changed.
            m_tiles.clear();
            for (std::string_view code : storage::vocab::serviceCategories()) {
                auto it = info->perCategory.find(std::string(code));
                if (it != info->perCategory.end() && it->second > 0)
                    m_tiles.push_back(CategoryTile{std::string(code), it->second});
            }
            if (info->version.empty())
                m_phase = Phase::NeverImported;
            else if (m_tiles.empty())
                m_phase = Phase::Empty;
            else
                m_phase = Phase::Ready;
        };
    });
}

void CategoriesScreen::drawContent(Ui& ui) {
    switch (m_phase) {
        case Phase::Loading:
            self_service::drawWorking(ui);
            return;
        case Phase::NeverImported:
            self_service::drawNotice(ui, icon::kInfo, ui.tr("categories.none_imported"));
            return;
        case Phase::Empty:
            self_service::drawNotice(ui, icon::kInfo, ui.tr("categories.empty"));
            return;
        case Phase::Failed:
            self_service::drawNotice(ui, icon::kWarning, ui.tr(m_errorKey));
            return;
        case Phase::Ready:
            drawTiles(ui);
            return;
    }
}

void CategoriesScreen::drawTiles(Ui& ui) {
    const float pad = ui.px(ui.theme.spacing);
    if (self_service::titleWithSpeaker(ui, ui.tr("categories.prompt"), "categories.speak")) m_speak = true;
    muted(ui, ui.tr("categories.hint"));
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));

    const ImVec2 area = ImGui::GetContentRegionAvail();
    const int total = static_cast<int>(m_tiles.size());
    // Four across at 1080p; fewer when the text is larger or the screen narrower.
    const int columns = std::clamp(static_cast<int>((area.x + pad) / (ui.px(340.f) + pad)), 2, 4);
    const int rows = (total + columns - 1) / columns;
    // Fill the screen when the tiles fit; otherwise keep them large and let the area scroll.
    const float fit = (area.y - pad * static_cast<float>(rows - 1)) / static_cast<float>(std::max(rows, 1));
    const float tileHeight = std::floor(std::clamp(fit, ui.px(200.f), ui.px(320.f)));
    const bool scrolls = tileHeight * static_cast<float>(rows) + pad * static_cast<float>(rows - 1) > area.y;
    const float usable = area.x - (scrolls ? ImGui::GetStyle().ScrollbarSize + pad * 0.5f : 0.f);
    const float tileWidth = std::floor((usable - pad * static_cast<float>(columns - 1)) / static_cast<float>(columns));

    beginScrollArea(ui, "categories.grid", area);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(pad, pad));
    for (int i = 0; i < total; ++i) {
        const CategoryTile& entry = m_tiles[static_cast<std::size_t>(i)];
        if (i % columns != 0) ImGui::SameLine();
        const std::string key = fmt::format("categories.{}", entry.code);
        const bool tapped =
            tile(ui, icon::forCategory(entry.code.c_str()), ui.tr(self_service::categoryKey(entry.code)), key.c_str(),
                 ImVec2(tileWidth, tileHeight));
        // How many services, small, in the tile's top right corner.
        const std::string count = self_service::countText(ui, entry.count);
        const ImVec2 max = ImGui::GetItemRectMax();
        const ImVec2 min = ImGui::GetItemRectMin();
        ImFont* font = ui.fonts.body;
        const ImVec2 size = font->CalcTextSizeA(font->FontSize, 1e9f, 0.f, count.c_str());
        ImGui::GetWindowDrawList()->AddText(font, font->FontSize, ImVec2(max.x - pad - size.x, min.y + pad * 0.75f),
                                            toU32(ui.theme.mutedText), count.c_str());
        ui.probe.text(count);
        if (tapped) m_tapped = entry.code;
    }
    ImGui::PopStyleVar();
    endScrollArea(ui);
}

void CategoriesScreen::afterDraw() {
    if (m_speak) {
        m_speak = false;
        std::vector<std::string> codes;
        for (const auto& entry : m_tiles) codes.push_back(entry.code);
        const std::string& lang = m_ctx.i18n.language();
        m_ctx.speech.speak(lang, self_service::spokenCategories(m_ctx.i18n, lang, codes));
    }
    if (m_tapped.empty()) return;
    m_ctx.state.category = m_tapped;
    m_ctx.state.district.clear();  // a new category starts with every district
    m_ctx.state.serviceId.clear();
    m_tapped.clear();
    m_ctx.nav.go(ScreenId::ServiceList);
}

void CategoriesScreen::dropPersonalData() {
    m_ctx.state = SelfServiceState{};
    m_tapped.clear();
    m_speak = false;
}

}  // namespace chasqui::kiosk
