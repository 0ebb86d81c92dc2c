#pragma once
// Fonts from Debian packages, found at run time: Noto Sans (fonts-noto-core)
// for text and Font Awesome 4 (fonts-font-awesome) for icons, merged into the
// text fonts. The glyph ranges cover Spanish, English, Portuguese and Haitian
// Creole plus general punctuation (em dash, curly quotes, ellipsis), which the
// default ImGui range would turn into "?".

#include <filesystem>
#include <string>

#include <imgui.h>

#include "storage/base/error.hpp"

namespace chasqui::kiosk {

struct FontSet {
    ImFont* body = nullptr;     // body text, with icons
    ImFont* bold = nullptr;     // labels and buttons, with icons
    ImFont* heading = nullptr;  // screen titles
    ImFont* display = nullptr;  // the largest words (welcome)
    ImFont* icons = nullptr;    // large icons for tiles
};

struct FontFiles {
    std::filesystem::path regular;
    std::filesystem::path bold;
    std::filesystem::path icons;
};

// The Debian paths, or NotFound naming the package to install.
storage::Result<FontFiles> findFontFiles();

// Clears `atlas` and adds the kiosk's fonts at `scale` (the text-size
// setting; 1.0 = 24 px body text). The caller builds the atlas (and uploads
// it to the GPU when there is one).
storage::Result<FontSet> loadFonts(ImFontAtlas& atlas, const FontFiles& files, float bodyPx, float scale);

}  // namespace chasqui::kiosk
