#pragma once
// The countdown shown before the inactivity lock: a window in the middle of
// the screen with the seconds left and one "stay" button. Draw code only:
// returns true when "stay" was tapped (the caller starts the lock over).
// UI thread only.

#include "kiosk/ui/ui_context.hpp"

namespace chasqui::kiosk {

// `signedIn` picks the message (staff: the session closes; public: back to the start).
bool drawIdleCountdown(Ui& ui, int secondsLeft, bool signedIn);

}  // namespace chasqui::kiosk
