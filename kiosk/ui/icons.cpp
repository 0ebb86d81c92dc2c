#include "kiosk/ui/icons.hpp"

#include <string_view>

namespace chasqui::kiosk::icon {

// Pictures a person recognises without reading: a heartbeat for health, an id
// card for papers, a plate and cutlery for food, a bus for transport...
const char* forCategory(const char* category) {
    const std::string_view code = category != nullptr ? category : "";
    if (code == "health") return kHealth;
    if (code == "regularization") return kRegularization;
    if (code == "legal_aid") return kLegal;
    if (code == "shelter") return kShelter;
    if (code == "food") return kFood;
    if (code == "work") return kWork;
    if (code == "protection") return kProtection;
    if (code == "emergency") return kEmergency;
    if (code == "education") return kEducation;
    if (code == "cash") return kCash;
    if (code == "transport") return kTransport;
    if (code == "wash") return kWater;
    return kInfo;  // a category added to the vocabulary before an icon was chosen for it
}

}  // namespace chasqui::kiosk::icon
