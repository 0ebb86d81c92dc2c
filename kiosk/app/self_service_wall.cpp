// chasqui_self_service_wall: the link-time wall between the public's screens
// and case data. It is linked with the whole of chasqui_kiosk_self_service
// (every object in it, used here or not) and only what that library may
// link: the kiosk's UI, the public catalog and the storage base. Not the
// personal-data store (chasqui_storage), not sync. A self-service unit that
// called into either would leave an undefined reference, and the build
// (this target is in every build) fails naming it. It also makes every
// self-service screen, so a screen that needs more than SelfServiceContext
// cannot hide. Run by CTest (kiosk_self_service_wall); it touches no file.

#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "kiosk/core/self_service_context.hpp"
#include "kiosk/core/session_view.hpp"
#include "kiosk/screens/categories_screen.hpp"
#include "kiosk/screens/service_detail_screen.hpp"
#include "kiosk/screens/service_list_screen.hpp"
#include "kiosk/screens/welcome_screen.hpp"
#include "storage/base/data_dir.hpp"

namespace {

using namespace chasqui::kiosk;

class NoNavigation final : public Navigator {
public:
    void go(ScreenId) override {}
    void back() override {}
    void replace(ScreenId) override {}
    void home() override {}
    void signOut() override {}
};

// Silent: the wall is about what links, and it touches no file (espeak-ng's voices are files).
class NoSpeech final : public speech::Speech {
public:
    std::uint64_t speak(std::string_view, std::string_view) override { return 0; }
    void stop() override {}
};

}  // namespace

int main() {
    NoNavigation nav;
    TaskRunner tasks;
    CatalogService catalog(chasqui::storage::DataDir(std::filesystem::path("/nonexistent/chasqui-wall")));
    Translations i18n;
    SelfServiceState state;
    Preferences prefs;
    SessionView session;
    NoSpeech speech;
    SelfServiceContext ctx{nav, tasks, catalog, i18n, state, prefs, speech};
    std::vector<std::unique_ptr<Screen>> screens;
    screens.push_back(std::make_unique<WelcomeScreen>(ctx, session));
    screens.push_back(std::make_unique<CategoriesScreen>(ctx));
    screens.push_back(std::make_unique<ServiceListScreen>(ctx));
    screens.push_back(std::make_unique<ServiceDetailScreen>(ctx));
    for (const auto& screen : screens) {
        if (screen->needsSession() || screen->holdsPersonalData()) {
            std::fprintf(stderr, "self-service screen %s needs a session or holds personal data\n",
                         screenName(screen->id()));
            return 1;
        }
        std::printf("%s: links without the personal-data store\n", screenName(screen->id()));
    }
    return 0;
}
