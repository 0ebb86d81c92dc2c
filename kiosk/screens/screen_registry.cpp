#include "kiosk/screens/screen_registry.hpp"

#include "kiosk/screens/welcome_screen.hpp"

namespace chasqui::kiosk {

void registerScreens(Router& router, SelfServiceContext& self, StaffContext& staff) {
    router.add(std::make_unique<WelcomeScreen>(self, staff.session));
}

}  // namespace chasqui::kiosk
