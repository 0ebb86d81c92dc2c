#include "sync/client/health_check.hpp"

#include <nlohmann/json.hpp>

namespace chasqui::sync {

bool looksLikeChasquiHealth(std::string_view body) {
    // The parser runs with exceptions off: a portal page is the expected case,
    // not an exceptional one.
    const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) return false;
    const auto service = json.find("service");
    const auto protocol = json.find("protocol");
    return service != json.end() && service->is_string() && service->get_ref<const std::string&>() == "chasqui" &&
           protocol != json.end() && protocol->is_number_integer();
}

}  // namespace chasqui::sync
