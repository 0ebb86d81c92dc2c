#pragma once
// Which espeak-ng voice reads each kiosk language: Latin American Spanish,
// American English, Brazilian Portuguese and Haitian Creole (the voices in
// Debian's espeak-ng-data). Unknown codes read in Spanish, the default.

#include <string_view>

namespace chasqui::kiosk::speech {

const char* voiceFor(std::string_view language);

}  // namespace chasqui::kiosk::speech
