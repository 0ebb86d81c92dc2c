#pragma once
// One item of a long list (a district, a country) found by typing part of its
// name: the field is typed on the on-screen keyboard and the matching names
// appear under it as buttons ("lim" offers "Lima"); a tap picks one. What is
// kept is the item's code; the name is only what is shown. Matching ignores
// accents and case and takes any word's beginning. UI thread only.

#include <string>
#include <string_view>
#include <vector>

#include "kiosk/ui/ui_context.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

// Options whose name matches `query`, best first (the name's start, then any
// word's start), at most `limit`.
std::vector<Option> matchingOptions(const std::vector<Option>& options, std::string_view query, std::size_t limit);

// Every code of a vocabulary in the catalogs ("vocab.districts.150101"),
// named in the current language, sorted by name ("other" left out).
std::vector<Option> namedOptions(const Ui& ui, std::string_view list);

// The name of `code` among `options` ("" when it has none).
std::string optionLabel(const std::vector<Option>& options, std::string_view code);
// A stored code the catalogs do not name (a district from elsewhere) stays
// pickable: it is added, named by itself. Nothing for an empty code.
void keepCode(std::vector<Option>& options, const std::string& code);

// Draws the field and, while it is typed and nothing matching it is picked,
// the matches as buttons keyed "<key>.pick.<code>". Returns true when
// `picked` changed (picked, or cleared because the text changed).
bool searchPick(Ui& ui, std::string_view label, const char* key, std::string& query, std::string& picked,
                const std::vector<Option>& options, std::string_view error = {}, float width = 0.f);

}  // namespace chasqui::kiosk
