// A stolen disk against the real chasqui-server: the device token in
// sync/device.json and the server's public key are not enough to push. Pushes
// must be signed with the device's key, which lives inside the encrypted
// personal-data store (sync/protocol/batch_signature.hpp).
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/base/data_dir.hpp"
#include "storage/records/person_repository.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/client/device_link.hpp"
#include "sync/client/enrollment_client.hpp"
#include "sync/client/http_server_channel.hpp"
#include "sync/client/kiosk_sync.hpp"
#include "sync/client/spool.hpp"
#include "tests/server/sync_e2e_fixture.hpp"

using namespace chasqui;
using namespace chasqui::test;
using namespace chasqui::test::e2e;
namespace fs = std::filesystem;

namespace {

// A kiosk enrolled the way staff do it (sync/device.json written), with a person registered.
std::unique_ptr<storage::PersonalStore> enrolledKiosk(const storage::DataDir& dir, const Server& server) {
    storage::InitOptions init;
    init.officeCode = "TUM";
    init.adminName = "Ana Admin";
    init.adminLogin = "ana.admin";
    init.adminPin = kAdminPin;
    init.kdf = storage::KdfParams::minimumForTests();
    auto created = storage::PersonalStore::create(dir, init, wallClock());
    REQUIRE_MESSAGE(created.has_value(), (created ? std::string() : created.error().message));
    auto store = storage::PersonalStore::signIn(dir, "ana.admin", kAdminPin, wallClock());
    REQUIRE_MESSAGE(store.has_value(), (store ? std::string() : store.error().message));
    auto enrolled = sync::enrollDevice(**store, server.url(), server.code("TUM"));
    REQUIRE_MESSAGE(enrolled.has_value(), (enrolled ? std::string() : enrolled.error().message));
    REQUIRE(storage::PersonRepository(**store).add(samplePerson()).has_value());
    return std::move(*store);
}

std::vector<std::string> givenNames(const PulledPage& page) {
    std::vector<std::string> out;
    for (const auto& change : page.changes) {
        if (change.value("entity", "") == "person" && change.contains("fields") &&
            change["fields"].contains("given_names"))
            out.push_back(change["fields"]["given_names"].get<std::string>());
    }
    return out;
}

}  // namespace

TEST_SUITE("push signatures") {
    TEST_CASE("device.json and the server's public key alone push nothing, and nothing reaches another kiosk") {
        Server server;
        httplib::Client client = server.process.client();
        TempDir tmp;
        const storage::DataDir dir{tmp.path() / "kiosk"};
        auto kiosk = enrolledKiosk(dir, server);
        Device other = enrollDevice(client, server.data, "TUM");

        // What a thief reads from the stolen disk and from the server.
        auto link = sync::loadDeviceLink(dir);
        REQUIRE(link.has_value());
        Device thief;
        thief.id = kiosk->session().deviceId;
        thief.office = "TUM";
        thief.token = link->deviceToken;
        thief.signing = sync::SigningKeyPair::generate();  // the thief's own key: the kiosk's is in the encrypted store
        const std::string sealed = sealBatch(std::vector{personPut(thief, "Intrusa")}, serverPublicKey(client));

        const PushOutcome unsignedPush = pushBody(client, thief, sealed);
        CHECK(unsignedPush.status == 401);
        CHECK(unsignedPush.body["error"]["code"] == "bad_signature");
        const PushOutcome foreignKey = push(client, thief, sealed);
        CHECK(foreignKey.status == 401);
        CHECK(foreignKey.body["error"]["code"] == "bad_signature");
        CHECK(server.changes() == 0);
        CHECK(pull(client, other).changes.empty());
        auto devices = client.Get("/v1/admin/devices", bearer(server.admin));
        REQUIRE(devices);
        const auto listed = nlohmann::json::parse(devices->body).at("devices");
        CHECK(listed.size() == 2);
        for (const auto& d : listed) CHECK(d.at("signs_pushes") == true);

        // The kiosk itself, with its key from the signed-in store, gets through.
        sync::CurlTransport transport;
        sync::HttpServerChannel channel(transport, server.url(), link->deviceToken);
        auto synced = sync::syncNow(*kiosk, channel);
        REQUIRE_MESSAGE(synced.has_value(), (synced ? std::string() : synced.error().message));
        CHECK(synced->pushed > 0);
        CHECK(synced->quarantined == 0);
        const PulledPage page = pull(client, other);
        CHECK(givenNames(page) == std::vector<std::string>{samplePerson().givenNames});
    }

    TEST_CASE("a batch signed by one kiosk is refused with another's token; replayed with its own it changes nothing") {
        Server server;
        httplib::Client client = server.process.client();
        Device a = enrollDevice(client, server.data, "TUM");
        Device b = enrollDevice(client, server.data, "TUM");
        const std::string body = signedBody(a, sealBatch(std::vector{personPut(a, "Ana")}, serverPublicKey(client)));

        const PushOutcome replayed = pushBody(client, b, body);
        CHECK(replayed.status == 401);
        CHECK(replayed.body["error"]["code"] == "bad_signature");
        CHECK(server.changes() == 0);

        const PushOutcome first = pushBody(client, a, body);
        REQUIRE(first.status == 200);
        CHECK(first.applied() == 1);
        const PushOutcome again = pushBody(client, a, body);  // e.g. an outbox file copied off a stolen disk
        REQUIRE(again.status == 200);
        CHECK(again.applied() == 0);
        CHECK(again.duplicates() == 1);
        CHECK(server.changes() == 1);
    }

    TEST_CASE("the batch sealed and signed at sign-out is pushed by the locked kiosk's sync") {
        Server server;
        httplib::Client client = server.process.client();
        TempDir tmp;
        const storage::DataDir dir{tmp.path() / "kiosk"};
        Device other = enrollDevice(client, server.data, "TUM");
        {
            auto kiosk = enrolledKiosk(dir, server);
            auto sealed = sync::spoolOutbox(*kiosk);  // what signing out does
            REQUIRE_MESSAGE(sealed.has_value(), (sealed ? std::string() : sealed.error().message));
            CHECK(*sealed == 1);
        }  // signed out: the store is closed and its keys wiped

        auto link = sync::loadDeviceLink(dir);
        REQUIRE(link.has_value());
        sync::CurlTransport transport;
        sync::HttpServerChannel channel(transport, server.url(), link->deviceToken);
        auto locked = sync::syncSpool(dir, channel);
        REQUIRE_MESSAGE(locked.has_value(), (locked ? std::string() : locked.error().message));
        CHECK(locked->batchesSent == 1);
        CHECK(locked->pushed > 0);
        CHECK(locked->quarantined == 0);
        CHECK(sync::countSpool(dir).pendingUp == 0);
        CHECK(givenNames(pull(client, other)) == std::vector<std::string>{samplePerson().givenNames});
    }

}  // TEST_SUITE
