// The kiosk's fonts (Debian's Noto Sans and Font Awesome) have a glyph for
// every character its four languages and its punctuation use: none of them
// may fall back to "?".
#include <doctest/doctest.h>

#include <imgui.h>

#include "kiosk/ui/fonts.hpp"

using namespace chasqui::kiosk;

TEST_CASE("every letter, punctuation mark and icon the kiosk draws has a glyph") {
    auto files = findFontFiles();
    REQUIRE_MESSAGE(files.has_value(), (files ? "" : files.error().message));
    ImGuiContext* context = ImGui::CreateContext();
    ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
    auto set = loadFonts(atlas, *files, 24.f, 1.f);
    REQUIRE(set.has_value());
    REQUIRE(atlas.Build());
    // Spanish, Portuguese and Haitian Creole letters; the punctuation the
    // catalogs use (em and en dash, curly quotes, ellipsis, inverted marks,
    // ordinals, middle dot, euro, degree, bullet).
    const char32_t needed[] = {U'ñ', U'Ñ', U'á', U'é', U'í', U'ó', U'ú', U'ü', U'ç', U'ã', U'õ',
                               U'ê', U'è', U'ò', U'à', U'â', U'ô', U'—', U'–', U'“', U'”', U'‘',
                               U'’', U'…', U'¿', U'¡', U'ª', U'º', U'·', U'€', U'°', U'•'};
    for (ImFont* font : {set->body, set->bold, set->heading, set->display})
        for (char32_t c : needed)
            CHECK_MESSAGE(font->FindGlyphNoFallback(static_cast<ImWchar>(c)) != nullptr,
                          "no glyph for U+" << std::hex << static_cast<unsigned>(c));
    // Icons are merged into the text fonts and in the large icon font.
    for (ImFont* font : {set->body, set->bold, set->icons})
        CHECK(font->FindGlyphNoFallback(static_cast<ImWchar>(0xF21E)) != nullptr);  // heartbeat (health)
    CHECK(set->body->FontSize >= 20.f);
    ImGui::DestroyContext(context);
}
