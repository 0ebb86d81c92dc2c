// The kiosk's fonts (Debian's Noto Sans and Font Awesome) have a glyph for
// every character its four languages and its punctuation use: none of them
// may fall back to "?".
#include <doctest/doctest.h>

#include <imgui.h>

#include "kiosk/ui/fonts.hpp"
#include "kiosk/ui/theme.hpp"

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

// The spec's "body text at least 20 px" is a font size in the CSS sense: the
// em. It is measured here on the glyphs as ImGui draws them: the advance of
// the em dash (U+2014), which Noto Sans draws exactly one em wide, and, as a
// second look, the ink height of "H" (Noto Sans' cap height is 0.714 em, so
// a 20 px em gives an "H" at least 14 px tall). ImGui's own FontSize is the
// ascender-to-descender height, about 1.36 em, and is not the measure.
TEST_CASE("body text is at least 20 px, measured on the glyphs as drawn") {
    auto files = findFontFiles();
    REQUIRE(files.has_value());
    ImGuiContext* context = ImGui::CreateContext();
    ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
    const Theme theme;
    auto set = loadFonts(atlas, *files, theme.bodyPx, 1.f);
    REQUIRE(set.has_value());
    REQUIRE(atlas.Build());
    for (ImFont* font : {set->body, set->bold}) {
        const ImFontGlyph* dash = font->FindGlyphNoFallback(static_cast<ImWchar>(0x2014));
        REQUIRE(dash != nullptr);
        CHECK(dash->AdvanceX >= 20.f);
        const ImFontGlyph* h = font->FindGlyphNoFallback(static_cast<ImWchar>('H'));
        REQUIRE(h != nullptr);
        CHECK(h->Y1 - h->Y0 >= 14.f);
    }
    ImGui::DestroyContext(context);
}
