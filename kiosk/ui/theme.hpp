#pragma once
// The kiosk's look: a calm, warm palette with text at WCAG AAA contrast (at
// least 7:1 against the surface it sits on, checked by tests/kiosk/theme_test),
// touch sizes (48 px minimum targets at 1080p) and rounded, generous spacing.
// Plain data: one Theme is made at start and read by the draw code.

#include <array>
#include <utility>
#include <vector>

#include <imgui.h>

namespace chasqui::kiosk {

struct Theme {
    ImVec4 background{0.969f, 0.957f, 0.933f, 1.f};  // warm paper #F7F4EE
    ImVec4 surface{1.f, 1.f, 1.f, 1.f};              // cards
    ImVec4 text{0.110f, 0.118f, 0.129f, 1.f};        // #1C1E21
    ImVec4 mutedText{0.239f, 0.259f, 0.282f, 1.f};   // #3D4248, still 7:1 on paper
    ImVec4 primary{0.043f, 0.333f, 0.388f, 1.f};     // deep teal #0B5563
    ImVec4 primaryActive{0.027f, 0.247f, 0.290f, 1.f};
    ImVec4 onPrimary{1.f, 1.f, 1.f, 1.f};
    ImVec4 secondary{0.878f, 0.918f, 0.925f, 1.f};  // pale teal #E0EAEC
    ImVec4 secondaryActive{0.780f, 0.851f, 0.863f, 1.f};
    ImVec4 onSecondary{0.110f, 0.118f, 0.129f, 1.f};
    ImVec4 danger{0.525f, 0.110f, 0.110f, 1.f};  // #861C1C
    ImVec4 onDanger{1.f, 1.f, 1.f, 1.f};
    ImVec4 warningSurface{1.f, 0.953f, 0.820f, 1.f};  // #FFF3D1
    ImVec4 onWarning{0.180f, 0.130f, 0.000f, 1.f};
    ImVec4 errorText{0.525f, 0.110f, 0.110f, 1.f};    // on paper and surface
    ImVec4 successText{0.055f, 0.310f, 0.153f, 1.f};  // #0E4F27
    // Outlines of fields, cards and unselected chips: at least 3:1 against
    // the paper, the cards and a chip's own fill (WCAG 1.4.11), #6B7178.
    ImVec4 border{0.420f, 0.443f, 0.471f, 1.f};
    ImVec4 keyboardBackground{0.588f, 0.616f, 0.647f, 1.f};  // behind the keys, which have their own fills
    ImVec4 topBar{0.043f, 0.333f, 0.388f, 1.f};
    ImVec4 onTopBar{1.f, 1.f, 1.f, 1.f};

    float minTouch = 48.f;      // px at 1080p, the smaller side of any target
    float buttonHeight = 72.f;  // comfortable default for a finger
    float rounding = 14.f;
    float spacing = 16.f;
    // Body text at text size 1.0, as ImGui sizes a font: the height from the
    // font's ascender to its descender. Noto Sans puts 1362 units there for an
    // em of 1000, so 28 px gives an em (the CSS font size) of 20.6 px: the
    // spec's "body text at least 20 px" (tests/kiosk/fonts_test.cpp measures
    // the glyphs as drawn).
    float bodyPx = 28.f;

    // (text, background) pairs the kiosk draws, for the contrast test.
    std::vector<std::pair<ImVec4, ImVec4>> textPairs() const;
    // (boundary, adjacent colour) pairs of components: outlines of fields,
    // cards and unselected chips against what is around and inside them, and
    // filled (selected) chips against the page, for the 3:1 non-text test.
    std::vector<std::pair<ImVec4, ImVec4>> boundaryPairs() const;
};

// WCAG 2 contrast ratio of two opaque colours (1..21).
float contrastRatio(const ImVec4& a, const ImVec4& b);

// Applies the theme to ImGui's style, scaled for a text-size setting.
void applyTheme(const Theme& theme, float scale);

inline ImU32 toU32(const ImVec4& c) {
    return ImGui::ColorConvertFloat4ToU32(c);
}

}  // namespace chasqui::kiosk
