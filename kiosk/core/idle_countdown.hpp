#pragma once
// The countdown shown before the inactivity lock: a window with the seconds
// left and one "stay" button, in the middle of the screen, or beside the part
// a screen asked to keep clear (Ui::keepClear: the QR code of a service page,
// which a person may be scanning right then). Draw code only: returns true
// when "stay" was tapped (the caller starts the lock over). UI thread only.

#include <optional>

#include "kiosk/ui/ui_context.hpp"

namespace chasqui::kiosk {

struct CountdownPlace {
    ImVec2 centre;  // of the window
    float width = 0.f;
};

// Where the countdown goes on a `display`-sized screen: centred, at most
// `preferredWidth` wide; with `keepClear`, centred in the wider free side of
// it and narrowed to fit there (`margin` from each edge).
CountdownPlace placeCountdown(ImVec2 display, float preferredWidth, float margin,
                              const std::optional<KeepClear>& keepClear);

// `signedIn` picks the message (staff: the session closes; public: back to the start).
bool drawIdleCountdown(Ui& ui, int secondsLeft, bool signedIn);

}  // namespace chasqui::kiosk
