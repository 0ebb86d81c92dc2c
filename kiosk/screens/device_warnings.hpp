#pragma once
// The kiosk's own warnings for staff, drawn on the sign-in screen and the
// sync panel from services/device_status.hpp's view model: a clock that is
// off from the server's (with the amount in days, hours or minutes) and a
// disk running out of space. Draws nothing when all is well.

#include <cstdint>
#include <string>

#include "kiosk/services/device_status.hpp"

namespace chasqui::kiosk {

struct Ui;

// "2 días", "3 horas y 20 minutos", "5 minutos": the size of a clock offset,
// its largest unit and the next one.
std::string clockOffsetText(const Ui& ui, std::int64_t offsetMs);
// "148 KB", "50 MB": free space as the disk warning says it.
std::string freeSpaceText(const Ui& ui, std::uint64_t bytes);
// One banner per warning; returns whether any was drawn.
bool drawDeviceWarnings(Ui& ui, const DeviceStatusView& view);

}  // namespace chasqui::kiosk
