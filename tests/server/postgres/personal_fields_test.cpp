// Which synced fields are sealed on PostgreSQL, checked against the one list
// of synced fields (storage/records/entity_columns.cpp).
#include "sync/server/repository/personal_fields.hpp"

#include <doctest/doctest.h>

#include <set>

#include "storage/records/entity_columns.hpp"

using namespace chasqui;
using namespace chasqui::sync;

TEST_CASE("personal fields: names, documents, phones and free texts are sealed; report fields are not") {
    std::set<std::string> personal;
    for (const auto& entity : storage::syncedEntities()) {
        for (const auto& column : entity.columns) {
            if (isPersonalField(entity.entity, column.name))
                personal.insert(std::string(entity.entity) + "." + std::string(column.name));
        }
    }
    // Every field of the list exists among the synced fields (a rename would show here).
    CHECK(personal == std::set<std::string>{"person.given_names", "person.family_name_1", "person.family_name_2",
                                            "person.gender_identity", "person.birth_date", "person.doc_number",
                                            "person.phone", "staff.name", "staff.login", "referral.reason",
                                            "referral.outcome", "referral_status.comment", "note.text",
                                            "conflict.kept_value", "conflict.lost_value"});
    CHECK(fieldPrivacy("person", "birth_date") == FieldPrivacy::BirthDate);
    CHECK(fieldPrivacy("person", "doc_number") == FieldPrivacy::DocNumber);
    for (const char* plain : {"sex", "nationality", "population_type", "arrival_date", "doc_type"})
        CHECK_FALSE(isPersonalField("person", plain));
    CHECK_FALSE(isPersonalField("assistance", "sector"));
    CHECK_FALSE(isPersonalField("office", "name"));
    CHECK_FALSE(isPersonalField("case", "status"));
}

TEST_CASE("personal fields: the birth year and the text of JSON values") {
    CHECK(birthYearOf("\"1987-03-09\"") == 1987);
    CHECK(birthYearOf("\"1987\"") == 1987);
    CHECK_FALSE(birthYearOf("null").has_value());
    CHECK_FALSE(birthYearOf("1987").has_value());
    CHECK_FALSE(birthYearOf("\"87-03-09\"").has_value());
    CHECK_FALSE(birthYearOf("\"0001-01-01\"").has_value());
    CHECK_FALSE(birthYearOf("\"19x7-01-01\"").has_value());
    CHECK_FALSE(birthYearOf("not json").has_value());
    CHECK(jsonText("\"AB 12\"") == "AB 12");
    CHECK_FALSE(jsonText("\"\"").has_value());
    CHECK_FALSE(jsonText("12").has_value());
    CHECK(fieldPlace("person", "p", "phone") != fieldPlace("person", "p", "doc_number"));
    CHECK(logPlace("a") != quarantinePlace("a", "", ""));
}
