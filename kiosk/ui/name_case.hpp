#pragma once
// Names written as names are: each word with a capital ("rosa elena" ->
// "Rosa Elena"), also after a hyphen or an apostrophe ("o'brien" ->
// "O'Brien", "maria-jose" -> "Maria-Jose"), accented letters included
// ("ángel" -> "Ángel"), and the joining words of Spanish and Portuguese
// surnames kept small after the first word ("maria de la cruz" -> "Maria de
// la Cruz"; at the start they are capitalised: "De la Cruz"). The rest of a
// word stays as typed ("McDonald"). Pure function, any thread.

#include <string>
#include <string_view>

namespace chasqui::kiosk {

std::string capitalisedName(std::string_view typed);

}  // namespace chasqui::kiosk
