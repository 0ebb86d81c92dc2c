#include "storage/search/phonetic_key.hpp"

#include "storage/base/text.hpp"

namespace chasqui::storage {

namespace {

bool frontVowel(char c) {
    return c == 'e' || c == 'i' || c == 'y';
}

bool vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

}  // namespace

std::string phoneticKey(std::string_view w) {
    std::string out;
    out.reserve(w.size());
    auto put = [&out](char c) {
        // Doubled letters ("rr", "ss", "nn", the "cc" of "ks"+"s") sound as one.
        if (out.empty() || out.back() != c) out.push_back(c);
    };
    for (std::size_t i = 0; i < w.size(); ++i) {
        const char c = w[i];
        const char next = i + 1 < w.size() ? w[i + 1] : '\0';
        const char after = i + 2 < w.size() ? w[i + 2] : '\0';
        switch (c) {
            case 'b':
            case 'v':
            case 'w':
                put('b');
                break;
            case 'z':
                put('s');
                break;
            case 's':
                // "sc" before e/i is one s ("Escilia" is not a name, "Ascencio"/"Asencio" is).
                put('s');
                if (next == 'c' && frontVowel(after)) ++i;
                break;
            case 'c':
                if (next == 'h') {
                    put('x');  // "ch" is one sound, not c + silent h
                    ++i;
                } else if (frontVowel(next)) {
                    put('s');
                } else {
                    put('k');
                }
                break;
            case 'q':
                put('k');
                if (next == 'u') ++i;
                break;
            case 'k':
                put('k');
                break;
            case 'g':
                if (frontVowel(next)) {
                    put('j');  // Gerónimo / Jerónimo
                } else {
                    put('g');
                    if (next == 'u' && frontVowel(after)) ++i;  // "gue", "gui": the u is silent
                }
                break;
            case 'j':
                put('j');
                break;
            case 'h':
                break;  // silent (the "ch" above never gets here)
            case 'p':
                if (next == 'h') {
                    put('f');
                    ++i;
                } else {
                    put('p');
                }
                break;
            case 'l':
                if (next == 'l') {
                    put('y');
                    ++i;
                } else {
                    put('l');
                }
                break;
            case 'y':
                // A consonant before a vowel ("Yépez"), a vowel elsewhere ("Godoy").
                put(vowel(next) ? 'y' : 'i');
                break;
            case 'x':
                put('k');
                put('s');
                break;
            case 'n':
                put(next == 'b' || next == 'v' || next == 'p' ? 'm' : 'n');
                break;
            default:
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) put(c);
                break;
        }
    }
    return out;
}

std::string phoneticKeys(std::string_view text) {
    std::string out;
    for (const auto& word : splitWords(foldForSearch(text))) {
        std::string key = phoneticKey(word);
        if (key.empty()) continue;
        if (!out.empty()) out += ' ';
        out += key;
    }
    return out;
}

}  // namespace chasqui::storage
