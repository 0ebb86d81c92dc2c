// How the on-screen keyboard writes dates and names, and how a long list is
// searched by part of a name: pure functions and the text entry, no screen.
#include <doctest/doctest.h>

#include "kiosk/ui/name_case.hpp"
#include "kiosk/ui/search_pick.hpp"
#include "kiosk/ui/text_entry.hpp"
#include "kiosk/ui/typed_date.hpp"

using namespace chasqui::kiosk;

namespace {

std::string typed(EntryMode mode, std::string_view keys, std::size_t maxBytes = 80) {
    std::string value;
    TextEntry entry;
    entry.focus("field", &value, mode, maxBytes);
    entry.setShift(false);  // as typed, so the name rule alone decides the capitals
    for (char c : keys) entry.type(std::string(1, c));
    return value;
}

}  // namespace

TEST_CASE("dates: the separators are typed for the person, DD/MM/AAAA") {
    CHECK(typed(EntryMode::Date, "15031990", 10) == "15/03/1990");
    CHECK(typed(EntryMode::Date, "1503", 10) == "15/03");
    CHECK(typed(EntryMode::Date, "150319901", 10) == "15/03/1990");   // full: the ninth digit is refused
    CHECK(typed(EntryMode::Date, "15/03/1990", 10) == "15/03/1990");  // separators typed anyway are not doubled
    CHECK(typed(EntryMode::Date, "1/3/1990", 10) == "1/3/1990");      // a one-digit day and month ended by hand
    CHECK(typed(EntryMode::Date, "15-03-1990", 10) == "15/03/1990");
    CHECK(typed(EntryMode::Date, "//", 10).empty());
    CHECK(withDateKey("15/03/1990", '1').empty());
    CHECK(withDateKey("15", '0') == "15/0");
}

TEST_CASE("dates: what is typed becomes the store's YYYY-MM-DD and back") {
    CHECK(isoFromTyped("15/06/1990") == "1990-06-15");
    CHECK(isoFromTyped("15-06-1990") == "1990-06-15");
    CHECK(isoFromTyped("5/6/1990") == "1990-06-05");
    CHECK(isoFromTyped("15061990") == "1990-06-15");
    CHECK(isoFromTyped("1990-06-15") == "1990-06-15");
    CHECK(isoFromTyped("15/06/90").empty());
    CHECK(isoFromTyped("1990").empty());
    CHECK(isoFromTyped("").empty());
    CHECK(typedFromIso("1990-06-15") == "15/06/1990");
    CHECK(typedFromIso("junk") == "junk");
}

TEST_CASE("names: each word capitalised as names are") {
    CHECK(capitalisedName("rosa elena") == "Rosa Elena");
    CHECK(capitalisedName("maría de la cruz") == "María de la Cruz");
    CHECK(capitalisedName("de la cruz") == "De la Cruz");
    CHECK(capitalisedName("ángel") == "Ángel");
    CHECK(capitalisedName("ñuflo") == "Ñuflo");
    CHECK(capitalisedName("o'brien") == "O'Brien");
    CHECK(capitalisedName("pérez-gómez") == "Pérez-Gómez");
    CHECK(capitalisedName("joão dos santos") == "João dos Santos");
    CHECK(capitalisedName("McDonald") == "McDonald");  // the rest of a word stays as typed
    CHECK(capitalisedName("rosa DE") == "Rosa DE");    // still being typed: may become "Delgado"
    // On the keyboard, letter by letter: "Rosa Delgado" is not taken for a particle.
    CHECK(typed(EntryMode::Name, "rosa delgado") == "Rosa Delgado");
    CHECK(typed(EntryMode::Name, "rosa elena") == "Rosa Elena");
    CHECK(typed(EntryMode::Name, "ana de la torre") == "Ana de la Torre");
    CHECK(typed(EntryMode::Text, "rosa elena") == "rosa elena");  // other text fields are left alone
}

TEST_CASE("long lists: found by part of a name, accents and case ignored") {
    const std::vector<Option> districts{{"150101", "Lima"},
                                        {"150132", "San Juan de Lurigancho"},
                                        {"150135", "San Martín de Porres"},
                                        {"240101", "Tumbes"},
                                        {"150117", "Los Olivos"}};
    auto found = matchingOptions(districts, "lim", 6);
    REQUIRE(found.size() == 1);
    CHECK(found[0].code == "150101");
    found = matchingOptions(districts, "martin", 6);  // a later word, no accent typed
    REQUIRE(found.size() == 1);
    CHECK(found[0].code == "150135");
    found = matchingOptions(districts, "SAN", 6);
    CHECK(found.size() == 2);
    CHECK(matchingOptions(districts, "xyz", 6).empty());
    CHECK(matchingOptions(districts, "", 6).empty());
    CHECK(matchingOptions(districts, "s", 1).size() == 1);
}

TEST_CASE("long lists: a stored code the catalogs do not name stays picked, named by itself") {
    std::vector<Option> districts{{"150101", "Lima"}, {"240101", "Tumbes"}};
    keepCode(districts, "240101");  // named already: nothing added
    CHECK(districts.size() == 2);
    keepCode(districts, "080901");  // a district the kiosk's list does not have
    REQUIRE(districts.size() == 3);
    CHECK(optionLabel(districts, "080901") == "080901");
    CHECK(optionLabel(districts, "240101") == "Tumbes");
    CHECK(optionLabel(districts, "999999").empty());
    keepCode(districts, "");  // no district: nothing to keep
    CHECK(districts.size() == 3);
}

TEST_CASE("dates: a stored date is the ISO date, or the text itself for the store to refuse") {
    CHECK(storedDate("20/07/2015") == "2015-07-20");
    CHECK(storedDate("").empty());
    CHECK(storedDate("32/13") == "32/13");
}
