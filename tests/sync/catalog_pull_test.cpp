// pullCatalog against a fake CatalogChannel and a real CatalogStore, and
// HttpServerChannel::fetchCatalog against a scripted HttpTransport: what the
// kiosk stores, what it refuses, and that nothing personal is ever opened.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/catalog/catalog_import.hpp"
#include "storage/catalog/catalog_store.hpp"
#include "sync/client/catalog_pull.hpp"
#include "sync/client/http_server_channel.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

json demoCatalog(const std::string& version) {
    json doc = json::parse(test::readBytes(CHASQUI_ASSETS_DIR "/catalog/demo_catalog.json"));
    doc["version"] = version;
    return doc;
}

// Answers with whatever the test put in `next`, and remembers what it was asked.
class FakeCatalogChannel final : public sync::CatalogChannel {
public:
    sync::SyncResult<std::optional<sync::FetchedCatalog>> next = std::optional<sync::FetchedCatalog>{};
    std::vector<std::string> asked;

    sync::SyncResult<std::optional<sync::FetchedCatalog>> fetchCatalog(const std::string& knownVersion) override {
        asked.push_back(knownVersion);
        return next;
    }
    void serve(const std::string& version, const std::string& body) { next = sync::FetchedCatalog{version, body}; }
};

storage::CatalogInfo infoOf(const storage::DataDir& dir) {
    auto store = storage::CatalogStore::open(dir);
    REQUIRE(store);
    auto info = store->info();
    REQUIRE(info);
    return *info;
}

struct Kiosk {
    test::TempDir tmp;
    storage::DataDir dir{tmp.path() / "kiosk"};
    FakeCatalogChannel channel;
    int demoCount = static_cast<int>(demoCatalog("x")["services"].size());

    // The kiosk holds version "v1" of the demo catalog.
    void receiveV1() {
        channel.serve("v1", demoCatalog("v1").dump());
        auto r = sync::pullCatalog(dir, channel);
        REQUIRE_MESSAGE(r, r.error().message);
        REQUIRE(r->changed);
    }
    void expectStillV1() {
        const auto info = infoOf(dir);
        CHECK(info.version == "v1");
        CHECK(info.count == demoCount);
    }
};

// Plays the server's part for HttpServerChannel.
class ScriptedTransport final : public sync::HttpTransport {
public:
    sync::HttpResponse response;
    std::vector<sync::HttpRequest> requests;

    sync::SyncResult<sync::HttpResponse> send(const sync::HttpRequest& request) override {
        requests.push_back(request);
        return response;
    }
};

}  // namespace

TEST_SUITE("catalog pull") {
    TEST_CASE("a new catalog is stored with the server's version; not modified changes nothing") {
        Kiosk k;
        k.channel.serve("v1", demoCatalog("v1").dump());
        auto first = sync::pullCatalog(k.dir, k.channel);
        REQUIRE_MESSAGE(first, first.error().message);
        CHECK(first->changed);
        CHECK(first->version == "v1");
        CHECK(first->count == k.demoCount);
        REQUIRE(k.channel.asked.size() == 1);
        CHECK(k.channel.asked[0].empty());  // a new kiosk knows no version
        const auto stored = infoOf(k.dir);
        CHECK(stored.version == "v1");
        CHECK(stored.count == k.demoCount);

        k.channel.next = std::optional<sync::FetchedCatalog>{};
        auto second = sync::pullCatalog(k.dir, k.channel);
        REQUIRE(second);
        CHECK_FALSE(second->changed);
        CHECK(second->version == "v1");
        CHECK(second->count == k.demoCount);
        REQUIRE(k.channel.asked.size() == 2);
        CHECK(k.channel.asked[1] == "v1");
        CHECK(infoOf(k.dir).importedAtMs == stored.importedAtMs);  // not written again
    }

    TEST_CASE("a newer version replaces the whole catalog") {
        Kiosk k;
        k.receiveV1();
        json v2 = demoCatalog("v2");
        v2["services"].erase(v2["services"].begin());
        k.channel.serve("v2", v2.dump());
        auto r = sync::pullCatalog(k.dir, k.channel);
        REQUIRE_MESSAGE(r, r.error().message);
        CHECK(r->changed);
        CHECK(r->version == "v2");
        CHECK(r->count == k.demoCount - 1);
        auto store = storage::CatalogStore::open(k.dir);
        REQUIRE(store);
        const auto removed = store->get(demoCatalog("v1")["services"][0]["id"].get<std::string>());
        REQUIRE(removed);
        CHECK_FALSE(removed->has_value());
    }

    TEST_CASE("the same version sent again is not stored again") {
        Kiosk k;
        k.receiveV1();
        const auto before = infoOf(k.dir);
        k.channel.serve("v1", demoCatalog("v1").dump());
        auto r = sync::pullCatalog(k.dir, k.channel);
        REQUIRE(r);
        CHECK_FALSE(r->changed);
        CHECK(r->version == "v1");
        CHECK(infoOf(k.dir).importedAtMs == before.importedAtMs);
    }

    TEST_CASE("an answer that is not a valid catalog is refused and the old catalog stays") {
        Kiosk k;
        k.receiveV1();
        json badCategory = demoCatalog("v2");
        badCategory["services"][1]["category"] = "nonsense";
        json duplicateIds = demoCatalog("v2");
        duplicateIds["services"][1]["id"] = duplicateIds["services"][0]["id"];
        const std::vector<std::string> answers{
            badCategory.dump(),
            duplicateIds.dump(),
            "<html><body>Please log in to the Wi-Fi</body></html>",
            demoCatalog("v2").dump().substr(0, 5000),  // cut short
            "",
            std::string("{\"format\": \"chasqui-catalog\", \"version\": \"v2\", \"services\": [\xff]}"),
        };
        for (const auto& body : answers) {
            CAPTURE(body.substr(0, 60));
            k.channel.serve("v2", body);
            auto r = sync::pullCatalog(k.dir, k.channel);
            REQUIRE_FALSE(r);
            CHECK(r.error().code == sync::SyncErrorCode::BadResponse);
            CHECK_MESSAGE(r.error().message.find("not valid") != std::string::npos, r.error().message);
            CHECK_MESSAGE(r.error().message.find("keeps catalog version v1") != std::string::npos, r.error().message);
            k.expectStillV1();
        }
        // The validator's own words reach the supervisor.
        k.channel.serve("v2", badCategory.dump());
        auto r = sync::pullCatalog(k.dir, k.channel);
        REQUIRE_FALSE(r);
        CHECK_MESSAGE(r.error().message.find("category") != std::string::npos, r.error().message);
    }

    TEST_CASE("a version that does not match the document, or no version, is refused") {
        Kiosk k;
        k.receiveV1();
        k.channel.serve("v3", demoCatalog("v2").dump());
        auto mismatch = sync::pullCatalog(k.dir, k.channel);
        REQUIRE_FALSE(mismatch);
        CHECK(mismatch.error().code == sync::SyncErrorCode::BadResponse);
        CHECK_MESSAGE(mismatch.error().message.find("\"v3\"") != std::string::npos, mismatch.error().message);
        k.expectStillV1();

        for (const std::string& version : {std::string(), std::string(65, 'a'), std::string("v\n2")}) {
            k.channel.serve(version, demoCatalog(version).dump());
            auto r = sync::pullCatalog(k.dir, k.channel);
            REQUIRE_FALSE(r);
            CHECK(r.error().code == sync::SyncErrorCode::BadResponse);
            k.expectStillV1();
        }
    }

    TEST_CASE("a channel failure is passed on unchanged and the catalog stays") {
        Kiosk k;
        k.receiveV1();
        k.channel.next = sync::syncFail(sync::SyncErrorCode::Offline, "no route to the server");
        auto r = sync::pullCatalog(k.dir, k.channel);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == sync::SyncErrorCode::Offline);
        CHECK(r.error().message == "no route to the server");
        k.expectStillV1();
    }

    TEST_CASE("nothing published and nothing held: an empty answer, and no store but the catalog's") {
        Kiosk k;
        auto r = sync::pullCatalog(k.dir, k.channel);
        REQUIRE_MESSAGE(r, r.error().message);
        CHECK_FALSE(r->changed);
        CHECK(r->version.empty());
        CHECK(r->count == 0);
        k.receiveV1();
        // A kiosk that was never initialized, or is locked: only catalog.db is touched.
        CHECK_FALSE(fs::exists(k.dir.personalDb()));
        CHECK_FALSE(fs::exists(k.dir.keyring()));
        CHECK(fs::exists(k.dir.catalogDb()));
    }

    TEST_CASE("a catalog store that cannot be opened is a local failure") {
        test::TempDir tmp;
        const fs::path file = tmp.path() / "not-a-directory";
        { std::ofstream(file) << "x"; }
        FakeCatalogChannel channel;
        channel.serve("v1", demoCatalog("v1").dump());
        auto r = sync::pullCatalog(storage::DataDir(file), channel);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == sync::SyncErrorCode::Internal);
        CHECK(channel.asked.empty());  // the server is not asked for what cannot be stored
    }
}

TEST_SUITE("http catalog channel") {
    TEST_CASE("asks GET /v1/catalog with the known version percent-encoded") {
        ScriptedTransport transport;
        transport.response.status = 304;
        sync::HttpServerChannel channel(transport, "http://127.0.0.1:9/", "token");
        auto fresh = channel.fetchCatalog("");
        REQUIRE(fresh);
        CHECK_FALSE(fresh->has_value());
        auto known = channel.fetchCatalog("oct 2026/á&x");
        REQUIRE(known);
        CHECK_FALSE(known->has_value());
        REQUIRE(transport.requests.size() == 2);
        CHECK(transport.requests[0].method == "GET");
        CHECK(transport.requests[0].url == "http://127.0.0.1:9/v1/catalog");
        CHECK(transport.requests[1].url == "http://127.0.0.1:9/v1/catalog?version=oct%202026%2F%C3%A1%26x");
    }

    TEST_CASE("200 gives the body with the announced version") {
        ScriptedTransport transport;
        transport.response.status = 200;
        transport.response.headers = {{"chasqui-catalog-version", "v7"}};
        transport.response.body = "{}";
        sync::HttpServerChannel channel(transport, "http://127.0.0.1:9");
        auto r = channel.fetchCatalog("v6");
        REQUIRE(r);
        REQUIRE(r->has_value());
        CHECK((*r)->version == "v7");
        CHECK((*r)->json == "{}");
    }

    TEST_CASE("404 not_found means nothing published; other errors map as for every call") {
        ScriptedTransport transport;
        sync::HttpServerChannel channel(transport, "http://127.0.0.1:9");
        transport.response.status = 404;
        transport.response.body = R"({"error": {"code": "not_found", "message": "no catalog was published yet"}})";
        auto none = channel.fetchCatalog("");
        REQUIRE(none);
        CHECK_FALSE(none->has_value());

        transport.response.body = "<html>Not Found</html>";  // something else at that address
        auto foreign = channel.fetchCatalog("");
        REQUIRE_FALSE(foreign);
        CHECK(foreign.error().code == sync::SyncErrorCode::HttpError);
        CHECK(foreign.error().httpStatus == 404);

        transport.response.status = 403;
        transport.response.body = R"({"error": {"code": "revoked", "message": "this device was revoked"}})";
        auto revoked = channel.fetchCatalog("");
        REQUIRE_FALSE(revoked);
        CHECK(revoked.error().code == sync::SyncErrorCode::Revoked);

        transport.response.status = 500;
        transport.response.body = R"({"error": {"code": "server_error", "message": "try later"}})";
        auto broken = channel.fetchCatalog("");
        REQUIRE_FALSE(broken);
        CHECK(broken.error().code == sync::SyncErrorCode::HttpError);
        CHECK(broken.error().message == "try later");
    }

    TEST_CASE("no version header, an odd status or an oversized body are refused") {
        ScriptedTransport transport;
        sync::HttpServerChannel channel(transport, "http://127.0.0.1:9");
        transport.response.status = 200;
        transport.response.body = "{}";
        auto unnamed = channel.fetchCatalog("");
        REQUIRE_FALSE(unnamed);
        CHECK(unnamed.error().code == sync::SyncErrorCode::BadResponse);

        transport.response.status = 204;
        transport.response.headers = {{"Chasqui-Catalog-Version", "v1"}};
        auto odd = channel.fetchCatalog("");
        REQUIRE_FALSE(odd);
        CHECK(odd.error().code == sync::SyncErrorCode::BadResponse);

        transport.response.status = 200;
        transport.response.body.assign(storage::kMaxCatalogBytes + 1, ' ');
        auto big = channel.fetchCatalog("");
        REQUIRE_FALSE(big);
        CHECK(big.error().code == sync::SyncErrorCode::TooLarge);
    }
}
