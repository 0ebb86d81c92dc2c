#pragma once
// The kiosk's touch widgets. Every interactive one takes an already
// translated label and a stable `key` (ASCII, unique within its screen) that
// becomes its ImGui id ("label###key"), so the id does not change with the
// language, and that the probe records for tests. Sizes never go below the
// 48 px touch minimum; nothing depends on hover. Draw code only: they return
// what the person asked for (a tap, a changed value) and do no work.

#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

#include "kiosk/ui/text_entry.hpp"
#include "kiosk/ui/ui_context.hpp"

namespace chasqui::kiosk {

enum class Tone { Primary, Secondary, Danger, OnTopBar };

struct Option {
    std::string code;
    std::string label;  // translated
};

bool button(Ui& ui, std::string_view label, const char* key, ImVec2 size = {}, Tone tone = Tone::Primary,
            bool enabled = true);
// A large square with an icon above a word (self-service categories, menus).
bool tile(Ui& ui, const char* icon, std::string_view label, const char* key, ImVec2 size);
// A full-width card with a title and a muted second line; taps open it.
bool listRow(Ui& ui, const char* key, std::string_view title, std::string_view subtitle, const char* icon = nullptr);

void text(Ui& ui, std::string_view value);
void muted(Ui& ui, std::string_view value);
void label(Ui& ui, std::string_view value);    // bold
void heading(Ui& ui, std::string_view value);  // large bold
void errorText(Ui& ui, std::string_view value);
void successText(Ui& ui, std::string_view value);
// A calm coloured panel with an icon and a message.
void banner(Ui& ui, const char* icon, std::string_view message, Tone tone = Tone::Secondary);
void progressBar(Ui& ui, float fraction, std::string_view overlay);

// A field that opens the on-screen keyboard when tapped. `error` (translated)
// is shown right under the field. Returns true in the frame its value changed.
bool textField(Ui& ui, std::string_view label, const char* key, std::string& value, EntryMode mode,
               std::size_t maxBytes, std::string_view error = {}, float width = 0.f, bool secret = false);
// One of several options as a row of buttons that wraps; returns true when changed.
bool choice(Ui& ui, std::string_view label, const char* key, const std::vector<Option>& options, std::string& value,
            std::string_view error = {});
// Several options; each tap toggles one.
bool multiChoice(Ui& ui, std::string_view label, const char* key, const std::vector<Option>& options,
                 std::vector<std::string>& values, std::string_view error = {});

// A scroll area that scrolls by dragging with a finger (see DragScroll).
void beginScrollArea(Ui& ui, const char* key, ImVec2 size);
void endScrollArea(Ui& ui);

}  // namespace chasqui::kiosk
