#pragma once
// The bar above every screen but the welcome screen: back (when there is
// somewhere to go back to), the screen's title, and on the right either who
// is signed in and "sign out", or the way home. Draw code only: it returns
// what was tapped and the caller acts on it at once. UI thread only.

#include <string_view>

#include "kiosk/core/session_view.hpp"
#include "kiosk/ui/ui_context.hpp"

namespace chasqui::kiosk {

enum class TopBarTap { None, Back, Home, SignOut };

// Draws the bar at the cursor across the whole display and leaves the cursor under it.
TopBarTap drawTopBar(Ui& ui, const char* titleKey, bool canGoBack, const SessionView& session);

}  // namespace chasqui::kiosk
