#pragma once
// A finger on long, scrolling screens: bring an item into view by dragging
// its list, tap it there; and a dump of the last frame for debugging.
#include <string>

#include "tests/kiosk/support/headless_kiosk.hpp"

namespace chasqui::test {

// Drags the scroll area holding items that start with `areaPrefix` until
// `key` is wholly on screen above `bottom` (the keyboard's top), as a finger
// would: holding another item of the area, the item itself when half of it
// shows, or the empty room above the fold. False when it cannot.
bool reveal(HeadlessKiosk& k, const std::string& key, const std::string& areaPrefix, float bottom = 1000.f);
// reveal(), then a tap on it.
bool tapInView(HeadlessKiosk& k, const std::string& key, const std::string& areaPrefix, float bottom = 1000.f);
// Every item of the last frame with its rectangle, as test messages.
void dump(HeadlessKiosk& k);

}  // namespace chasqui::test
