#include "kiosk/speech/voices.hpp"

namespace chasqui::kiosk::speech {

// es-419 rather than es: the people at the kiosk hear Latin American Spanish
// every day; pt-br because Brazil is Peru's neighbour and most Portuguese
// speakers there come from it.
const char* voiceFor(std::string_view language) {
    if (language == "en") return "en-us";  // i18n: not UI
    if (language == "pt") return "pt-br";  // i18n: not UI
    if (language == "ht") return "ht";     // i18n: not UI
    return "es-419";                       // i18n: not UI
}

}  // namespace chasqui::kiosk::speech
