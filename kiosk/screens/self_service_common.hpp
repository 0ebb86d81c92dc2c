#pragma once
// Small pieces shared by the self-service screens (categories, service list,
// service page). Those screens are given SelfServiceContext only: the public
// catalog, never the personal-data store. UI thread only.

#include <string>
#include <string_view>

#include "kiosk/ui/ui_context.hpp"
#include "storage/base/error.hpp"

namespace chasqui::kiosk::self_service {

// Translation key of a category's word ("category.health").
std::string categoryKey(std::string_view category);

// Translation key of the message a member of the public sees when the
// catalog could not be read: never the storage layer's English message.
const char* errorKey(const storage::Error& error);

// "1 service" / "12 services" in the current language.
std::string countText(const Ui& ui, int count);

// The calm "one moment" line shown while the worker reads the catalog.
void drawWorking(Ui& ui);

// The speaker button (an icon and "Listen"): true when tapped; the screen
// then asks its Speech to read its text. Drawn at the cursor, `width` wide
// (0: as wide as its label).
bool speakerButton(Ui& ui, const char* key, float width = 0.f);
// How wide speakerButton() draws with width 0.
float speakerButtonWidth(const Ui& ui);

// How the words beside a speaker button look.
enum class TitleStyle { Heading, Label, Muted };

// A screen's title on the left, wrapping clear of the speaker button on its
// right. True when the speaker button was tapped.
bool titleWithSpeaker(Ui& ui, std::string_view title, const char* speakerKey, TitleStyle style = TitleStyle::Heading);

// A centred, calm message with a large icon (nothing to show, or an error).
void drawNotice(Ui& ui, const char* icon, std::string_view message);

}  // namespace chasqui::kiosk::self_service
