#include "kiosk/ui/fonts.hpp"

#include <array>
#include <optional>

#include <fmt/format.h>

namespace chasqui::kiosk {

namespace fs = std::filesystem;

namespace {

// Latin-1, Latin Extended-A and -B (ñ, ç, ã, õ, è, ò and names from many
// countries), general punctuation (— – “ ” ‘ ’ … •), currency (S/ uses ASCII; € ₲).
constexpr ImWchar kTextRanges[] = {0x0020, 0x00FF, 0x0100, 0x024F, 0x2010, 0x205E, 0x20A0, 0x20C0, 0x2190, 0x21FF, 0};
// Font Awesome 4.7 private-use range.
constexpr ImWchar kIconRanges[] = {0xF000, 0xF2E0, 0};

std::optional<fs::path> firstExisting(std::initializer_list<const char*> candidates) {
    for (const char* c : candidates) {
        std::error_code ec;
        if (fs::is_regular_file(c, ec)) return fs::path(c);
    }
    return std::nullopt;
}

ImFont* addText(ImFontAtlas& atlas, const fs::path& file, float px, const fs::path& icons) {
    ImFontConfig config;
    config.OversampleH = 2;
    config.OversampleV = 1;
    ImFont* font = atlas.AddFontFromFileTTF(file.c_str(), px, &config, kTextRanges);
    if (font == nullptr) return nullptr;
    ImFontConfig merge;
    merge.MergeMode = true;
    merge.GlyphOffset = ImVec2(0.f, px * 0.05f);
    merge.GlyphMinAdvanceX = px;  // icons line up in lists
    atlas.AddFontFromFileTTF(icons.c_str(), px * 0.9f, &merge, kIconRanges);
    return font;
}

}  // namespace

storage::Result<FontFiles> findFontFiles() {
    auto regular = firstExisting({"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"});         // i18n: not UI
    auto bold = firstExisting({"/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",                 // i18n: not UI
                               "/usr/share/fonts/truetype/noto/NotoSans-SemiBold.ttf"});           // i18n: not UI
    auto icons = firstExisting({"/usr/share/fonts/truetype/font-awesome/fontawesome-webfont.ttf",  // i18n: not UI
                                "/usr/share/fonts-font-awesome/fonts/fontawesome-webfont.ttf"});   // i18n: not UI
    if (!regular || !bold)
        return storage::fail(
            storage::ErrorCode::NotFound,
            "the Noto Sans font is missing; install the Debian package fonts-noto-core");  // i18n: not UI
    if (!icons)
        return storage::fail(
            storage::ErrorCode::NotFound,
            "the Font Awesome font is missing; install the Debian package fonts-font-awesome");  // i18n: not UI
    return FontFiles{*regular, *bold, *icons};
}

storage::Result<FontSet> loadFonts(ImFontAtlas& atlas, const FontFiles& files, float bodyPx, float scale) {
    atlas.Clear();
    const float body = bodyPx * scale;
    FontSet set;
    set.body = addText(atlas, files.regular, body, files.icons);
    set.bold = addText(atlas, files.bold, body, files.icons);
    set.heading = addText(atlas, files.bold, body * 1.4f, files.icons);
    set.display = addText(atlas, files.bold, body * 2.0f, files.icons);
    ImFontConfig iconConfig;
    set.icons = atlas.AddFontFromFileTTF(files.icons.c_str(), body * 2.6f, &iconConfig, kIconRanges);
    if (!set.body || !set.bold || !set.heading || !set.display || !set.icons)
        return storage::fail(storage::ErrorCode::Damaged,
                             fmt::format("a font file could not be read ({}, {}, {})",  // i18n: not UI
                                         files.regular.string(), files.bold.string(), files.icons.string()));
    return set;
}

}  // namespace chasqui::kiosk
