// The kiosk receiving the service catalog from the REAL chasqui-server
// process: published with `chasqui-server catalog import`, fetched over
// libcurl by HttpServerChannel, stored by pullCatalog in the kiosk's
// CatalogStore with no staff signed in; and the same through `chasqui sync`.
#include <doctest/doctest.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "storage/catalog/catalog_store.hpp"
#include "sync/client/catalog_pull.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/client/http_server_channel.hpp"
#include "sync/client/sync_worker.hpp"
#include "tests/server/server_harness.hpp"

using namespace chasqui;
using namespace chasqui::test;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// The demo catalog under an explicit version, minus its first `dropped` services.
json demoCatalog(const std::string& version, std::size_t dropped = 0) {
    json doc = json::parse(readBytes(CHASQUI_ASSETS_DIR "/catalog/demo_catalog.json"));
    doc["version"] = version;
    auto& services = doc["services"];
    services.erase(services.begin(), services.begin() + static_cast<std::ptrdiff_t>(dropped));
    return doc;
}

struct Server {
    TempDir tmp;
    fs::path data = tmp.path() / "server";
    ServerProcess process{data};

    std::string url() const { return fmt::format("http://127.0.0.1:{}", process.port()); }
    void publish(const json& catalog) {
        const fs::path file = tmp.path() / "catalog.json";
        std::ofstream(file, std::ios::binary | std::ios::trunc) << catalog.dump(2);
        const CommandResult r = runServer({"catalog", "import", file.string(), "--data", data.string()});
        REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    }
};

// The real transport, remembering the status of every answer.
class RecordingTransport final : public sync::HttpTransport {
public:
    std::vector<int> statuses;
    sync::SyncResult<sync::HttpResponse> send(const sync::HttpRequest& request) override {
        auto r = m_curl.send(request);
        statuses.push_back(r ? r->status : -1);
        return r;
    }

private:
    sync::CurlTransport m_curl;
};

storage::CatalogInfo infoOf(const storage::DataDir& dir) {
    auto store = storage::CatalogStore::open(dir);
    REQUIRE(store);
    auto info = store->info();
    REQUIRE(info);
    return *info;
}

}  // namespace

TEST_CASE("a locked kiosk receives each published catalog version once, and 304 changes nothing") {
    Server server;
    httplib::Client http = server.process.client();
    const Device device = enrollDevice(http, server.data, "TUM");
    // A kiosk directory with no personal store at all: as when nobody is signed in.
    TempDir kioskTmp;
    const storage::DataDir kiosk(kioskTmp.path() / "kiosk");
    RecordingTransport transport;
    sync::HttpServerChannel channel(transport, server.url(), device.token);
    const std::size_t demoCount = demoCatalog("x")["services"].size();

    // Nothing published yet: 404 not_found, which is not an error.
    auto nothing = sync::pullCatalog(kiosk, channel);
    REQUIRE_MESSAGE(nothing, nothing.error().message);
    CHECK_FALSE(nothing->changed);
    CHECK(nothing->version.empty());
    CHECK(transport.statuses.back() == 404);

    server.publish(demoCatalog("2026-01"));
    auto first = sync::pullCatalog(kiosk, channel);
    REQUIRE_MESSAGE(first, first.error().message);
    CHECK(first->changed);
    CHECK(first->version == "2026-01");
    CHECK(first->count == static_cast<int>(demoCount));
    CHECK(transport.statuses.back() == 200);
    const auto v1 = infoOf(kiosk);
    CHECK(v1.version == "2026-01");
    CHECK(v1.count == static_cast<int>(demoCount));

    auto again = sync::pullCatalog(kiosk, channel);
    REQUIRE_MESSAGE(again, again.error().message);
    CHECK_FALSE(again->changed);
    CHECK(again->version == "2026-01");
    CHECK(again->count == static_cast<int>(demoCount));
    CHECK(transport.statuses.back() == 304);
    CHECK(infoOf(kiosk).importedAtMs == v1.importedAtMs);  // not rewritten

    server.publish(demoCatalog("2026-02", 3));
    auto second = sync::pullCatalog(kiosk, channel);
    REQUIRE_MESSAGE(second, second.error().message);
    CHECK(second->changed);
    CHECK(second->version == "2026-02");
    CHECK(second->count == static_cast<int>(demoCount) - 3);
    const auto v2 = infoOf(kiosk);
    CHECK(v2.version == "2026-02");
    CHECK(v2.count == static_cast<int>(demoCount) - 3);

    // Only the public catalog was ever touched on the kiosk.
    CHECK_FALSE(fs::exists(kiosk.personalDb()));
    CHECK_FALSE(fs::exists(kiosk.keyring()));
    CHECK(channel.bytesReceived() > 0);
}

TEST_CASE("a version with spaces and slashes round-trips through the query string") {
    Server server;
    TempDir kioskTmp;
    const storage::DataDir kiosk(kioskTmp.path() / "kiosk");
    server.publish(demoCatalog("oct 2026/2 & más"));
    RecordingTransport transport;
    sync::HttpServerChannel channel(transport, server.url());  // public: no device token needed
    auto first = sync::pullCatalog(kiosk, channel);
    REQUIRE_MESSAGE(first, first.error().message);
    CHECK(first->version == "oct 2026/2 & más");
    auto again = sync::pullCatalog(kiosk, channel);
    REQUIRE_MESSAGE(again, again.error().message);
    CHECK_FALSE(again->changed);
    CHECK(transport.statuses.back() == 304);
}

TEST_CASE("chasqui sync also brings the catalog and then says it is up to date") {
    Server server;
    server.publish(demoCatalog("2026-01"));
    TempDir tmp;
    const fs::path kiosk = tmp.path() / "kiosk";
    const fs::path pin = tmp.path() / "kiosk.pin";
    std::ofstream(pin) << "24681357\n";
    const CommandResult code = runServer({"enroll-code", "--data", server.data.string(), "--office", "TUM"});
    REQUIRE_MESSAGE(code.exitCode == 0, code.err);

    const CommandResult init = runChasqui({"init", "--data", kiosk.string(), "--office", "TUM", "--admin-name",
                                           "Beto Ramos", "--pin-file", pin.string()});
    REQUIRE_MESSAGE(init.exitCode == 0, describe(init));
    const CommandResult enroll = runChasqui({"enroll", "--data", kiosk.string(), "--pin-file", pin.string(), "--server",
                                             server.url(), "--code", trimmed(code.out)});
    REQUIRE_MESSAGE(enroll.exitCode == 0, describe(enroll));

    const CommandResult first = runChasqui({"sync", "--data", kiosk.string(), "--pin-file", pin.string()});
    REQUIRE_MESSAGE(first.exitCode == 0, describe(first));
    const std::size_t demoCount = demoCatalog("x")["services"].size();
    CHECK_MESSAGE(has(first.out, fmt::format("Catalog: version 2026-01 ({} services)", demoCount)), describe(first));
    CHECK(infoOf(storage::DataDir(kiosk)).version == "2026-01");

    const CommandResult second = runChasqui({"sync", "--data", kiosk.string(), "--pin-file", pin.string()});
    REQUIRE_MESSAGE(second.exitCode == 0, describe(second));
    CHECK_MESSAGE(has(second.out, "Catalog: up to date"), describe(second));
}

TEST_CASE("the background sync worker brings a newly published catalog to a locked kiosk") {
    Server server;
    server.publish(demoCatalog("2026-03", 2));
    httplib::Client http = server.process.client();
    const Device device = enrollDevice(http, server.data, "TUM");
    TempDir kioskTmp;
    const storage::DataDir kiosk(kioskTmp.path() / "kiosk");
    REQUIRE(sync::saveDeviceLink(kiosk, {server.url(), device.token, device.number, "TUM"}));

    storage::SystemClock clock;
    sync::SyncWorker worker(kiosk, sync::httpConnectionFactory(), clock);
    std::mutex mutex;
    std::condition_variable changed;
    worker.setOnChange([&] {
        std::lock_guard lock(mutex);
        changed.notify_all();
    });
    worker.start();
    {
        std::unique_lock lock(mutex);
        const bool done = changed.wait_for(lock, std::chrono::seconds(60), [&] {
            const auto s = worker.status();
            return s.lastSuccessMs > 0 || s.lastError.has_value();
        });
        REQUIRE(done);
    }
    const sync::SyncStatus status = worker.status();
    worker.stop();
    INFO(status.lastErrorMessage);
    CHECK(status.lastSuccessMs > 0);
    const auto info = infoOf(kiosk);
    CHECK(info.version == "2026-03");
    CHECK(static_cast<std::size_t>(info.count) == demoCatalog("x")["services"].size() - 2);
    CHECK_FALSE(fs::exists(kiosk.personalDb()));
}
