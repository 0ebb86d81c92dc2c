#include "storage/base/text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace chasqui::storage {

namespace {

// Decodes one code point at `i`; returns 0 bytes consumed on malformed input.
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
    const auto c0 = static_cast<unsigned char>(s[i]);
    if (c0 < 0x80) {
        cp = c0;
        return 1;
    }
    std::size_t len = 0;
    char32_t min = 0;
    if ((c0 & 0xE0) == 0xC0) {
        len = 2;
        cp = c0 & 0x1F;
        min = 0x80;
    } else if ((c0 & 0xF0) == 0xE0) {
        len = 3;
        cp = c0 & 0x0F;
        min = 0x800;
    } else if ((c0 & 0xF8) == 0xF0) {
        len = 4;
        cp = c0 & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

// The end of the run of ASCII bytes that starts at `i`.
std::size_t asciiRunEnd(std::string_view s, std::size_t i) {
    constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
    while (i + 8 <= s.size()) {
        std::uint64_t word = 0;
        std::memcpy(&word, s.data() + i, sizeof word);
        if ((word & kHighBits) != 0) break;
        i += 8;
    }
    while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
    return i;
}

// Base Latin letter(s) for accented Latin-1 / Latin Extended-A letters, or
// nullptr when the code point is not a letter we fold.
const char* foldLatin(char32_t cp) {
    if (cp >= 'A' && cp <= 'Z') return nullptr;  // handled by caller
    switch (cp) {
        case U'à':
        case U'á':
        case U'â':
        case U'ã':
        case U'ä':
        case U'å':
        case U'ā':
        case U'ă':
        case U'ą':
        case U'À':
        case U'Á':
        case U'Â':
        case U'Ã':
        case U'Ä':
        case U'Å':
        case U'Ā':
        case U'Ă':
        case U'Ą':
            return "a";
        case U'æ':
        case U'Æ':
            return "ae";
        case U'ç':
        case U'Ç':
        case U'ć':
        case U'Ć':
        case U'č':
        case U'Č':
            return "c";
        case U'ď':
        case U'Ď':
        case U'đ':
        case U'Đ':
            return "d";
        case U'è':
        case U'é':
        case U'ê':
        case U'ë':
        case U'ē':
        case U'ę':
        case U'ě':
        case U'È':
        case U'É':
        case U'Ê':
        case U'Ë':
        case U'Ē':
        case U'Ę':
        case U'Ě':
            return "e";
        case U'ì':
        case U'í':
        case U'î':
        case U'ï':
        case U'ī':
        case U'Ì':
        case U'Í':
        case U'Î':
        case U'Ï':
        case U'Ī':
            return "i";
        case U'ñ':
        case U'Ñ':
        case U'ń':
        case U'Ń':
        case U'ň':
        case U'Ň':
            return "n";
        case U'ò':
        case U'ó':
        case U'ô':
        case U'õ':
        case U'ö':
        case U'ø':
        case U'ō':
        case U'ő':
        case U'Ò':
        case U'Ó':
        case U'Ô':
        case U'Õ':
        case U'Ö':
        case U'Ø':
        case U'Ō':
        case U'Ő':
            return "o";
        case U'œ':
        case U'Œ':
            return "oe";
        case U'ř':
        case U'Ř':
            return "r";
        case U'ś':
        case U'Ś':
        case U'š':
        case U'Š':
        case U'ş':
        case U'Ş':
            return "s";
        case U'ß':
            return "ss";
        case U'ť':
        case U'Ť':
        case U'ţ':
        case U'Ţ':
            return "t";
        case U'ù':
        case U'ú':
        case U'û':
        case U'ü':
        case U'ū':
        case U'ů':
        case U'ű':
        case U'Ù':
        case U'Ú':
        case U'Û':
        case U'Ü':
        case U'Ū':
        case U'Ů':
        case U'Ű':
            return "u";
        case U'ý':
        case U'ÿ':
        case U'Ý':
        case U'Ÿ':
            return "y";
        case U'ź':
        case U'ż':
        case U'ž':
        case U'Ź':
        case U'Ż':
        case U'Ž':
            return "z";
        case U'ł':
        case U'Ł':
            return "l";
        case U'ğ':
        case U'Ğ':
            return "g";
        default:
            return nullptr;
    }
}

}  // namespace

bool isUnicodeSpace(char32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C || cp == 0x85 ||
           cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

bool isBlank(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        char32_t cp = 0;
        const std::size_t len = decode(text, i, cp);
        if (len == 0 || !isUnicodeSpace(cp)) return false;
        i += len;
    }
    return true;
}

bool hasEdgeSpace(std::string_view text) {
    if (text.empty()) return false;
    char32_t first = 0;
    if (decode(text, 0, first) != 0 && isUnicodeSpace(first)) return true;
    // Walk back to the start of the last code point.
    std::size_t start = text.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    char32_t last = 0;
    return decode(text, start, last) != 0 && isUnicodeSpace(last);
}

bool isValidUtf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        // ASCII, nearly all of what a server checks, eight bytes at a time.
        i = asciiRunEnd(text, i);
        if (i == text.size()) break;
        char32_t cp = 0;
        const std::size_t len = decode(text, i, cp);
        if (len == 0) return false;
        i += len;
    }
    return true;
}

std::size_t codePointCount(std::string_view text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool hasControlChars(std::string_view text, bool allowNewlines) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c0 = static_cast<unsigned char>(text[i]);
        if (c0 >= 0x20 && c0 < 0x7F) {  // printable ASCII, without decoding
            ++i;
            continue;
        }
        char32_t cp = 0;
        std::size_t len = decode(text, i, cp);
        if (len == 0) len = 1;
        i += len;
        if (allowNewlines && (cp == '\n' || cp == '\t' || cp == '\r')) continue;
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029) return true;
    }
    return false;
}

std::string foldForSearch(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool pendingSpace = false;
    auto append = [&](std::string_view piece) {
        if (pendingSpace && !out.empty()) out.push_back(' ');
        pendingSpace = false;
        out.append(piece);
    };
    std::size_t i = 0;
    while (i < text.size()) {
        char32_t cp = 0;
        std::size_t len = decode(text, i, cp);
        if (len == 0) {
            len = 1;
            cp = U'?';
        }
        i += len;
        if (cp >= 'a' && cp <= 'z') {
            const char c = static_cast<char>(cp);
            append(std::string_view(&c, 1));
        } else if (cp >= 'A' && cp <= 'Z') {
            const char c = static_cast<char>(cp - 'A' + 'a');
            append(std::string_view(&c, 1));
        } else if (cp >= '0' && cp <= '9') {
            const char c = static_cast<char>(cp);
            append(std::string_view(&c, 1));
        } else if (const char* base = foldLatin(cp)) {
            append(base);
        } else if (cp >= 0x80 && cp != 0x2019 && cp != 0x2018 && cp != 0x2013 && cp != 0x2014 && cp != 0xA0) {
            // Another script (or a letter we do not fold): keep it as is.
            append(text.substr(i - len, len));
        } else {
            pendingSpace = true;
        }
    }
    return out;
}

std::vector<std::string> splitWords(std::string_view folded) {
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start < folded.size()) {
        const std::size_t end = folded.find(' ', start);
        const std::size_t stop = end == std::string_view::npos ? folded.size() : end;
        if (stop > start) words.emplace_back(folded.substr(start, stop - start));
        start = stop + 1;
    }
    return words;
}

std::string compactIdentifier(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c >= 'a' && c <= 'z')
            out.push_back(static_cast<char>(c - 'a' + 'A'));
        else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            out.push_back(c);
    }
    return out;
}

std::string digitsOnly(std::string_view text) {
    std::string out;
    for (char c : text)
        if (c >= '0' && c <= '9') out.push_back(c);
    return out;
}

std::string joinCodes(const std::vector<std::string>& codes, char separator) {
    std::string out;
    for (const auto& c : codes) {
        if (!out.empty()) out.push_back(separator);
        out += c;
    }
    return out;
}

std::vector<std::string> splitCodes(std::string_view text, char separator) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(separator, start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view code = text.substr(start, end - start);
        while (!code.empty() && code.front() == ' ') code.remove_prefix(1);
        while (!code.empty() && code.back() == ' ') code.remove_suffix(1);
        if (!code.empty()) out.emplace_back(code);
        start = end + 1;
    }
    return out;
}

double jaroWinkler(std::string_view a, std::string_view b) {
    if (a.empty() && b.empty()) return 1.0;
    if (a.empty() || b.empty()) return 0.0;
    if (a == b) return 1.0;
    const std::size_t window = std::max<std::size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
    std::vector<bool> aMatched(a.size(), false);
    std::vector<bool> bMatched(b.size(), false);
    std::size_t matches = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const std::size_t lo = i > window ? i - window : 0;
        const std::size_t hi = std::min(i + window + 1, b.size());
        for (std::size_t j = lo; j < hi; ++j) {
            if (bMatched[j] || a[i] != b[j]) continue;
            aMatched[i] = bMatched[j] = true;
            ++matches;
            break;
        }
    }
    if (matches == 0) return 0.0;
    std::size_t transpositions = 0;
    std::size_t k = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!aMatched[i]) continue;
        while (!bMatched[k]) ++k;
        if (a[i] != b[k]) ++transpositions;
        ++k;
    }
    const double m = static_cast<double>(matches);
    const double jaro = (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) +
                         (m - static_cast<double>(transpositions) / 2.0) / m) /
                        3.0;
    std::size_t prefix = 0;
    while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
    return jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
}

}  // namespace chasqui::storage
