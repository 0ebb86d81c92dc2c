// Enrollment keeps what the server sent in three writes (server key, device
// number, DIR/sync/device.json). They run one after the other and stop at the
// first failure, device.json last, so a kiosk is never half-enrolled: the
// sync worker only sees an enrollment that was kept whole, and enrolling
// again succeeds once the failure is fixed. The server is a scripted one on
// loopback answering a valid enrollment; the client is the real one (curl).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "storage/db/meta_table.hpp"
#include "storage/keys/key_wrap.hpp"
#include "storage/keys/keyring.hpp"
#include "storage/keys/staff_admin.hpp"
#include "sync/client/device_link.hpp"
#include "sync/client/enrollment_client.hpp"
#include "tests/support/test_store.hpp"
#include "tests/sync/scripted_server.hpp"

namespace chasqui::sync {
namespace {

namespace fs = std::filesystem;
using test::has;
using test::ScriptedServer;

std::string enrollmentAnswer(int number, const std::string& office = "TUM") {
    const std::string key(32, '\x05');
    return nlohmann::json{
        {"device_id", "x"},
        {"device_number", number},
        {"office", office},
        {"device_token", "tok_abcdefghijklmnopqrstuvwxyz"},
        {"server_public_key", storage::toBase64(reinterpret_cast<const unsigned char*>(key.data()), key.size())}}
        .dump();
}

// Tests run as root here, so a read-only file would not stop a write: a
// folder (not empty) where the atomic write puts its temporary file does.
void blockWritesTo(const fs::path& file) {
    const fs::path blocker = file.string() + ".tmp";
    fs::create_directories(blocker / "in-the-way");
}

void unblockWritesTo(const fs::path& file) {
    fs::remove_all(file.string() + ".tmp");
}

TEST_CASE("a failed write stops enrollment before device.json, and enrolling again then succeeds") {
    test::TestStore kiosk;
    ScriptedServer server;
    server.answer("POST", "/v1/enroll", 200, enrollmentAnswer(7));
    server.start();

    blockWritesTo(kiosk.dataDir.keyring());  // the device number cannot be kept
    auto failed = enrollDevice(*kiosk, server.url(), "CODE234567");
    REQUIRE_FALSE(failed.has_value());
    CHECK(failed.error().store.has_value());
    CHECK_MESSAGE(has(failed.error().message, "stays unenrolled"), failed.error().message);
    CHECK_FALSE(fs::exists(deviceLinkPath(kiosk.dataDir)));
    CHECK(loadDeviceLink(kiosk.dataDir).error().code == storage::ErrorCode::NotFound);
    auto keyring = storage::loadKeyring(kiosk.dataDir.keyring());
    REQUIRE(keyring.has_value());
    CHECK(keyring->deviceNumber != 7);

    unblockWritesTo(kiosk.dataDir.keyring());
    auto again = enrollDevice(*kiosk, server.url(), "CODE234567");
    REQUIRE_MESSAGE(again.has_value(), (again ? std::string() : again.error().message));
    auto link = loadDeviceLink(kiosk.dataDir);
    REQUIRE(link.has_value());
    CHECK(link->deviceNumber == 7);
    keyring = storage::loadKeyring(kiosk.dataDir.keyring());
    REQUIRE(keyring.has_value());
    CHECK(keyring->deviceNumber == 7);
}

TEST_CASE("a device.json that cannot be written leaves the kiosk unenrolled for the sync worker") {
    test::TestStore kiosk;
    ScriptedServer server;
    server.answer("POST", "/v1/enroll", 200, enrollmentAnswer(4));
    server.start();
    blockWritesTo(deviceLinkPath(kiosk.dataDir));
    auto failed = enrollDevice(*kiosk, server.url(), "CODE234567");
    REQUIRE_FALSE(failed.has_value());
    CHECK(failed.error().store.has_value());
    CHECK_FALSE(fs::exists(deviceLinkPath(kiosk.dataDir)));
    unblockWritesTo(deviceLinkPath(kiosk.dataDir));
    auto again = enrollDevice(*kiosk, server.url(), "CODE234567");
    REQUIRE_MESSAGE(again.has_value(), (again ? std::string() : again.error().message));
    CHECK(loadDeviceLink(kiosk.dataDir)->deviceNumber == 4);
}

TEST_CASE("a damaged device.json is refused field by field, never thrown on") {
    test::TempDir tmp;
    const storage::DataDir dir(tmp.path() / "kiosk");
    fs::create_directories(dir.root / "sync");
    for (const char* text :
         {R"({"server_url": "http://x", "device_token": "tok_abcdefgh", "device_number": "7"})",
          R"({"server_url": "http://x", "device_token": "tok_abcdefgh", "device_number": -7})",
          R"({"server_url": "http://x", "device_token": "tok_abcdefgh", "device_number": 18446744073709551615})",
          R"({"server_url": "http://x", "device_token": "tok_abcdefgh", "office": 5})",
          R"({"server_url": "http://x", "device_token": "tok\r\nX: 1abc"})", R"({"server_url": 1, "device_token": 2})",
          "[]", "", "\xff\xfe"}) {
        CAPTURE(text);
        std::ofstream(deviceLinkPath(dir), std::ios::trunc) << text;
        auto link = loadDeviceLink(dir);
        REQUIRE_FALSE(link.has_value());
        CHECK(link.error().code == storage::ErrorCode::Damaged);
    }
}

TEST_CASE("a server that accepts a code for another office enrolls nothing: WrongOffice names that office") {
    test::TestStore kiosk;  // office TUM
    ScriptedServer server;
    server.answer("POST", "/v1/enroll", 200, enrollmentAnswer(3, "PUN"));
    server.start();
    auto failed = enrollDevice(*kiosk, server.url(), "CODE234567");
    REQUIRE_FALSE(failed.has_value());
    CHECK(failed.error().code == SyncErrorCode::WrongOffice);
    CHECK(failed.error().office == "PUN");
    CHECK_FALSE(failed.error().store.has_value());
    CHECK_MESSAGE(has(failed.error().message, "office PUN"), failed.error().message);
    CHECK_FALSE(fs::exists(deviceLinkPath(kiosk.dataDir)));
    CHECK(storage::loadKeyring(kiosk.dataDir.keyring())->deviceNumber != 3);
}

TEST_CASE("field staff may not enroll the kiosk: PermissionDenied before anything is sent") {
    test::TestStore kiosk;
    auto luis = storage::StaffAdmin(*kiosk, storage::KdfParams::minimumForTests())
                    .add("Luis Quispe", "luis.staff", "staff", "13572468");
    REQUIRE(luis.has_value());
    kiosk->lock();
    auto field = storage::PersonalStore::signIn(kiosk.dataDir, "luis.staff", "13572468", kiosk.clock);
    REQUIRE(field.has_value());
    ScriptedServer server;
    server.answer("POST", "/v1/enroll", 200, enrollmentAnswer(2));
    server.start();
    auto refused = enrollDevice(**field, server.url(), "CODE234567");
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == SyncErrorCode::PermissionDenied);
    CHECK(server.requests() == 0);
    CHECK_FALSE(fs::exists(deviceLinkPath(kiosk.dataDir)));
}

}  // namespace
}  // namespace chasqui::sync
