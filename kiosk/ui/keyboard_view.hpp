#pragma once
// The on-screen keyboard, drawn at the bottom of the screen while a text
// field is focused: a Spanish layout (ñ and accented letters, Portuguese and
// Creole letters too), a numbers-and-symbols page, and a large numeric pad
// for numeric, phone and date fields. It also takes typed characters from a
// physical keyboard when one is attached. Draw code only.

#include "kiosk/ui/ui_context.hpp"

namespace chasqui::kiosk {

// Height the keyboard takes at the bottom of the screen (0 when closed).
float keyboardHeight(const Ui& ui);
void drawKeyboard(Ui& ui);
// A 3x4 pad of digits with backspace and an action key; PIN sign-in draws it
// in its page at full size (`docked` false), the keyboard at the bottom of the
// screen docked (keys no taller than the keyboard's share of the screen
// allows). Returns true when the action key was tapped.
bool drawKeypad(Ui& ui, const char* key, float width, const char* actionLabel, bool docked = false);
// Characters and backspace from a physical keyboard into the focused field.
void takePhysicalKeys(Ui& ui);

}  // namespace chasqui::kiosk
