// The speaker button of every self-service screen kind (welcome, category
// tiles, service list, service page) asks the kiosk's Speech to read that
// screen's words in the person's language. The Speech here only records
// (tests/kiosk/support/recording_speech.hpp); real synthesis is tested in
// speech_test.cpp.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "storage/catalog/catalog_import.hpp"
#include "tests/kiosk/support/kiosk_fixture.hpp"

using namespace chasqui;
using kiosk::ScreenId;

namespace {

std::string tr(test::HeadlessKiosk& k, const std::string& key, const std::string& lang) {
    return k.app().i18n().tr(key, lang);
}

const storage::Service& clinic() {
    static const auto catalog =
        storage::loadCatalogFile(std::filesystem::path(CHASQUI_ASSETS_DIR) / "catalog/demo_catalog.json");
    REQUIRE(catalog.has_value());
    for (const auto& s : catalog->services)
        if (s.id == "demo-health-tumbes-1") return s;
    FAIL("the demo clinic is missing");
    return catalog->services.front();
}

// The last request, after checking there is exactly one more than `before`.
test::RecordingSpeech::Said lastSaid(test::KioskFixture& f, std::size_t before) {
    REQUIRE(f.speech != nullptr);
    REQUIRE(f.speech->said.size() == before + 1);
    return f.speech->said.back();
}

}  // namespace

TEST_CASE("speaker buttons: each screen reads its own words in the person's language") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    REQUIRE(f.speech != nullptr);
    CHECK(f.speech->said.empty());  // nothing is read without a tap

    SUBCASE("welcome, in Spanish and then in English") {
        REQUIRE(k.tap("welcome.speak"));
        auto said = lastSaid(f, 0);
        CHECK(said.language == "es");
        CHECK(said.text.find(tr(k, "welcome.title", "es")) != std::string::npos);
        CHECK(said.text.find(tr(k, "welcome.services", "es")) != std::string::npos);
        REQUIRE(k.tap("welcome.lang.en"));
        REQUIRE(k.tap("welcome.speak"));
        said = lastSaid(f, 1);
        CHECK(said.language == "en");
        CHECK(said.text.find("Service information") != std::string::npos);
        CHECK(said.text.find(tr(k, "welcome.services", "es")) == std::string::npos);
    }
    SUBCASE("category tiles, in Portuguese") {
        REQUIRE(k.tap("welcome.lang.pt"));
        REQUIRE(k.tap("welcome.services"));
        REQUIRE(k.screen() == ScreenId::Categories);
        REQUIRE(k.tap("categories.speak"));
        const auto said = lastSaid(f, 0);
        CHECK(said.language == "pt");
        CHECK(said.text.find(tr(k, "categories.prompt", "pt")) != std::string::npos);
        for (const char* category : {"health", "shelter", "wash"})
            CHECK_MESSAGE(said.text.find(tr(k, std::string("category.") + category, "pt")) != std::string::npos,
                          category);
    }
    SUBCASE("a service list, in Haitian Creole") {
        REQUIRE(k.tap("welcome.lang.ht"));
        REQUIRE(k.tap("welcome.services"));
        REQUIRE(k.tap("categories.health"));
        REQUIRE(k.screen() == ScreenId::ServiceList);
        REQUIRE(k.tap("services.speak"));
        const auto said = lastSaid(f, 0);
        CHECK(said.language == "ht");
        CHECK(said.text.find(tr(k, "category.health", "ht")) != std::string::npos);
        CHECK(said.text.find(clinic().texts.at("ht").name) != std::string::npos);
        CHECK(said.text.find(clinic().organization) != std::string::npos);
    }
    SUBCASE("a service page, in English") {
        REQUIRE(k.tap("welcome.lang.en"));
        REQUIRE(k.tap("welcome.services"));
        REQUIRE(k.tap("categories.health"));
        REQUIRE(k.tap("services.row.demo-health-tumbes-1"));
        REQUIRE(k.screen() == ScreenId::ServiceDetail);
        REQUIRE(k.tap("service.speak"));
        const auto said = lastSaid(f, 0);
        CHECK(said.language == "en");
        const auto& words = clinic().texts.at("en");
        for (const std::string& part : {words.name, words.description, words.hours, words.requirements})
            CHECK_MESSAGE(said.text.find(part) != std::string::npos, part);
        CHECK(said.text.find(tr(k, "service.hours", "en")) != std::string::npos);
        CHECK(said.text.find(clinic().texts.at("es").description) == std::string::npos);
    }
    CHECK(k.smallTargets().empty());
    CHECK(k.duplicateIds().empty());
}

TEST_CASE("speaker buttons: the inactivity lock stops a reading") {
    test::KioskFixture f;
    auto& k = *f.kiosk;
    REQUIRE(k.tap("welcome.services"));
    REQUIRE(k.tap("categories.speak"));
    const int stopsBefore = f.speech->stops;
    f.expireSession();
    k.settle();
    CHECK(k.screen() == ScreenId::Welcome);
    CHECK(f.speech->stops > stopsBefore);
}
