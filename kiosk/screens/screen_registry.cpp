#include "kiosk/screens/screen_registry.hpp"

#include "kiosk/screens/assistance_screen.hpp"
#include "kiosk/screens/case_view_screen.hpp"
#include "kiosk/screens/categories_screen.hpp"
#include "kiosk/screens/conflicts_screen.hpp"
#include "kiosk/screens/enrollment_screen.hpp"
#include "kiosk/screens/referral_screen.hpp"
#include "kiosk/screens/register_screen.hpp"
#include "kiosk/screens/report_screen.hpp"
#include "kiosk/screens/service_detail_screen.hpp"
#include "kiosk/screens/service_list_screen.hpp"
#include "kiosk/screens/sign_in_screen.hpp"
#include "kiosk/screens/staff_accounts_screen.hpp"
#include "kiosk/screens/staff_home_screen.hpp"
#include "kiosk/screens/supervisor_home_screen.hpp"
#include "kiosk/screens/sync_panel_screen.hpp"
#include "kiosk/screens/welcome_screen.hpp"

namespace chasqui::kiosk {

void registerScreens(Router& router, SelfServiceContext& self, StaffContext& staff) {
    router.add(std::make_unique<WelcomeScreen>(self, staff.session));
    router.add(std::make_unique<SignInScreen>(staff));
    router.add(std::make_unique<StaffHomeScreen>(staff));
    router.add(std::make_unique<RegisterScreen>(staff));
    router.add(std::make_unique<CaseViewScreen>(staff));
    router.add(std::make_unique<AssistanceScreen>(staff));
    router.add(std::make_unique<ReferralScreen>(staff));
    router.add(std::make_unique<SupervisorHomeScreen>(staff));
    router.add(std::make_unique<SyncPanelScreen>(staff));
    router.add(std::make_unique<ConflictsScreen>(staff));
    router.add(std::make_unique<ReportScreen>(staff));
    router.add(std::make_unique<StaffAccountsScreen>(staff));
    router.add(std::make_unique<EnrollmentScreen>(staff));
    router.add(std::make_unique<CategoriesScreen>(self));
    router.add(std::make_unique<ServiceListScreen>(self));
    router.add(std::make_unique<ServiceDetailScreen>(self));
}

}  // namespace chasqui::kiosk
