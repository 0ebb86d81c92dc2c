#pragma once
// Text helpers shared by validation, search and duplicate detection. All
// functions are pure and thread-safe.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace chasqui::storage {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool isValidUtf8(std::string_view text);
// Number of code points; assumes valid UTF-8.
std::size_t codePointCount(std::string_view text);
// True when the text holds a control character other than tab/newline (or any at all when !allowNewlines).
bool hasControlChars(std::string_view text, bool allowNewlines);

// Unicode white space (ASCII blanks, no-break, en/em/thin spaces, ideographic...).
bool isUnicodeSpace(char32_t cp);
// True when every code point is white space (or the text is empty).
bool isBlank(std::string_view text);
// True when the first or last code point is white space.
bool hasEdgeSpace(std::string_view text);

// Search key of a name: lower case, accents removed (á->a, ñ->n, ç->c, ß->ss...),
// every run of other characters (spaces, hyphens, apostrophes) as one space.
// "Pérez-Gómez  D'Ávila" -> "perez gomez d avila".
std::string foldForSearch(std::string_view text);
// Splits a folded string on spaces.
std::vector<std::string> splitWords(std::string_view folded);
// Letters and digits only, upper case: "v-12.345.678" -> "V12345678".
std::string compactIdentifier(std::string_view text);
// Digits only: "+51 987-654-321" -> "51987654321".
std::string digitsOnly(std::string_view text);

// Lists of codes (needs, languages...) are stored as "a,b,c" (the catalog
// uses ';'). Splitting drops spaces around codes and empty items.
std::string joinCodes(const std::vector<std::string>& codes, char separator = ',');
std::vector<std::string> splitCodes(std::string_view text, char separator = ',');

// Jaro-Winkler similarity in [0,1] of two ASCII strings (use folded text).
double jaroWinkler(std::string_view a, std::string_view b);

}  // namespace chasqui::storage
