// Bad input to every endpoint of the real chasqui-server: each gets its
// stable error code, and none changes what the server holds (checked through
// GET /v1/admin/status after every request).
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/server/server_harness.hpp"

using namespace chasqui;
using namespace chasqui::test;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr std::size_t kFiveMiB = 5u * 1024u * 1024u;

struct Fixture {
    TempDir tmp;
    fs::path data = tmp.path() / "server";
    ServerProcess server{data};
    std::unique_ptr<httplib::Client> http = std::make_unique<httplib::Client>(server.client());
    httplib::Client& client() { return *http; }
    std::string admin = adminToken(data);
    Device device = enrollDevice(client(), data, "TUM");
    std::string key = serverPublicKey(client());
    json before = adminStatus(client(), admin);

    // What the server holds has not moved since the fixture was made.
    void unchanged() {
        const json now = adminStatus(client(), admin);
        CHECK(now["changes"] == before["changes"]);
        CHECK(now["devices"] == before["devices"]);
        CHECK(now["revoked_devices"] == before["revoked_devices"]);
    }
    void expectError(const httplib::Result& r, int status, const std::string& code) {
        REQUIRE(r);
        CHECK(r->status == status);
        CHECK(errorCode(r) == code);
        CHECK(r->get_header_value("Content-Type") == "application/json");
        unchanged();
    }
    httplib::Result postJson(const std::string& path, const std::string& body, const httplib::Headers& headers = {}) {
        return client().Post(path, headers, body, "application/json");
    }
    // `sealed` signed by the fixture's device (so what is checked is what is inside), with `token`.
    httplib::Result pushRaw(const std::string& sealed, const std::string& token) {
        return client().Post("/v1/push", bearer(token), signedBody(device, sealed), "application/octet-stream");
    }
};

std::string enrollBody(const std::string& code, const std::string& id, const std::string& key,
                       const std::string& signingKey = base64(sync::SigningKeyPair::generate().publicKey)) {
    return json{{"code", code}, {"device_id", id}, {"device_public_key", key}, {"device_signing_key", signingKey}}
        .dump();
}

}  // namespace

TEST_CASE("enrollment refuses malformed, truncated, mistyped and incomplete requests") {
    Fixture f;
    const std::string code = trimmed(runServer({"enroll-code", "--data", f.data.string(), "--office", "TUM"}).out);
    const std::string key = base64(sync::BoxKeyPair::generate().publicKey);
    const std::string id = newId();
    const std::string valid = enrollBody(code, id, key);
    const std::vector<std::string> bad{
        "",
        "{",
        "not json",
        valid.substr(0, valid.size() / 2),  // truncated
        "[]",
        R"({"code": 5, "device_id": "x", "device_public_key": "x"})",
        json{{"code", code}, {"device_id", 7}, {"device_public_key", key}}.dump(),
        json{{"code", code}, {"device_id", id}, {"device_public_key", json::array()}}.dump(),
        json{{"device_id", id}, {"device_public_key", key}}.dump(),  // no code
        json{{"code", code}, {"device_public_key", key}}.dump(),     // no device_id
        json{{"code", code}, {"device_id", id}}.dump(),              // no key
        json{{"code", code}, {"device_id", id}, {"device_public_key", nullptr}}.dump(),
        enrollBody(code, id, "!!not base64!!"),
        enrollBody(code, id, base64(std::string(31, 'k'))),                          // 31 bytes
        json{{"code", code}, {"device_id", id}, {"device_public_key", key}}.dump(),  // no signing key
        enrollBody(code, id, key, base64(std::string(31, 's'))),
        enrollBody(code, id, key, base64(std::string(64, 's'))),  // a secret key's size, not a public key's
        enrollBody(code, id, key, "!!not base64!!"),
        enrollBody(code, "NOT-A-UUID", key),
        enrollBody(code, id, key) + " trailing",
        json{{"code", code}, {"device_id", id}, {"device_public_key", key}, {"office", 3}}.dump(),
        std::string(200, '[') + std::string(200, ']'),
    };
    for (const auto& body : bad) {
        CAPTURE(body);
        f.expectError(f.postJson("/v1/enroll", body), 400, "bad_request");
    }
    // json::dump refuses invalid UTF-8, so this one is written by hand.
    const std::string invalidUtf8 = R"({"code":"ABCDE-)" + std::string("\xff\xfe") + R"(-XY","device_id":")" + id +
                                    R"(","device_public_key":")" + key + R"("})";
    f.expectError(f.postJson("/v1/enroll", invalidUtf8), 400, "invalid_utf8");
    f.expectError(f.postJson("/v1/enroll", enrollBody("22222-22222", id, key)), 403, "enroll_code_invalid");
    f.expectError(f.postJson("/v1/enroll", enrollBody(code, f.device.id, key)), 409, "already_enrolled");
    // None of that used up the code.
    auto ok = f.postJson("/v1/enroll", valid);
    REQUIRE(ok);
    CHECK(ok->status == 200);
}

TEST_CASE("push refuses forged credentials and batches it cannot open or read") {
    Fixture f;
    const std::string good = sealBatch(std::vector{personPut(f.device, "Ana")}, f.key);
    f.expectError(f.pushRaw(good, "forged-token-0000000000000000000000000"), 401, "unauthorized");
    f.expectError(f.client().Post("/v1/push", good, "application/octet-stream"), 401, "unauthorized");
    f.expectError(
        f.client().Post("/v1/push", {{"Authorization", "Basic " + f.device.token}}, good, "application/octet-stream"),
        401, "unauthorized");

    const std::string otherKey = sync::BoxKeyPair::generate().publicKey;
    const std::string batchId = newId();
    const json noChanges = sync::encodeColumns({});
    const std::string validJson = json{{"batch", batchId}, {"columns", noChanges}}.dump();
    json shortColumn = sync::encodeColumns({sync::encodeChange(personPut(f.device, "Ana"))});
    shortColumn["hlc"] = json::array();
    json missingColumn = noChanges;
    missingColumn.erase("author");
    json unknownColumn = noChanges;
    unknownColumn["extra"] = json::array();
    json notArray = noChanges;
    notArray["op"] = "put";
    const std::vector<std::string> unreadable{
        "",
        "random bytes that are not a sealed box at all, but long enough to look like one........",
        sealBatch(std::vector{personPut(f.device, "Ana")}, otherKey),  // sealed for the wrong key
        good.substr(0, good.size() - 5),                               // truncated box
        sealText("{", f.key),
        sealText(validJson.substr(0, validJson.size() - 3), f.key),  // truncated JSON
        sealText("[]", f.key),
        sealText(json{{"batch", 5}, {"columns", noChanges}}.dump(), f.key),
        sealText(json{{"batch", "not-a-uuid"}, {"columns", noChanges}}.dump(), f.key),
        sealText(json{{"batch", batchId}}.dump(), f.key),
        sealText(json{{"columns", noChanges}}.dump(), f.key),
        sealText(json{{"batch", batchId}, {"columns", json::array()}}.dump(), f.key),
        sealText(json{{"batch", batchId}, {"columns", "all of them"}}.dump(), f.key),
        sealText(json{{"batch", batchId}, {"changes", json::array()}}.dump(), f.key),  // rows are not the format
        sealText(json{{"batch", batchId}, {"columns", shortColumn}}.dump(), f.key),
        sealText(json{{"batch", batchId}, {"columns", missingColumn}}.dump(), f.key),
        sealText(json{{"batch", batchId}, {"columns", unknownColumn}}.dump(), f.key),
        sealText(json{{"batch", batchId}, {"columns", notArray}}.dump(), f.key),
        sync::compress(validJson),  // compressed but not sealed
    };
    for (const auto& body : unreadable) {
        CAPTURE(body.size());
        f.expectError(f.pushRaw(body, f.device.token), 400, "bad_request");
    }
    const std::string invalidUtf8 =
        R"({"batch":")" + batchId + R"(","columns":{"id":["x"],"fields":[{"given_names":"An)" + "\xc3\x28" + R"("}]}})";
    f.expectError(f.pushRaw(sealText(invalidUtf8, f.key), f.device.token), 400, "invalid_utf8");

    std::vector<json> tooMany(1001, sync::encodeChange(personPut(f.device, "Ana")));
    f.expectError(f.pushRaw(sealBatch(tooMany, f.key), f.device.token), 413, "too_large");
}

TEST_CASE("bodies over 4 MiB are refused with too_large by every POST endpoint") {
    Fixture f;
    const std::string huge(kFiveMiB, 'x');
    f.expectError(f.pushRaw(huge, f.device.token), 413, "too_large");
    f.expectError(f.postJson("/v1/enroll", huge), 413, "too_large");
    f.expectError(f.client().Post("/v1/admin/enroll-codes", bearer(f.admin), huge, "application/json"), 413,
                  "too_large");
    // A chunked upload has no Content-Length for httplib to check: it is cut at the limit.
    auto chunked = f.client().Post(
        "/v1/push", bearer(f.device.token),
        [&](std::size_t offset, httplib::DataSink& sink) {
            if (offset >= huge.size()) {
                sink.done();
                return true;
            }
            return sink.write(huge.data() + offset, std::min<std::size_t>(64 * 1024, huge.size() - offset));
        },
        "application/octet-stream");
    if (chunked) {
        CHECK(chunked->status == 413);
    }
    f.http = std::make_unique<httplib::Client>(f.server.client());  // a fresh connection
    f.unchanged();
    // A small chunked body is read whole.
    const std::string good = signedBody(f.device, sealBatch(std::vector{personPut(f.device, "Ana")}, f.key));
    auto small = f.client().Post(
        "/v1/push", bearer(f.device.token),
        [&](std::size_t offset, httplib::DataSink& sink) {
            if (offset >= good.size()) {
                sink.done();
                return true;
            }
            return sink.write(good.data() + offset, std::min<std::size_t>(10, good.size() - offset));
        },
        "application/octet-stream");
    REQUIRE(small);
    CHECK(small->status == 200);
}

TEST_CASE("bad changes are quarantined one by one and the rest of their batch is applied") {
    Fixture f;
    sync::ChangeRecord otherOffice = personPut(f.device, "Rosa");
    otherOffice.office = "LIM";
    json wrongType = sync::encodeChange(personPut(f.device, "Luz"));
    wrongType["fields"]["given_names"] = 5;
    sync::ChangeRecord notMine = personPut(f.device, "Eva");
    notMine.device = newId();
    json missingOp = sync::encodeChange(personPut(f.device, "Ada"));
    missingOp.erase("op");
    const std::vector<json> batch{sync::encodeChange(personPut(f.device, "Ana", 3600 * 1000)),  // an hour ahead
                                  sync::encodeChange(otherOffice),
                                  wrongType,
                                  sync::encodeChange(notMine),
                                  missingOp,
                                  "not a change",
                                  sync::encodeChange(personPut(f.device, "Marta"))};
    const PushOutcome r = push(f.client(), f.device, sealBatch(batch, f.key));
    REQUIRE(r.status == 200);
    CHECK(r.applied() == 1);
    CHECK(r.duplicates() == 0);
    const auto idOf = [&](std::size_t i) { return batch[i].is_object() ? batch[i].at("id").get<std::string>() : ""; };
    CHECK(r.quarantinedIds() == std::vector<std::string>{idOf(0), idOf(1), idOf(2), idOf(3), idOf(4), ""});
    CHECK(r.codes() == std::vector<std::string>{"clock_ahead", "out_of_scope", "bad_request", "wrong_device",
                                                "bad_request", "bad_request"});
    const json status = adminStatus(f.client(), f.admin);
    CHECK(status["changes"] == f.before["changes"].get<int>() + 1);
    CHECK(status["quarantined"] == f.before["quarantined"].get<int>() + 6);
}

TEST_CASE("pull refuses forged tokens, expired or malformed cursors and bad limits") {
    Fixture f;
    const auto get = [&](const httplib::Params& params, const std::string& token) {
        return f.client().Get("/v1/pull", params, bearer(token));
    };
    f.expectError(get({}, "forged-token-0000000000000000000000000"), 401, "unauthorized");
    f.expectError(f.client().Get("/v1/pull"), 401, "unauthorized");
    f.expectError(get({{"cursor", "deadbeef.5"}}, f.device.token), 410, "cursor_expired");
    f.expectError(get({{"cursor", "garbage"}}, f.device.token), 410, "cursor_expired");
    f.expectError(get({{"cursor", std::string(100, '1')}}, f.device.token), 400, "bad_request");
    f.expectError(get({{"cursor", "abc\x01"}}, f.device.token), 400, "bad_request");
    for (const char* limit : {"abc", "0", "-1", "", "1e3", "99999999999999999999999"}) {
        CAPTURE(limit);
        f.expectError(get({{"limit", limit}}, f.device.token), 400, "bad_request");
    }
    // A cursor of this server with a malformed position.
    const std::string cursor = pull(f.client(), f.device).nextCursor;
    const std::string epoch = cursor.substr(0, cursor.find('.'));
    f.expectError(get({{"cursor", epoch + ".x"}}, f.device.token), 400, "bad_request");
}

TEST_CASE("every endpoint but health needs Chasqui-Protocol: 1") {
    Fixture f;
    for (const char* version : {"", "2", "1.0"}) {
        CAPTURE(version);
        httplib::Client c("127.0.0.1", f.server.port());
        if (*version != '\0') c.set_default_headers({{"Chasqui-Protocol", version}});
        const std::string enroll = enrollBody("22222-22222", newId(), base64(std::string(32, 'k')));
        f.expectError(c.Post("/v1/enroll", enroll, "application/json"), 426, "unsupported_protocol");
        f.expectError(c.Post("/v1/push", bearer(f.device.token),
                             sealBatch(std::vector{personPut(f.device, "Ana")}, f.key), "application/octet-stream"),
                      426, "unsupported_protocol");
        f.expectError(c.Get("/v1/pull", bearer(f.device.token)), 426, "unsupported_protocol");
        f.expectError(c.Get("/v1/catalog"), 426, "unsupported_protocol");
        f.expectError(c.Post("/v1/admin/enroll-codes", bearer(f.admin), R"({"office":"TUM"})", "application/json"), 426,
                      "unsupported_protocol");
        f.expectError(c.Get("/v1/admin/devices", bearer(f.admin)), 426, "unsupported_protocol");
        f.expectError(c.Get("/v1/admin/status", bearer(f.admin)), 426, "unsupported_protocol");
        f.expectError(
            c.Post(fmt::format("/v1/admin/devices/{}/revoke", f.device.id), bearer(f.admin), "", "text/plain"), 426,
            "unsupported_protocol");
        auto health = c.Get("/v1/health");
        REQUIRE(health);
        CHECK(health->status == 200);
    }
}

TEST_CASE("admin endpoints refuse other credentials and bad input") {
    Fixture f;
    const std::string revokePath = fmt::format("/v1/admin/devices/{}/revoke", f.device.id);
    for (const std::string& token : {std::string("forged"), f.device.token, f.admin + "x"}) {
        f.expectError(
            f.client().Post("/v1/admin/enroll-codes", bearer(token), R"({"office":"TUM"})", "application/json"), 401,
            "unauthorized");
        f.expectError(f.client().Get("/v1/admin/devices", bearer(token)), 401, "unauthorized");
        f.expectError(f.client().Get("/v1/admin/status", bearer(token)), 401, "unauthorized");
        f.expectError(f.client().Post(revokePath, bearer(token), "", "application/json"), 401, "unauthorized");
    }
    f.expectError(f.client().Get("/v1/admin/status"), 401, "unauthorized");
    for (const char* body : {"{", "[]", "{}", R"({"office": 5})", R"({"office": "tumbes"})", R"({"office": "T"})"}) {
        CAPTURE(body);
        f.expectError(f.client().Post("/v1/admin/enroll-codes", bearer(f.admin), body, "application/json"), 400,
                      "bad_request");
    }
    f.expectError(
        f.client().Post("/v1/admin/enroll-codes", bearer(f.admin), "{\"office\": \"T\xffM\"}", "application/json"), 400,
        "invalid_utf8");
    f.expectError(f.client().Post("/v1/admin/devices/not-a-uuid/revoke", bearer(f.admin), "", "application/json"), 400,
                  "bad_request");
    f.expectError(
        f.client().Post(fmt::format("/v1/admin/devices/{}/revoke", newId()), bearer(f.admin), "", "application/json"),
        404, "not_found");
    CHECK(pull(f.client(), f.device).status == 200);  // still enrolled
}

TEST_CASE("unknown paths and methods get a JSON error") {
    Fixture f;
    f.expectError(f.client().Get("/v1/nothing"), 404, "not_found");
    f.expectError(f.client().Get("/v1/push"), 404, "not_found");
    f.expectError(f.client().Delete("/v1/admin/devices"), 404, "not_found");
    auto catalog = f.client().Get("/v1/catalog");
    REQUIRE(catalog);
    CHECK(catalog->status == 404);  // nothing published yet
    CHECK(errorCode(catalog) == "not_found");
}
