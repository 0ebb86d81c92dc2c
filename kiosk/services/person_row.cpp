#include "kiosk/services/person_row.hpp"

namespace chasqui::kiosk {

std::string personName(std::string_view given, std::string_view family1, std::string_view family2) {
    std::string out(given);
    for (std::string_view part : {family1, family2}) {
        if (part.empty()) continue;
        if (!out.empty()) out += ' ';
        out += part;
    }
    return out;
}

}  // namespace chasqui::kiosk
