#pragma once
// Words and formats shared by the case-work screens (case view, assistance,
// referral): labels of code lists from the vocabulary catalogs, dates as
// people read them, ages, names, and the translated message for a storage
// error (the storage message is English for developers and never shown).
// Pure functions; nothing here keeps personal data.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/ui/ui_context.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/error.hpp"
#include "storage/base/model.hpp"
#include "storage/base/vocabulary.hpp"

namespace chasqui::kiosk::casework {

// Between the parts of a line ("15/06/2025  ·  Enviada  ·  Luis Staff").
inline constexpr const char* kSeparator = "  ·  ";

// "vocab.<list>.<code>" in the current language; the code itself for a code
// no catalog knows (a newer kiosk may sync codes this one has no words for).
std::string vocabLabel(const Ui& ui, std::string_view list, std::string_view code);
std::vector<Option> vocabOptions(const Ui& ui, std::string_view list, storage::vocab::List codes);
// Labels of several codes joined with ", "; `none` (translated) when empty.
std::string vocabLabels(const Ui& ui, std::string_view list, const std::vector<std::string>& codes,
                        std::string_view none);
std::string countryLabel(const Ui& ui, std::string_view iso3);

// "15/06/2025" from "2025-06-15" (Peru writes day first); other text unchanged.
std::string displayDate(std::string_view iso);
// Whole years from `birthIso` to `todayIso`; nullopt when either is not a date.
std::optional<int> ageOn(std::string_view birthIso, std::string_view todayIso);
std::string fullName(const storage::Person& person);
// Text without the spaces and line breaks at either end (storage refuses them).
std::string trimmed(std::string_view text);

// Key of a message for a failed load or save, chosen by the error code.
const char* errorKey(const storage::Error& error);

}  // namespace chasqui::kiosk::casework
