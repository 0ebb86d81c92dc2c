#pragma once
// The headless kiosk lives in kiosk/headless (the benchmark uses it too).
#include "kiosk/headless/headless_kiosk.hpp"

namespace chasqui::test {
using kiosk::HeadlessKiosk;
}
