#pragma once
// What the speaker button of each self-service screen reads: that screen's
// visible words in a language, as sentences (". " between items, so the voice
// pauses), without icons. Only public words: the kiosk's translations and the
// public catalog. Pure functions of their arguments; UI thread or any.

#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/translations.hpp"
#include "storage/catalog/catalog_store.hpp"

namespace chasqui::kiosk::self_service {

// The welcome screen: greeting, what the kiosk is, the two ways in, the text size.
std::string spokenWelcome(const Translations& i18n, std::string_view lang);
// The category tiles: the question, the hint and every tile's word.
std::string spokenCategories(const Translations& i18n, std::string_view lang,
                             const std::vector<std::string>& categoryCodes);
// A category's services: the category, how many, each service's name,
// organization and district.
std::string spokenServiceList(const Translations& i18n, std::string_view lang, std::string_view category,
                              const std::vector<storage::ServiceSummary>& rows);
// A service page: name, organization, description and every fact with its label.
std::string spokenService(const Translations& i18n, std::string_view lang, const storage::Service& service,
                          const storage::ServiceText& words);

// "+51 900 000 001" -> "5 1, 9 0 0, 0 0 0, 0 0 1": a voice reads a phone
// number digit by digit, not as "nine hundred".
std::string spokenDigits(std::string_view number);

}  // namespace chasqui::kiosk::self_service
