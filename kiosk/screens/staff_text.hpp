#pragma once
// Words and formats shared by the staff entry screens (sign-in, search,
// registration): translated labels of code lists ("vocab.<list>.<code>" in
// assets/i18n/*/vocabulary.json), dates as people in Peru read them, ages,
// and display names. Pure functions of their arguments; UI thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/ui/ui_context.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/vocabulary.hpp"

namespace chasqui::kiosk::staff {

// Punctuation between the parts of a result line, and between a name and a note.
inline constexpr const char* kSeparator = "  \xc2\xb7  ";  // i18n: not UI (a middle dot, no words)
inline constexpr const char* kDash = "  \xe2\x80\x94  ";   // i18n: not UI (an em dash, no words)

// The label of a code in the current language, or the code itself when no
// catalog has words for it (a code synced from a newer kiosk).
std::string vocabLabel(const Ui& ui, std::string_view list, std::string_view code);
std::vector<Option> vocabOptions(const Ui& ui, std::string_view list, storage::vocab::List codes);
// Country of an ISO 3166 alpha-3 code: the offered ones have words, others show the code.
std::string countryLabel(const Ui& ui, std::string_view iso3);

// "15/06/2025" from "2025-06-15"; anything else unchanged.
std::string displayDate(std::string_view iso);
// Whole years from `birthIso` to `todayIso`; nullopt when either is not a date.
std::optional<int> ageOn(std::string_view birthIso, std::string_view todayIso);
std::string joinName(std::string_view given, std::string_view family1, std::string_view family2);
// Without spaces at either end.
std::string trimmed(std::string_view text);

}  // namespace chasqui::kiosk::staff
