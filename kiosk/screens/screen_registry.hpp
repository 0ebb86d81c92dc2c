#pragma once
// Every screen of the kiosk, made and handed to the router once at start.

#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/core/router.hpp"

namespace chasqui::kiosk {

void registerScreens(Router& router, SelfServiceContext& self, StaffContext& staff);

}  // namespace chasqui::kiosk
