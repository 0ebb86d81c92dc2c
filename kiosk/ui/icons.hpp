#pragma once
// Font Awesome 4.7 code points (Debian's fonts-font-awesome) as UTF-8, for
// icons inside labels. Not words: they need no translation.

namespace chasqui::kiosk::icon {

inline constexpr const char* kHealth = "\xef\x88\x9e";          // U+F21E heartbeat
inline constexpr const char* kRegularization = "\xef\x8b\x82";  // U+F2C2 id-card
inline constexpr const char* kLegal = "\xef\x89\x8e";           // U+F24E balance-scale
inline constexpr const char* kShelter = "\xef\x80\x95";         // U+F015 home
inline constexpr const char* kFood = "\xef\x83\xb5";            // U+F0F5 cutlery
inline constexpr const char* kWork = "\xef\x82\xb1";            // U+F0B1 briefcase
inline constexpr const char* kProtection = "\xef\x84\xb2";      // U+F132 shield
inline constexpr const char* kEmergency = "\xef\x83\xb9";       // U+F0F9 ambulance
inline constexpr const char* kEducation = "\xef\x86\x9d";       // U+F19D graduation-cap
inline constexpr const char* kCash = "\xef\x83\x96";            // U+F0D6 money
inline constexpr const char* kTransport = "\xef\x88\x87";       // U+F207 bus
inline constexpr const char* kWater = "\xef\x81\x83";           // U+F043 tint
inline constexpr const char* kUsers = "\xef\x83\x80";           // U+F0C0 users
inline constexpr const char* kUser = "\xef\x80\x87";            // U+F007 user
inline constexpr const char* kUserPlus = "\xef\x88\xb4";        // U+F234 user-plus
inline constexpr const char* kSearch = "\xef\x80\x82";          // U+F002 search
inline constexpr const char* kRefresh = "\xef\x80\xa1";         // U+F021 refresh
inline constexpr const char* kWarning = "\xef\x81\xb1";         // U+F071 exclamation-triangle
inline constexpr const char* kCheck = "\xef\x80\x8c";           // U+F00C check
inline constexpr const char* kClose = "\xef\x80\x8d";           // U+F00D times
inline constexpr const char* kBack = "\xef\x81\xa0";            // U+F060 arrow-left
inline constexpr const char* kNext = "\xef\x81\xa1";            // U+F061 arrow-right
inline constexpr const char* kChevronRight = "\xef\x81\x94";    // U+F054 chevron-right
inline constexpr const char* kGlobe = "\xef\x82\xac";           // U+F0AC globe
inline constexpr const char* kLock = "\xef\x80\xa3";            // U+F023 lock
inline constexpr const char* kSignOut = "\xef\x82\x8b";         // U+F08B sign-out
inline constexpr const char* kQr = "\xef\x80\xa9";              // U+F029 qrcode
inline constexpr const char* kMapMarker = "\xef\x81\x81";       // U+F041 map-marker
inline constexpr const char* kClock = "\xef\x80\x97";           // U+F017 clock-o
inline constexpr const char* kPhone = "\xef\x82\x95";           // U+F095 phone
inline constexpr const char* kWhatsapp = "\xef\x88\xb2";        // U+F232 whatsapp
inline constexpr const char* kEnvelope = "\xef\x83\xa0";        // U+F0E0 envelope
inline constexpr const char* kInfo = "\xef\x81\x9a";            // U+F05A info-circle
inline constexpr const char* kCog = "\xef\x80\x93";             // U+F013 cog
inline constexpr const char* kPlus = "\xef\x81\xa7";            // U+F067 plus
inline constexpr const char* kUpload = "\xef\x83\xae";          // U+F0EE cloud-upload
inline constexpr const char* kDownload = "\xef\x83\xad";        // U+F0ED cloud-download
inline constexpr const char* kTextSize = "\xef\x80\xb4";        // U+F034 text-height
inline constexpr const char* kCalendar = "\xef\x81\xb3";        // U+F073 calendar
inline constexpr const char* kShare = "\xef\x81\xa4";           // U+F064 share
inline constexpr const char* kNote = "\xef\x89\x8a";            // U+F24A sticky-note-o
inline constexpr const char* kFile = "\xef\x83\xb6";            // U+F0F6 file-text-o
inline constexpr const char* kKey = "\xef\x82\x84";             // U+F084 key
inline constexpr const char* kTablet = "\xef\x84\x8a";          // U+F10A tablet
inline constexpr const char* kBan = "\xef\x81\x9e";             // U+F05E ban
inline constexpr const char* kHandshake = "\xef\x8a\xb5";       // U+F2B5 handshake-o
inline constexpr const char* kBackspace = "\xef\x85\xb7";       // U+F177 long-arrow-left
inline constexpr const char* kShift = "\xef\x81\xa2";           // U+F062 arrow-up
inline constexpr const char* kKeyboard = "\xef\x84\x9c";        // U+F11C keyboard-o
inline constexpr const char* kChart = "\xef\x82\x80";           // U+F080 bar-chart
inline constexpr const char* kVolumeUp = "\xef\x80\xa8";        // U+F028 volume-up (read aloud)
inline constexpr const char* kTable = "\xef\x83\x8e";           // U+F0CE table
inline constexpr const char* kCodeFork = "\xef\x84\xa6";        // U+F126 code-fork (conflicts)

// The icon of a service category (storage/base/vocabulary.hpp serviceCategories()).
const char* forCategory(const char* category);

}  // namespace chasqui::kiosk::icon
