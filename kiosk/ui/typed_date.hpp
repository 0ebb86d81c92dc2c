#pragma once
// The one way the kiosk shows and takes dates: DD/MM/AAAA, as people in Peru
// write them. The store keeps YYYY-MM-DD; these convert between the two.
// Pure functions, any thread.

#include <string>
#include <string_view>

namespace chasqui::kiosk {

// "1990-03-15" from "15/03/1990" (also "15-03-1990", "15031990", one-digit
// day or month, or an ISO date as is). Empty when it is not a date's shape;
// whether the day exists is the caller's check.
std::string isoFromTyped(std::string_view typed);
// What a date field's text (already trimmed) is stored as: the ISO date, or
// the text as typed when it is not a date's shape, so that the store's own
// check refuses it and names the field. Empty stays empty.
std::string storedDate(std::string_view typed);
// "15/03/1990" from "1990-03-15"; anything else is returned unchanged.
std::string typedFromIso(std::string_view iso);
// What a date field holds after `key` (a digit, '/' or '-') is typed at the
// end of `current`: the separators are typed for the person ("15/03" + "1"
// -> "15/03/1"; "15031990" typed shows "15/03/1990"); '/' or '-' ends a
// one-digit day or month. Empty when the key is refused (the field is full).
std::string withDateKey(std::string_view current, char key);

}  // namespace chasqui::kiosk
