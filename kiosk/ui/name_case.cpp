#include "kiosk/ui/name_case.hpp"

#include <algorithm>
#include <array>

#include "kiosk/ui/text_entry.hpp"

namespace chasqui::kiosk {

namespace {

using namespace std::string_view_literals;

// Spanish, Portuguese and French joining words of surnames.
constexpr std::array kParticles{"de"sv, "del"sv, "la"sv, "las"sv, "los"sv, "y"sv,   "e"sv,   "da"sv, "das"sv,
                                "do"sv, "dos"sv, "di"sv, "du"sv,  "van"sv, "von"sv, "des"sv, "le"sv};

std::size_t charLength(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) return 2;
    if ((lead & 0xF0) == 0xE0) return 3;
    if ((lead & 0xF8) == 0xF0) return 4;
    return 1;
}

// Lower case of a letter the keyboard offers, the inverse of upperOf().
std::string lowerOf(std::string_view c) {
    if (c.size() == 1 && c[0] >= 'A' && c[0] <= 'Z') return std::string(1, static_cast<char>(c[0] + 32));
    static constexpr std::array kLower{"ñ"sv, "á"sv, "é"sv, "í"sv, "ó"sv, "ú"sv, "ü"sv,
                                       "ç"sv, "ã"sv, "õ"sv, "è"sv, "ò"sv, "à"sv, "ê"sv};
    for (auto l : kLower)
        if (upperOf(l) == c) return std::string(l);
    return std::string(c);
}

std::string lowered(std::string_view word) {
    std::string out;
    for (std::size_t i = 0; i < word.size();) {
        const std::size_t n = std::min(charLength(static_cast<unsigned char>(word[i])), word.size() - i);
        out += lowerOf(word.substr(i, n));
        i += n;
    }
    return out;
}

bool breaksWord(char c) {
    return c == ' ' || c == '-' || c == '\'';
}

}  // namespace

std::string capitalisedName(std::string_view typed) {
    std::string out;
    out.reserve(typed.size());
    bool firstWord = true;
    std::size_t i = 0;
    while (i < typed.size()) {
        if (breaksWord(typed[i])) {
            if (typed[i] == ' ' && !out.empty()) firstWord = false;
            out += typed[i++];
            continue;
        }
        std::size_t end = i;
        while (end < typed.size() && !breaksWord(typed[end])) ++end;
        const std::string_view word = typed.substr(i, end - i);
        const std::string low = lowered(word);
        // A particle stays small after the first word, unless it is the last
        // thing typed and could still grow into a name ("de" -> "Delgado"
        // is decided when the word ends).
        const bool particle = !firstWord && std::find(kParticles.begin(), kParticles.end(), low) != kParticles.end() &&
                              (end < typed.size() && typed[end] == ' ');
        if (particle) {
            out += low;
        } else {
            const std::size_t n = std::min(charLength(static_cast<unsigned char>(word[0])), word.size());
            out += upperOf(lowerOf(word.substr(0, n)));
            out += word.substr(n);
        }
        i = end;
    }
    return out;
}

}  // namespace chasqui::kiosk
