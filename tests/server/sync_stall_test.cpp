// Links that answer but do not deliver, in front of the REAL chasqui-server:
// a stall in the middle of an answer (the sync gives up in plain words within
// bounds, and the next one completes with the stalled batch counted as
// duplicates), and a captive portal's login page (recognised, acknowledges
// nothing).
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "storage/demo/demo_population.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/client/http_server_channel.hpp"
#include "sync/protocol/sealed_box.hpp"
#include "tests/server/sync_e2e_fixture.hpp"
#include "tests/support/fault_proxy.hpp"

using namespace chasqui;
using namespace chasqui::test;
using namespace chasqui::test::e2e;
namespace fs = std::filesystem;
using json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

namespace {

// Answers 200 with a Wi-Fi login page to every request, as hotel and
// municipal hotspots do before the user "logs in".
class CaptivePortal {
public:
    CaptivePortal() {
        const auto page = [](const httplib::Request&, httplib::Response& res) {
            res.set_content(
                "<!DOCTYPE html><html><head><title>WiFi Municipal</title></head><body>"
                "<form action=/login><input name=email><button>Conectar</button></form></body></html>",
                "text/html");
        };
        m_server.Get(".*", page);
        m_server.Post(".*", page);
        m_port = m_server.bind_to_any_port("127.0.0.1");
        REQUIRE(m_port > 0);
        // Listening already: connections queue in the backlog until this runs.
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
    }
    ~CaptivePortal() {
        m_server.stop();
        m_thread.join();
    }
    CaptivePortal(const CaptivePortal&) = delete;
    CaptivePortal& operator=(const CaptivePortal&) = delete;
    std::string url() const { return fmt::format("http://127.0.0.1:{}", m_port); }

private:
    httplib::Server m_server;
    int m_port = 0;
    std::thread m_thread;
};

}  // namespace

TEST_SUITE("sync_e2e") {
    TEST_CASE("a stalled link gives up in plain words within bounds, and the next sync completes") {
        Server server;
        Kiosk k1("ana.admin", "Ana Admin");
        k1.enroll(server);
        storage::demo::DemoOptions demo;
        demo.persons = 20;
        REQUIRE(storage::demo::generateDemoPopulation(k1.store(), demo).has_value());
        const std::int64_t total = k1.changeCount();
        REQUIRE(total > 25);

        // The first answer (to the first push, already applied by the server) stops
        // after 60 bytes, inside its header block: a push answer is small now.
        FaultProxy proxy(server.port(), Faults{.stallDownstreamAfter = 60});
        sync::CurlTransport transport(sync::CurlOptions{.lowSpeedLimitBytes = 1, .lowSpeedTimeS = 1});
        sync::HttpServerChannel channel(transport, proxy.url(), k1.token());
        const sync::SyncLimits limits{.pushBatch = 25, .pullPage = 25};
        const auto start = SteadyClock::now();
        auto stalled = sync::syncNow(k1.store(), channel, limits);
        const double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
        REQUIRE_FALSE(stalled.has_value());
        INFO(std::string(sync::syncErrorCodeName(stalled.error().code)) << ": " << stalled.error().message);
        CHECK(stalled.error().code == sync::SyncErrorCode::Timeout);
        CHECK_FALSE(stalled.error().message.empty());
        CHECK(has(stalled.error().message, "server"));
        // libcurl judges speed over a ~5 s window: about 6 s here, far below the defaults.
        CHECK(seconds < 30.0);
        CHECK(k1.ackedCount() == 0);
        // The batches whose answers stalled: the first, and the ones pushed
        // beside it when they share no record (sync/client/push_pipeline.hpp,
        // up to three under way). Batches end at 25 changes or a little before
        // (a record never straddles two when that can be helped:
        // change_codec.hpp).
        const std::vector<std::int64_t> sizes = k1.outboxBatchSizes();
        REQUIRE(sizes.size() >= 3);
        const std::int64_t applied = server.changes();
        CHECK((applied == sizes[0] || applied == sizes[0] + sizes[1] || applied == sizes[0] + sizes[1] + sizes[2]));

        proxy.setFaults({});
        auto healed = sync::syncNow(k1.store(), channel, limits);
        REQUIRE_MESSAGE(healed.has_value(), (healed ? std::string() : healed.error().message));
        CHECK(healed->duplicates == applied);
        CHECK(healed->pushed == total - applied);
        CHECK(healed->quarantined == 0);
        CHECK(k1.pending() == 0);
        CHECK(server.changes() == total);
    }

    TEST_CASE("a captive portal's 200 is recognised and acknowledges nothing") {
        CaptivePortal portal;
        sync::CurlTransport transport;
        sync::HttpServerChannel channel(transport, portal.url(), "some-token");
        auto health = channel.health();
        REQUIRE_FALSE(health.has_value());
        CHECK(health.error().code == sync::SyncErrorCode::CaptivePortal);
        CHECK(has(health.error().message, "login page"));

        Kiosk kiosk("ana.admin", "Ana Admin");
        auto devicePk = sync::devicePublicKeys(kiosk.store());
        REQUIRE(devicePk.has_value());
        auto enrolled = channel.enroll("ABCDE-FGHJK", kiosk.deviceId(), *devicePk, "TUM");
        REQUIRE_FALSE(enrolled.has_value());
        CHECK(enrolled.error().code == sync::SyncErrorCode::BadResponse);

        // A kiosk that believes it is enrolled: the portal's page is no acknowledgement.
        REQUIRE(sync::setServerPublicKey(kiosk.store(), sync::BoxKeyPair::generate().publicKey).has_value());
        const std::int64_t pending = kiosk.pending();
        REQUIRE(pending > 0);
        auto synced = sync::syncNow(kiosk.store(), channel);
        REQUIRE_FALSE(synced.has_value());
        CHECK(synced.error().code == sync::SyncErrorCode::BadResponse);
        CHECK(kiosk.pending() == pending);
    }

}  // TEST_SUITE
