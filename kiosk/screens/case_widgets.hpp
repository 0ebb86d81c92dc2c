#pragma once
// Small drawing helpers of the case-work screens: a card (a white rounded
// panel behind a group of widgets, sized to what was drawn in it), chips (a
// short label on a pale rounded background, wrapping like words) and a
// labelled value. Nothing interactive: every tappable item on these screens
// is a kiosk widget with a key. Draw code only.

#include <string>
#include <string_view>

#include <imgui.h>

#include "kiosk/ui/ui_context.hpp"

namespace chasqui::kiosk::casework {

// A card around what is drawn between construction and end(). Cards cannot
// nest (each splits the window's draw list in two layers).
class Card {
public:
    explicit Card(Ui& ui);
    void end();
    // Text that wraps at the card's inner edge (the kiosk's text() wraps at the window's).
    void paragraph(std::string_view text, bool mutedTone = false);
    float innerWidth() const { return m_width - m_pad * 2.f; }

private:
    Ui& m_ui;
    ImVec2 m_start;
    float m_width = 0.f;
    float m_pad = 0.f;
};

// Chips in a row that wraps at `width` (default: what is left of the line).
class Chips {
public:
    explicit Chips(Ui& ui, float width = 0.f);
    void add(std::string_view text, bool strong = false);

private:
    Ui& m_ui;
    float m_right = 0.f;
    bool m_first = true;
};

// Height to keep below a scroll area for a row of buttons (a sticky footer).
float footerHeight(const Ui& ui);
// Text beside the footer's buttons, centred on their height (an error in red).
void footerNote(Ui& ui, std::string_view text, bool error);

// Call right after a text field inside a scroll area: in the frame the field
// takes the keyboard, its area scrolls so the field stays in sight above the
// keyboard. `scrolledFor` (the screen's) remembers which field it did it for.
void keepInSight(Ui& ui, const char* fieldKey, std::string& scrolledFor);

// A muted caption above its value ("Documento" / "DNI 12345678"); a dash when empty.
void field(Ui& ui, std::string_view caption, std::string_view value);

}  // namespace chasqui::kiosk::casework
