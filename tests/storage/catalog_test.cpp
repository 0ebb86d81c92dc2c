// The service catalog store, filled from the shipped demo files into a real
// catalog.db, and kept apart from the personal-data store.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>

#include "storage/base/sqlite_db.hpp"
#include "storage/base/vocabulary.hpp"
#include "storage/catalog/catalog_import.hpp"
#include "storage/catalog/catalog_store.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using namespace chasqui::storage;
namespace fs = std::filesystem;

namespace {

const fs::path kDemoJson = fs::path(CHASQUI_ASSETS_DIR) / "catalog" / "demo_catalog.json";
const fs::path kDemoCsv = fs::path(CHASQUI_ASSETS_DIR) / "catalog" / "demo_catalog_sample.csv";

struct CatalogFixture {
    test::TempDir dir;
    DataDir dataDir{dir.path() / "kiosk"};
    ManualClock clock{test::kTestNowMs};
    std::optional<CatalogStore> store;

    CatalogFixture() { reopen(); }
    void reopen() {
        store.reset();
        auto opened = CatalogStore::open(dataDir, clock);
        REQUIRE_MESSAGE(opened, (opened ? "" : opened.error().message));
        store.emplace(std::move(*opened));
    }
    CatalogInfo importFile(const fs::path& path) {
        auto info = importCatalogFile(*store, path);
        REQUIRE_MESSAGE(info, (info ? "" : info.error().message));
        return *info;
    }
    CatalogInfo info() {
        auto i = store->info();
        REQUIRE(i);
        return *i;
    }
};

std::set<std::string> openFilesUnder(const fs::path& dir) {
    std::set<std::string> found;
    std::error_code ec;
    const auto root = fs::canonical(dir, ec).string();
    for (const auto& fd : fs::directory_iterator("/proc/self/fd", ec)) {
        const auto target = fs::read_symlink(fd.path(), ec);
        if (!ec && target.string().starts_with(root)) found.insert(target.filename().string());
    }
    return found;
}

}  // namespace

TEST_SUITE("catalog") {
    TEST_CASE("catalog: the demo JSON imports every service and every category") {
        CatalogFixture c;
        const CatalogInfo info = c.importFile(kDemoJson);
        CHECK(info.count == 28);
        CHECK(info.importedAtMs == test::kTestNowMs);
        CHECK(info.version.starts_with("blake2b-"));  // the demo has no "version" key
        CHECK(info.version.size() == 8 + 16);
        CHECK(info.perCategory.size() == vocab::serviceCategories().size());
        for (const auto category : vocab::serviceCategories()) {
            CAPTURE(category);
            CHECK(info.perCategory.at(std::string(category)) >= 2);
            auto list = c.store->list(category, "", "es");
            REQUIRE(list);
            CHECK(static_cast<int>(list->size()) == info.perCategory.at(std::string(category)));
        }
        CHECK(info.perCategory.at("emergency") == 5);

        // Same file, same version: the hash is of the content, not of the time.
        c.clock.advance(60'000);
        const CatalogInfo again = c.importFile(kDemoJson);
        CHECK(again.version == info.version);
        CHECK(again.count == 28);
        CHECK(again.importedAtMs == test::kTestNowMs + 60'000);
    }

    TEST_CASE("catalog: a service keeps every field and its texts in four languages") {
        CatalogFixture c;
        c.importFile(kDemoJson);
        auto found = c.store->get("demo-health-tumbes-1");
        REQUIRE(found);
        REQUIRE(found->has_value());
        const Service& s = **found;
        CHECK(s.organization == "Centro de Salud Frontera Norte (DEMO)");
        CHECK(s.category == "health");
        CHECK(s.district == "240101");
        CHECK(s.districtName == "Tumbes");
        CHECK(s.address == "Av. Panamericana Norte 1234");
        CHECK(s.phone == "+51 900 000 001");
        CHECK(s.whatsapp == "+51 900 000 001");
        CHECK(s.email == "saludfronteranorte@example.org");
        CHECK(s.languagesSpoken == std::vector<std::string>{"es", "en"});
        CHECK(s.populations == std::vector<std::string>{"in_destination", "in_transit", "host_community"});
        CHECK(s.lastVerified == "2026-09-14");
        CHECK(s.texts.size() == 4);
        CHECK(s.texts.at("es").name == "Atención médica general y vacunas");
        CHECK(s.texts.at("es").hours == "Lunes a sábado, 7:30–19:30");
        CHECK(s.texts.at("en").cost == "Free");
        CHECK(s.texts.at("ht").requirements.starts_with("Nenpòt dokiman idantite"));

        auto missing = c.store->get("no-such-service");
        REQUIRE(missing);
        CHECK_FALSE(missing->has_value());
    }

    TEST_CASE("catalog: texts fall back to Spanish when a language is missing") {
        CatalogFixture c;
        c.importFile(kDemoJson);
        auto en = c.store->list("health", "", "en");
        auto es = c.store->list("health", "", "es");
        auto fr = c.store->list("health", "", "fr");  // no service has French texts
        REQUIRE(en);
        REQUIRE(es);
        REQUIRE(fr);
        REQUIRE(en->size() == 3);
        CHECK(en->at(0).name == "General medical care and vaccines");
        CHECK(en->at(0).textLang == "en");
        for (std::size_t i = 0; i < es->size(); ++i) {
            CHECK(fr->at(i).name == es->at(i).name);
            CHECK(fr->at(i).textLang == "es");
        }
        auto s = c.store->get("demo-health-tumbes-1");
        REQUIRE((s && s->has_value()));
        CHECK(textFor(**s, "qu") == &(*s)->texts.at("es"));
        CHECK(textFor(**s, "pt")->name == "Atendimento médico geral e vacinas");
    }

    TEST_CASE("catalog: the district filter lists only districts with services, sorted by name") {
        CatalogFixture c;
        c.importFile(kDemoJson);
        auto all = c.store->districts("");
        REQUIRE(all);
        CHECK(all->size() == 12);
        CHECK(all->front().name == "Aguas Verdes");
        CHECK(all->back().name == "Zarumilla");

        auto emergency = c.store->districts("emergency");
        REQUIRE(emergency);
        std::set<std::string> codes;
        for (const auto& d : *emergency) codes.insert(d.code);
        CHECK(codes == std::set<std::string>{"150101", "240101", "040101", "210101", "230101"});

        auto tumbes = c.store->list("emergency", "240101", "es");
        REQUIRE(tumbes);
        REQUIRE(tumbes->size() == 1);
        CHECK(tumbes->at(0).id == "demo-emergency-tumbes-1");
        CHECK(tumbes->at(0).districtName == "Tumbes");
        auto none = c.store->list("shelter", "150101", "es");  // no shelter in Lima in the demo
        REQUIRE(none);
        CHECK(none->empty());

        auto unknown = c.store->list("housing", "", "es");
        REQUIRE_FALSE(unknown);
        CHECK(unknown.error().code == ErrorCode::InvalidInput);
    }

    TEST_CASE("catalog: the demo CSV imports with both languages and the same data as the JSON") {
        CatalogFixture c;
        const CatalogInfo info = c.importFile(kDemoCsv);
        CHECK(info.count == 3);
        CHECK(info.perCategory.at("emergency") == 1);
        CHECK(info.version.starts_with("blake2b-"));

        auto regularization = c.store->get("demo-regularization-lima-1");
        REQUIRE((regularization && regularization->has_value()));
        CHECK((*regularization)->address == "Av. Abancay 560, of. 3");
        CHECK((*regularization)->languagesSpoken == std::vector<std::string>{"es", "en", "pt", "ht"});
        CHECK((*regularization)->texts.size() == 2);
        auto emergency = c.store->get("demo-emergency-lima-1");
        REQUIRE((emergency && emergency->has_value()));
        CHECK((*emergency)->phone == "105");  // a short emergency number
        CHECK((*emergency)->whatsapp.empty());
        CHECK((*emergency)->email.empty());

        auto json = loadCatalogFile(kDemoJson);
        auto csv = loadCatalogFile(kDemoCsv);
        REQUIRE(json);
        REQUIRE(csv);
        for (const Service& fromCsv : csv->services) {
            CAPTURE(fromCsv.id);
            const auto it = std::find_if(json->services.begin(), json->services.end(),
                                         [&](const Service& s) { return s.id == fromCsv.id; });
            REQUIRE(it != json->services.end());
            CHECK(it->organization == fromCsv.organization);
            CHECK(it->phone == fromCsv.phone);
            CHECK(it->populations == fromCsv.populations);
            for (const auto& [lang, text] : fromCsv.texts) {
                CHECK(it->texts.at(lang).description == text.description);
                CHECK(it->texts.at(lang).requirements == text.requirements);
            }
        }
    }

    TEST_CASE("catalog: a JSON version key is the catalog version; the catalog survives reopening") {
        CatalogFixture c;
        std::string text = test::readBytes(kDemoJson);
        text.insert(text.find('{') + 1, "\n  \"version\": \"2026-11 Tumbes\",");
        auto parsed = parseCatalogJson(text);
        REQUIRE_MESSAGE(parsed, (parsed ? "" : parsed.error().message));
        CHECK(parsed->version == "2026-11 Tumbes");
        REQUIRE(c.store->replaceAll(parsed->services, parsed->version));
        c.reopen();
        const CatalogInfo info = c.info();
        CHECK(info.version == "2026-11 Tumbes");
        CHECK(info.count == 28);

        auto db = Db::open(c.dataDir.catalogDb().string(), OpenOptions{});
        REQUIRE(db);
        CHECK(db->scalarInt("PRAGMA user_version").value() == 1);
    }

    TEST_CASE("catalog: a write that fails half-way leaves the previous catalog whole") {
        CatalogFixture c;
        const CatalogInfo before = c.importFile(kDemoJson);
        {
            // Inject a failure on the 20th service's texts, after the old rows are deleted.
            auto db = Db::open(c.dataDir.catalogDb().string(), OpenOptions{});
            REQUIRE(db);
            REQUIRE(
                db->exec("CREATE TRIGGER fail_import BEFORE INSERT ON service_texts "
                         "WHEN NEW.service_id = 'demo-emergency-tacna-1' "
                         "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"));
        }
        c.clock.advance(1000);
        auto csv = loadCatalogFile(kDemoCsv);
        REQUIRE(csv);
        auto json = loadCatalogFile(kDemoJson);
        REQUIRE(json);
        json->services.resize(25);  // would change the count and the version
        auto result = c.store->replaceAll(json->services, "partial");
        REQUIRE_FALSE(result);
        const CatalogInfo after = c.info();
        CHECK(after.count == before.count);
        CHECK(after.version == before.version);
        CHECK(after.importedAtMs == before.importedAtMs);
        CHECK(after.perCategory == before.perCategory);
        auto tacna = c.store->get("demo-emergency-tacna-1");
        REQUIRE((tacna && tacna->has_value()));
        CHECK((*tacna)->texts.size() == 4);
        // A write that does not touch the failing service still works.
        REQUIRE(c.store->replaceAll(csv->services, csv->version));
        CHECK(c.info().count == 3);
    }

    TEST_CASE("catalog: replaceAll refuses services that break the rules") {
        CatalogFixture c;
        const CatalogInfo before = c.importFile(kDemoCsv);
        auto csv = loadCatalogFile(kDemoCsv);
        REQUIRE(csv);
        csv->services[0].texts.erase("es");
        auto result = c.store->replaceAll(csv->services, "v2");
        REQUIRE_FALSE(result);
        CHECK(result.error().code == ErrorCode::InvalidInput);
        CHECK(result.error().message.find("the Spanish (es) texts are required") != std::string::npos);
        CHECK_FALSE(c.store->replaceAll({}, ""));  // a version is required
        CHECK(c.info().version == before.version);
        CHECK(c.info().count == 3);
    }

    TEST_CASE("catalog: a catalog written by a newer Chasqui is refused, not misread") {
        CatalogFixture c;
        c.store.reset();
        {
            auto db = Db::open(c.dataDir.catalogDb().string(), OpenOptions{});
            REQUIRE(db);
            REQUIRE(db->exec("PRAGMA user_version = 99"));
        }
        auto opened = CatalogStore::open(c.dataDir);
        REQUIRE_FALSE(opened);
        CHECK(opened.error().code == ErrorCode::Damaged);
        CHECK(opened.error().message.find("newer Chasqui") != std::string::npos);
    }

    TEST_CASE("catalog: a damaged catalog file is reported as such") {
        test::TempDir dir;
        const DataDir dataDir(dir.path());
        {
            std::ofstream out(dataDir.catalogDb(), std::ios::binary);
            out << std::string(8192, 'x');
        }
        auto opened = CatalogStore::open(dataDir);
        REQUIRE_FALSE(opened);
        CHECK(opened.error().code == ErrorCode::Damaged);
        CHECK(opened.error().message.find("import the catalog again") != std::string::npos);
    }

    TEST_CASE("catalog: self-service reads the catalog without creating or opening personal.db") {
        SUBCASE("a fresh device with only a catalog") {
            CatalogFixture c;
            c.importFile(kDemoJson);
            REQUIRE(c.store->list("health", "", "en"));
            REQUIRE(c.store->get("demo-health-lima-1"));
            REQUIRE(c.store->districts(""));
            CHECK_FALSE(fs::exists(c.dataDir.personalDb()));
            CHECK_FALSE(fs::exists(c.dataDir.keyring()));
            for (const auto& entry : fs::directory_iterator(c.dataDir.root)) {
                CHECK(entry.path().filename().string().starts_with("catalog.db"));
            }
        }
        SUBCASE("a device with a personal-data store, locked") {
            test::TestStore personal;
            personal.store.reset();  // the kiosk locked: no staff signed in
            const std::string bytesBefore = test::readBytes(personal.dataDir.personalDb());
            const auto timeBefore = fs::last_write_time(personal.dataDir.personalDb());
            {
                auto opened = CatalogStore::open(personal.dataDir);
                REQUIRE(opened);
                REQUIRE(importCatalogFile(*opened, kDemoJson));
                REQUIRE(opened->list("emergency", "240101", "es"));
                REQUIRE(opened->info());
                const auto open = openFilesUnder(personal.dataDir.root);
                CHECK(open.contains("catalog.db"));
                CHECK_FALSE(open.contains("personal.db"));
                CHECK_FALSE(open.contains("personal.db-wal"));
            }
            CHECK(test::readBytes(personal.dataDir.personalDb()) == bytesBefore);
            CHECK(fs::last_write_time(personal.dataDir.personalDb()) == timeBefore);
        }
    }

}  // TEST_SUITE
