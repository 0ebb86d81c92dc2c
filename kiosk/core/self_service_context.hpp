#pragma once
// What self-service screens (welcome, categories, service list, service
// page) are given when they are made: the public catalog, the words, the
// person's choices and the way to other screens; nothing that reaches the
// personal-data store. These screens are the library chasqui_kiosk_self_service,
// which does not link the store (chasqui_storage) or sync (chasqui_sync):
// a self-service unit that called into case data would not link
// (kiosk/CMakeLists.txt, kiosk/app/self_service_wall.cpp). So this header and
// what it includes stay free of the store's and the staff services' headers.

#include <string>

#include "kiosk/core/screen.hpp"
#include "kiosk/core/task_runner.hpp"
#include "kiosk/core/translations.hpp"
#include "kiosk/services/catalog_service.hpp"
#include "kiosk/speech/speech.hpp"

namespace chasqui::kiosk {

// The visitor's choices. The next visitor always finds them at their
// defaults: SessionLife puts them back when the inactivity lock fires.
struct Preferences {
    static constexpr float kDefaultTextScale = 1.f;
    float textScale = kDefaultTextScale;  // 1.0, 1.25 or 1.5
};

// What the person picked in self-service, shared by its screens.
struct SelfServiceState {
    std::string category;
    std::string district;  // empty: all
    std::string serviceId;
};

struct SelfServiceContext {
    Navigator& nav;
    TaskRunner& tasks;
    CatalogService& catalog;  // worker thread only
    Translations& i18n;
    SelfServiceState& state;
    Preferences& prefs;
    speech::Speech& speech;  // reads public text aloud; UI thread calls, never blocks
};

}  // namespace chasqui::kiosk
