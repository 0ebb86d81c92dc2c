// Answers of a hostile or broken server, through the kiosk's real client
// (CurlTransport, HttpServerChannel, enrollDevice, syncSpool) against a real
// HTTP server on loopback that answers what each case scripts. Every answer
// with a field of the wrong type or out of range is refused with a clear
// error and writes nothing; nothing throws (before: std::terminate).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/db/meta_table.hpp"
#include "storage/keys/key_wrap.hpp"
#include "storage/keys/keyring.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/client/device_link.hpp"
#include "sync/client/enrollment_client.hpp"
#include "sync/client/http_server_channel.hpp"
#include "sync/client/spool.hpp"
#include "tests/server/server_harness.hpp"
#include "tests/support/test_store.hpp"
#include "tests/sync/scripted_server.hpp"

namespace chasqui::sync {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::has;
using test::ScriptedServer;

std::string keyBase64() {
    const std::string raw(32, '\x07');
    return storage::toBase64(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

json validEnrollment() {
    return {{"device_id", "x"},
            {"device_number", 3},
            {"office", "TUM"},
            {"device_token", "tok_abcdefghijklmnopqrstuvwxyz0123456789-"},
            {"server_public_key", keyBase64()}};
}

std::string meta(storage::PersonalStore& store, const std::string& key) {
    auto value = storage::readMeta(store.db(), key);
    REQUIRE(value.has_value());
    return *value;
}

TEST_CASE("an enrollment answer with a field of the wrong type or out of range is refused and nothing is kept") {
    struct Case {
        const char* name;
        json answer;
    };
    std::vector<Case> cases;
    const auto with = [&](const char* name, const char* key, json value) {
        json answer = validEnrollment();
        answer[key] = std::move(value);
        cases.push_back({name, std::move(answer)});
    };
    with("office not a string", "office", 42);
    with("office not an office code", "office", "TUM\r\nX: 1");
    with("server_public_key not a string", "server_public_key", 7);
    with("server_public_key too short", "server_public_key", "AAAA");
    with("device_number negative", "device_number", -7);
    with("device_number 2^40+3", "device_number", (std::int64_t{1} << 40) + 3);
    with("device_number over UINT64", "device_number", std::uint64_t{18446744073709551615u});
    with("device_number a string", "device_number", "3");
    with("device_number a fraction", "device_number", 3.5);
    with("device_token with CR LF", "device_token", "abcdefgh\r\nX-Evil: 1");
    with("device_token empty", "device_token", "");
    with("device_token a number", "device_token", 12345678901234);
    cases.push_back({"not an object", json::array({1, 2})});

    for (const Case& c : cases) {
        CAPTURE(c.name);
        test::TestStore store;
        ScriptedServer server;
        server.answer("POST", "/v1/enroll", 200, c.answer.dump());
        server.start();
        auto enrolled = enrollDevice(*store, server.url(), "CODE234567");
        REQUIRE_FALSE(enrolled.has_value());
        CHECK_FALSE(enrolled.error().store.has_value());
        CHECK(enrolled.error().code == SyncErrorCode::BadResponse);
        CHECK_MESSAGE(has(enrolled.error().message, "not valid"), enrolled.error().message);
        CHECK_FALSE(fs::exists(deviceLinkPath(store.dataDir)));
        CHECK(meta(*store, "server_public_key").empty());
    }
}

TEST_CASE("a 6 MB device token is not even read: the enrollment answer's size is capped") {
    test::TestStore store;
    ScriptedServer server;
    json answer = validEnrollment();
    answer["device_token"] = std::string(6 * 1024 * 1024, 'a');
    server.answer("POST", "/v1/enroll", 200, answer.dump());
    server.start();
    auto enrolled = enrollDevice(*store, server.url(), "CODE234567");
    REQUIRE_FALSE(enrolled.has_value());
    CHECK(enrolled.error().code == SyncErrorCode::TooLarge);
    CHECK_FALSE(fs::exists(deviceLinkPath(store.dataDir)));
    CHECK(meta(*store, "server_public_key").empty());
}

TEST_CASE("a valid enrollment answer is kept (the fake server speaks the protocol)") {
    test::TestStore store;
    ScriptedServer server;
    server.answer("POST", "/v1/enroll", 200, validEnrollment().dump());
    server.start();
    auto enrolled = enrollDevice(*store, server.url(), "CODE234567");
    REQUIRE_MESSAGE(enrolled.has_value(), (enrolled ? std::string() : enrolled.error().message));
    CHECK(enrolled->deviceNumber == 3);
    auto link = loadDeviceLink(store.dataDir);
    REQUIRE(link.has_value());
    CHECK(link->deviceToken == "tok_abcdefghijklmnopqrstuvwxyz0123456789-");
    CHECK(meta(*store, "server_public_key") == keyBase64());
}

TEST_CASE("error bodies of any shape give an error, never an exception, and only a 403 revokes") {
    struct Case {
        int status;
        std::string body;
        SyncErrorCode expected;
        const char* code;
    };
    const std::vector<Case> cases{
        {403, R"({"error": {"code": 5, "message": ["x"]}})", SyncErrorCode::HttpError, ""},
        {500, R"({"error": {"code": "revoked", "message": 7}})", SyncErrorCode::HttpError, "revoked"},
        {503, R"({"error": {"code": "revoked", "message": "wipe yourself"}})", SyncErrorCode::HttpError, "revoked"},
        {403, R"({"error": {"code": "revoked", "message": "revoked"}})", SyncErrorCode::Revoked, "revoked"},
        {401, R"({"error": "boom"})", SyncErrorCode::Unauthorized, ""},
        {400, R"({"error": {"code": "Bad Code!", "message": "x"}})", SyncErrorCode::HttpError, ""},
        {502, "<html>bad gateway</html>", SyncErrorCode::HttpError, ""},
        {403, R"({"error": {"code": ")" + std::string(100, 'a') + R"(", "message": "x"}})", SyncErrorCode::HttpError,
         ""},
    };
    for (const Case& c : cases) {
        CAPTURE(c.body);
        ScriptedServer server;
        server.answer("POST", "/v1/push", c.status, c.body);
        server.answer("GET", "/v1/pull", c.status, c.body);
        server.start();
        CurlTransport transport;
        HttpServerChannel channel(transport, server.url(), "tok_abcdefghijklmnop");
        auto pushed = channel.push("sealed batch");
        auto pulled = channel.pull("", 10);
        REQUIRE_FALSE(pushed.has_value());
        REQUIRE_FALSE(pulled.has_value());
        for (const SyncError& result : {pushed.error(), pulled.error()}) {
            CHECK(result.httpStatus == c.status);
            CHECK(result.code == c.expected);
            CHECK(result.serverCode == c.code);
            CHECK_FALSE(result.message.empty());
        }
    }
}

TEST_CASE("a server message is shown as one line, and one of the wrong size is replaced") {
    ScriptedServer server;
    server.answer("POST", "/v1/push", 409, R"({"error": {"code": "busy", "message": "a\u001b[31m\r\nFAKE: b"}})");
    server.answer("GET", "/v1/pull", 409,
                  R"({"error": {"code": "busy", "message": ")" + std::string(5000, 'm') + R"("}})");
    server.start();
    CurlTransport transport;
    HttpServerChannel channel(transport, server.url(), "tok_abcdefghijklmnop");
    const SyncError pushed = channel.push("x").error();
    CHECK(pushed.message.find_first_of("\x1b\r\n") == std::string::npos);
    CHECK(has(pushed.message, "FAKE: b"));
    CHECK(channel.pull("", 10).error().message == "the server answered HTTP 409");
}

TEST_CASE("a health answer with fields of the wrong type is refused") {
    for (const char* body :
         {R"({"service": "chasqui", "protocol": 1, "server_time_ms": 1, "server_public_key": 7})",
          R"({"service": "chasqui", "protocol": 1, "server_time_ms": "now", "server_public_key": "AAAA"})",
          R"({"service": "chasqui", "protocol": 1, "server_time_ms": -5, "server_public_key": "AAAA"})"}) {
        CAPTURE(body);
        ScriptedServer server;
        server.answer("GET", "/v1/health", 200, body);
        server.start();
        CurlTransport transport;
        HttpServerChannel channel(transport, server.url());
        auto health = channel.health();
        REQUIRE_FALSE(health.has_value());
        CHECK(health.error().code == SyncErrorCode::BadResponse);
    }
}

TEST_CASE("a pulled page with a bad cursor or more flag, or over the page size, is refused and nothing is stored") {
    struct Case {
        const char* name;
        std::string cursor;
        std::string more;
        std::size_t bodyBytes;
        SyncErrorCode expected;
    };
    const std::vector<Case> cases{
        {"60 KB cursor", std::string(60 * 1024, 'c'), "0", 100, SyncErrorCode::BadResponse},
        {"cursor smuggling a query", "abc&limit=100000", "0", 100, SyncErrorCode::BadResponse},
        {"cursor with a space", "abc def", "0", 100, SyncErrorCode::BadResponse},
        {"no cursor", "", "0", 100, SyncErrorCode::BadResponse},
        {"more is neither 0 nor 1", "e1.5", "yes", 100, SyncErrorCode::BadResponse},
        {"a page over 4 MiB", "e1.5", "0", 5 * 1024 * 1024, SyncErrorCode::TooLarge},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        test::TempDir tmp;
        const storage::DataDir dir(tmp.path() / "kiosk");
        ScriptedServer server;
        server.http().Get("/v1/pull", [&](const httplib::Request&, httplib::Response& res) {
            if (!c.cursor.empty()) res.set_header("Chasqui-Next-Cursor", c.cursor);
            res.set_header("Chasqui-More", c.more);
            res.set_content(std::string(c.bodyBytes, 's'), "application/octet-stream");
        });
        server.start();
        CurlTransport transport;
        HttpServerChannel channel(transport, server.url(), "tok_abcdefghijklmnop");
        auto synced = syncSpool(dir, channel);
        REQUIRE_FALSE(synced.has_value());
        CHECK(synced.error().code == c.expected);
        CHECK_FALSE(fs::exists(dir.root / "sync" / "cursor"));
        CHECK(fs::is_empty(dir.root / "sync" / "inbox"));
    }
}

TEST_CASE("a push answer with fields of the wrong type or range is refused") {
    for (const char* body :
         {R"({"applied": "3", "duplicates": 0, "quarantined": []})",
          R"({"applied": 18446744073709551615, "duplicates": 0, "quarantined": []})",
          R"({"applied": 0, "duplicates": 0, "quarantined": [{"id": 5, "code": "x", "message": "m"}]})",
          R"({"applied": 0, "duplicates": 0, "quarantined": [{"id": "a", "code": "", "message": "m"}]})",
          R"({"applied": 0, "duplicates": 0, "quarantined": [{"id": "a\n", "code": "x", "message": "m"}]})"}) {
        CAPTURE(body);
        ScriptedServer server;
        server.answer("POST", "/v1/push", 200, body);
        server.start();
        CurlTransport transport;
        HttpServerChannel channel(transport, server.url(), "tok_abcdefghijklmnop");
        auto pushed = channel.push("sealed");
        REQUIRE_FALSE(pushed.has_value());
        CHECK(pushed.error().code == SyncErrorCode::BadResponse);
    }
}

TEST_CASE("chasqui enroll against a server answering wrong types says so and exits 1 instead of aborting") {
    test::TestStore store;
    store.store.reset();  // the CLI signs in itself
    const fs::path pin = store.dir.path() / "pin";
    std::ofstream(pin) << test::kAdminPin << "\n";
    ScriptedServer server;
    json answer = validEnrollment();
    answer["office"] = 42;
    server.answer("POST", "/v1/enroll", 200, answer.dump());
    server.start();
    const test::CommandResult r = test::runChasqui({"enroll", "--data", store.dataDir.root.string(), "--pin-file",
                                                    pin.string(), "--server", server.url(), "--code", "CODE234567"});
    CHECK_MESSAGE(r.exitCode == 1, test::describe(r));
    CHECK_MESSAGE(has(r.err, "not valid"), test::describe(r));
    CHECK_FALSE(fs::exists(deviceLinkPath(store.dataDir)));
}

}  // namespace
}  // namespace chasqui::sync
