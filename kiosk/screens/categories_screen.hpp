#pragma once
// Self-service, first step: "What do you need?" as large tiles, an icon and
// one word each, one tile per category that has services in the catalog,
// with how many services it has in small print. Reads only the public
// catalog (CatalogInfo on the worker thread); no sign-in, no personal data.

#include <cstdint>
#include <string>
#include <vector>

#include "kiosk/core/self_service_context.hpp"

namespace chasqui::kiosk {

class CategoriesScreen final : public Screen {
public:
    explicit CategoriesScreen(SelfServiceContext& ctx) : m_ctx(ctx) {}
    ScreenId id() const override { return ScreenId::Categories; }
    const char* titleKey() const override { return "categories.title"; }
    void onEnter() override;
    void drawContent(Ui& ui) override;
    void afterDraw() override;
    // What the last person picked is nobody else's business.
    void dropPersonalData() override;

private:
    enum class Phase { Loading, Ready, NeverImported, Empty, Failed };
    struct CategoryTile {
        std::string code;
        int count = 0;
    };
    void drawTiles(Ui& ui);

    SelfServiceContext& m_ctx;
    Phase m_phase = Phase::Loading;
    std::vector<CategoryTile> m_tiles;
    const char* m_errorKey = "";
    std::uint64_t m_generation = 0;  // results of an older load are dropped
    std::string m_tapped;            // category tapped this frame
    bool m_speak = false;            // the speaker button was tapped this frame
};

}  // namespace chasqui::kiosk
