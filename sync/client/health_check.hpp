#pragma once
// Recognises the answer of GET /v1/health (sync/PROTOCOL.md section 4).
// Hotel, shop and municipal Wi-Fi often answer every request with 200 and an
// HTML login page (a captive portal); a 200 is therefore not proof that the
// Chasqui server was reached. Pure function, safe from any thread.
#include <string_view>

namespace chasqui::sync {

// True only for a JSON object with "service": "chasqui" and an integer
// "protocol". HTML, empty bodies, other JSON and malformed JSON are false.
bool looksLikeChasquiHealth(std::string_view body);

}  // namespace chasqui::sync
