#include "kiosk/ui/text_entry.hpp"

#include <array>
#include <utility>

#include "kiosk/ui/name_case.hpp"
#include "kiosk/ui/typed_date.hpp"

namespace chasqui::kiosk {

namespace {

bool allowed(EntryMode mode, std::string_view c) {
    const bool digit = c.size() == 1 && c[0] >= '0' && c[0] <= '9';
    switch (mode) {
        case EntryMode::Text:
        case EntryMode::Name:
            return !c.empty() && static_cast<unsigned char>(c[0]) >= 0x20 && c != "\x7f";
        case EntryMode::Numeric:
            return digit;
        case EntryMode::Phone:
            return digit || c == "+" || c == " ";
        case EntryMode::Date:
            return digit || c == "-" || c == "/";
    }
    return false;
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kAccented = {{
    {"ñ", "Ñ"},
    {"á", "Á"},
    {"é", "É"},
    {"í", "Í"},
    {"ó", "Ó"},
    {"ú", "Ú"},
    {"ü", "Ü"},
    {"ç", "Ç"},
    {"ã", "Ã"},
    {"õ", "Õ"},
    {"è", "È"},
    {"ò", "Ò"},
    {"à", "À"},
    {"ê", "Ê"},
}};

}  // namespace

std::string upperOf(std::string_view lower) {
    if (lower.size() == 1 && lower[0] >= 'a' && lower[0] <= 'z')
        return std::string(1, static_cast<char>(lower[0] - 32));
    for (const auto& [l, u] : kAccented)
        if (l == lower) return std::string(u);
    return std::string(lower);
}

void TextEntry::focus(std::string_view fieldKey, std::string* target, EntryMode mode, std::size_t maxBytes,
                      bool secret) {
    m_target = target;
    m_fieldKey = std::string(fieldKey);
    m_mode = mode;
    m_maxBytes = maxBytes;
    m_secret = secret;
    m_shift = (mode == EntryMode::Text || mode == EntryMode::Name) && target != nullptr && target->empty();
    m_symbols = false;
}

void TextEntry::close() {
    m_target = nullptr;
    m_fieldKey.clear();
    m_shift = false;
    m_symbols = false;
}

bool TextEntry::type(std::string_view character) {
    if (m_target == nullptr || !allowed(m_mode, character)) return false;
    if (m_mode == EntryMode::Date) {
        std::string next = withDateKey(*m_target, character[0]);
        if (next.empty() || next.size() > m_maxBytes) return false;
        *m_target = std::move(next);
        m_changedKey = m_fieldKey;
        return true;
    }
    std::string c = m_shift ? upperOf(character) : std::string(character);
    if (m_target->size() + c.size() > m_maxBytes) return false;
    *m_target += c;
    // Upper and lower case of the keyboard's letters have the same length.
    if (m_mode == EntryMode::Name) *m_target = capitalisedName(*m_target);
    m_shift = false;
    m_changedKey = m_fieldKey;
    return true;
}

void TextEntry::backspace() {
    if (m_target == nullptr || m_target->empty()) return;
    std::size_t end = m_target->size() - 1;
    // Step back over UTF-8 continuation bytes (10xxxxxx).
    while (end > 0 && (static_cast<unsigned char>((*m_target)[end]) & 0xC0) == 0x80) --end;
    m_target->erase(end);
    m_changedKey = m_fieldKey;
}

bool TextEntry::takeChanged(std::string_view fieldKey) {
    if (m_changedKey != fieldKey) return false;
    m_changedKey.clear();
    return true;
}

}  // namespace chasqui::kiosk
