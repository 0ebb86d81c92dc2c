#pragma once
// A person as a row of a list (search results, possible duplicates): what the
// row shows, no more. Personal data: screens drop their rows on sign-out and
// on the inactivity lock.
#include <string>
#include <string_view>

namespace chasqui::kiosk {

struct PersonRow {
    std::string personId;
    std::string name;  // personName() of the name parts
    std::string caseCode;
    std::string birthDate;  // ISO, may be empty
    std::string nationality;
    std::string docType;
    std::string docNumber;
};

// How a name is shown everywhere: given names, then both family names, one
// space between the parts that are present. Pure; any thread.
std::string personName(std::string_view given, std::string_view family1, std::string_view family2);

}  // namespace chasqui::kiosk
