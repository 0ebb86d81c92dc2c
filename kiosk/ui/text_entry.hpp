#pragma once
// Which text field the on-screen keyboard types into, and the editing rules.
// A field is focused by a tap; the keyboard (keyboard_view.cpp) and a
// physical keyboard, when there is one, both edit through applyKey/backspace.
// The target string belongs to the focused screen's state; the router closes
// the entry whenever the screen changes, so it never outlives its target.
// UI thread only.

#include <cstddef>
#include <string>
#include <string_view>

namespace chasqui::kiosk {

enum class EntryMode {
    Text,     // letters with Spanish characters, numbers and symbols
    Name,     // as Text, each word capitalised as names are (name_case.hpp)
    Numeric,  // digits only (PINs, quantities)
    Phone,    // digits, + and spaces
    Date,     // DD/MM/AAAA, the separators typed for the person (typed_date.hpp)
};

class TextEntry {
public:
    void focus(std::string_view fieldKey, std::string* target, EntryMode mode, std::size_t maxBytes,
               bool secret = false);
    void close();
    bool isOpen() const { return m_target != nullptr; }
    bool isFocused(std::string_view fieldKey) const { return m_target != nullptr && m_fieldKey == fieldKey; }
    EntryMode mode() const { return m_mode; }
    bool secret() const { return m_secret; }
    const std::string& fieldKey() const { return m_fieldKey; }

    // Types one character (UTF-8); refused when the mode does not allow it or
    // the field is full. Shift applies to letters and is released after one.
    bool type(std::string_view character);
    void backspace();  // removes the last whole UTF-8 character
    void setShift(bool on) { m_shift = on; }
    bool shift() const { return m_shift; }
    void setSymbols(bool on) { m_symbols = on; }
    bool symbols() const { return m_symbols; }

    // True once after the target changed (search as you type).
    bool takeChanged(std::string_view fieldKey);

private:
    std::string* m_target = nullptr;
    std::string m_fieldKey;
    EntryMode m_mode = EntryMode::Text;
    std::size_t m_maxBytes = 0;
    bool m_secret = false;
    bool m_shift = false;
    bool m_symbols = false;
    std::string m_changedKey;
};

// Upper case of a lower-case letter the keyboard offers (ñ -> Ñ, á -> Á).
std::string upperOf(std::string_view lower);

}  // namespace chasqui::kiosk
