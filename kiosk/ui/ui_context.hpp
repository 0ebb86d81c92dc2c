#pragma once
// What draw code needs, passed to every screen's draw: words, looks, fonts,
// the on-screen keyboard's state, touch scrolling and the probe. Made by the
// app for each frame; draw code reads it and records intents, nothing else.

#include <cstdint>
#include <optional>
#include <string_view>

#include "kiosk/core/translations.hpp"
#include "kiosk/ui/drag_scroll.hpp"
#include "kiosk/ui/fonts.hpp"
#include "kiosk/ui/text_entry.hpp"
#include "kiosk/ui/theme.hpp"
#include "kiosk/ui/ui_probe.hpp"

namespace chasqui::kiosk {

// A part of the screen that overlays must leave visible (the QR code).
struct KeepClear {
    ImVec2 min, max;
};

struct Ui {
    const Translations& i18n;
    const Theme& theme;
    const FontSet& fonts;
    UiProbe& probe;
    TextEntry& entry;
    DragScroll& scroll;
    float scale = 1.f;       // text-size setting
    float dt = 1.f / 60.f;   // seconds since the previous frame
    std::int64_t nowMs = 0;  // the app's clock
    bool animate = false;    // set by widgets that need another frame soon
    // Set by a screen while drawing: the idle countdown is placed beside it.
    std::optional<KeepClear> keepClear;

    const char* tr(std::string_view key) const { return i18n.tr(key); }
    // Touch sizes grow with the text size so a larger text still fits.
    float px(float value) const { return value * scale; }
};

}  // namespace chasqui::kiosk
