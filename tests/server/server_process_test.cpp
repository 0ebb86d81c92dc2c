// chasqui-server as kiosks and administrators meet it: the real process on a
// random loopback port, real sealed batches, real restarts and signals.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "storage/base/clock.hpp"
#include "storage/catalog/catalog_import.hpp"
#include "tests/server/server_harness.hpp"

using namespace chasqui;
using namespace chasqui::test;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

struct Fixture {
    TempDir tmp;
    fs::path data = tmp.path() / "server";
    std::unique_ptr<ServerProcess> server = std::make_unique<ServerProcess>(data);
    std::unique_ptr<httplib::Client> http = std::make_unique<httplib::Client>(server->client());

    httplib::Client& client() { return *http; }
    void restart() {
        server.reset();  // kill -9 if still running
        server = std::make_unique<ServerProcess>(data);
        http = std::make_unique<httplib::Client>(server->client());
    }
};

std::set<std::string> givenNames(const std::vector<json>& changes) {
    std::set<std::string> out;
    for (const auto& c : changes) out.insert(c.at("fields").at("given_names").get<std::string>());
    return out;
}

}  // namespace

TEST_CASE("health answers without the protocol header and names the server's key") {
    Fixture f;
    httplib::Client bare("127.0.0.1", f.server->port());
    auto r = bare.Get("/v1/health");
    REQUIRE(r);
    CHECK(r->status == 200);
    const json body = json::parse(r->body);
    CHECK(body["service"] == "chasqui");
    CHECK(body["protocol"] == 1);
    CHECK(std::llabs(body["server_time_ms"].get<std::int64_t>() - storage::SystemClock().nowMs()) < 60000);
    const std::string key = serverPublicKey(f.client());
    CHECK(key.size() == 32);
    f.restart();
    CHECK(serverPublicKey(f.client()) == key);  // the key pair lives in the data directory
}

TEST_CASE("a device enrolls with a code from enroll-code, and a code works only once") {
    Fixture f;
    const CommandResult code = runServer({"enroll-code", "--data", f.data.string(), "--office", "TUM"});
    REQUIRE(code.exitCode == 0);
    const std::string text = trimmed(code.out);
    CHECK(text.size() == 11);  // XXXXX-XXXXX

    const auto keys = sync::BoxKeyPair::generate();
    const std::string id = newId();
    json request = {{"code", text},
                    {"device_id", id},
                    {"device_public_key", base64(keys.publicKey)},
                    {"device_signing_key", base64(sync::SigningKeyPair::generate().publicKey)}};
    auto r = f.client().Post("/v1/enroll", request.dump(), "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const json body = json::parse(r->body);
    CHECK(body["device_id"] == id);
    CHECK(body["office"] == "TUM");
    CHECK(body["device_number"] == 1);
    CHECK(body["device_token"].get<std::string>().size() >= 32);
    CHECK(body["server_public_key"] == base64(serverPublicKey(f.client())));

    request["device_id"] = newId();
    auto again = f.client().Post("/v1/enroll", request.dump(), "application/json");
    REQUIRE(again);
    CHECK(again->status == 403);
    CHECK(errorCode(again) == "enroll_code_invalid");

    CHECK(runServer({"enroll-code", "--data", f.data.string(), "--office", "tumbes"}).exitCode == 5);
    CHECK(runServer({"enroll-code", "--data", f.data.string()}).exitCode == 2);
}

TEST_CASE("pushed changes are applied once and pulled by the other devices of the office only") {
    Fixture f;
    Device a = enrollDevice(f.client(), f.data, "TUM");
    Device b = enrollDevice(f.client(), f.data, "TUM");
    Device lima = enrollDevice(f.client(), f.data, "LIM");
    const std::string key = serverPublicKey(f.client());

    const std::vector<sync::ChangeRecord> batch{personPut(a, "Ana"), personPut(a, "Rosa"), personPut(a, "Luz")};
    const std::string sealed = sealBatch(batch, key);
    const PushOutcome first = push(f.client(), a, sealed);
    REQUIRE(first.status == 200);
    // Counts only: the answer names no change that was applied.
    CHECK(first.body == json{{"applied", 3}, {"duplicates", 0}, {"quarantined", json::array()}});

    SUBCASE("the same batch again is acknowledged as duplicates") {
        const PushOutcome again = push(f.client(), a, sealed);
        CHECK(again.status == 200);
        CHECK(again.applied() == 0);
        CHECK(again.duplicates() == 3);
        CHECK(again.quarantinedIds().empty());
    }
    SUBCASE("the same id with other content is quarantined") {
        sync::ChangeRecord reused = batch[0];
        reused.fields["given_names"] = "Eva";
        const PushOutcome r = push(f.client(), a, sealBatch(std::vector{reused}, key));
        CHECK(r.applied() == 0);
        CHECK(r.duplicates() == 0);
        CHECK(r.quarantinedIds() == std::vector<std::string>{reused.id});
        CHECK(r.codes() == std::vector<std::string>{"id_reused"});
        CHECK_FALSE(r.body["quarantined"][0]["message"].get<std::string>().empty());
    }

    const PulledPage page = pull(f.client(), b);
    REQUIRE(page.status == 200);
    CHECK(page.changes.size() == 3);
    CHECK(givenNames(page.changes) == std::set<std::string>{"Ana", "Rosa", "Luz"});
    for (const auto& c : page.changes) {
        auto decoded = sync::decodeChange(c);
        REQUIRE(decoded);
        CHECK(decoded->device == a.id);
        CHECK(decoded->office == "TUM");
    }
    CHECK_FALSE(page.more);
    CHECK(cursorPosition(page.nextCursor) > 0);

    const PulledPage nothingNew = pull(f.client(), b, page.nextCursor);
    CHECK(nothingNew.changes.empty());
    CHECK(cursorPosition(nothingNew.nextCursor) >= cursorPosition(page.nextCursor));

    // Small pages: the cursor advances page by page.
    const PulledPage p1 = pull(f.client(), b, {}, 2);
    CHECK(p1.changes.size() == 2);
    CHECK(p1.more);
    const PulledPage p2 = pull(f.client(), b, p1.nextCursor, 2);
    CHECK(p2.changes.size() == 1);
    CHECK_FALSE(p2.more);
    CHECK(cursorPosition(p2.nextCursor) > cursorPosition(p1.nextCursor));

    // A later change arrives after the saved cursor, alone.
    REQUIRE(push(f.client(), a, sealBatch(std::vector{personPut(a, "Marta")}, key)).applied() == 1);
    const PulledPage later = pull(f.client(), b, page.nextCursor);
    CHECK(givenNames(later.changes) == std::set<std::string>{"Marta"});
    CHECK(cursorPosition(later.nextCursor) > cursorPosition(page.nextCursor));

    CHECK(pull(f.client(), a).changes.empty());     // its own changes are not sent back
    CHECK(pull(f.client(), lima).changes.empty());  // another office gets nothing
}

TEST_CASE("kill -9 right after an answered push loses nothing") {
    Fixture f;
    Device a = enrollDevice(f.client(), f.data, "TUM");
    Device b = enrollDevice(f.client(), f.data, "TUM");
    const PushOutcome r = push(f.client(), a, sealBatch(std::vector{personPut(a, "Ana")}, serverPublicKey(f.client())));
    REQUIRE(r.applied() == 1);
    CHECK(f.server->stop(SIGKILL) == 128 + SIGKILL);

    f.restart();
    const PulledPage page = pull(f.client(), b);  // the token survived too
    REQUIRE(page.status == 200);
    CHECK(givenNames(page.changes) == std::set<std::string>{"Ana"});
}

TEST_CASE("kiosks whose uploads trickle in do not hold up the others") {
    Fixture f;
    Device a = enrollDevice(f.client(), f.data, "TUM");
    // More pushes on 2G (headers sent, 64 KiB announced, 100 bytes arrived so
    // far) than httplib's default pool has threads (max(8, cores - 1)): with
    // that pool, they would hold every thread.
    const int stalledCount = static_cast<int>(std::max(8u, std::thread::hardware_concurrency())) + 4;
    std::vector<int> stalled;
    for (int i = 0; i < stalledCount; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(static_cast<std::uint16_t>(f.server->port()));
        REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        const std::string start = fmt::format(
            "POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nChasqui-Protocol: 1\r\nAuthorization: Bearer {}\r\n"
            "Content-Type: application/octet-stream\r\nContent-Length: 65536\r\n\r\n{}",
            a.token, std::string(100, 'x'));
        REQUIRE(::send(fd, start.data(), start.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(start.size()));
        stalled.push_back(fd);
    }
    // Another kiosk is answered meanwhile (the server waits 60 s for a slow body).
    httplib::Client quick = f.server->client();
    quick.set_read_timeout(5);
    Device b = enrollDevice(quick, f.data, "TUM");
    const PushOutcome r = push(quick, b, sealBatch(std::vector{personPut(b, "Ana")}, serverPublicKey(quick)));
    CHECK(r.status == 200);
    CHECK(r.applied() == 1);
    for (const int fd : stalled) ::close(fd);
}

TEST_CASE("SIGTERM stops the server with exit 0, and its log holds no personal data or secrets") {
    Fixture f;
    Device a = enrollDevice(f.client(), f.data, "TUM");
    Device b = enrollDevice(f.client(), f.data, "TUM");
    REQUIRE(
        push(f.client(), a, sealBatch(std::vector{personPut(a, "Ana María")}, serverPublicKey(f.client()))).status ==
        200);
    const PulledPage page = pull(f.client(), b, {}, 50);
    REQUIRE(page.changes.size() == 1);
    const std::string admin = adminToken(f.data);
    CHECK(adminStatus(f.client(), admin)["changes"] == 1);

    CHECK(f.server->stop(SIGTERM) == 0);
    const std::string log = f.server->log();
    CHECK(has(log, "POST /v1/push 200"));
    CHECK(has(log, "GET /v1/pull?limit=50 200"));
    CHECK(has(log, "device=" + a.id));
    CHECK(has(log, "stopped"));
    for (const std::string& secret :
         {std::string("Ana"), std::string("Quispe"), a.token, b.token, a.code, admin, page.nextCursor}) {
        CHECK_MESSAGE(!has(log, secret), secret);
    }
}

TEST_CASE("a revoked device is refused at once, on push and on pull") {
    Fixture f;
    Device a = enrollDevice(f.client(), f.data, "TUM");
    Device b = enrollDevice(f.client(), f.data, "TUM");
    const std::string key = serverPublicKey(f.client());
    REQUIRE(pull(f.client(), a).status == 200);

    const CommandResult revoked = runServer({"revoke", "--data", f.data.string(), "--device", a.id});
    CHECK(revoked.exitCode == 0);
    const PushOutcome p = push(f.client(), a, sealBatch(std::vector{personPut(a, "Ana")}, key));
    CHECK(p.status == 403);
    CHECK(p.body["error"]["code"] == "revoked");
    const PulledPage page = pull(f.client(), a);
    CHECK(page.status == 403);
    CHECK(page.errorCode == "revoked");

    const CommandResult list = runServer({"devices", "--data", f.data.string()});
    CHECK(list.exitCode == 0);
    CHECK(has(list.out, a.id));
    CHECK(has(list.out, "revoked"));

    // The admin API revokes too.
    httplib::Client& c = f.client();
    auto r =
        c.Post(fmt::format("/v1/admin/devices/{}/revoke", b.id), bearer(adminToken(f.data)), "", "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(pull(f.client(), b).errorCode == "revoked");
    CHECK(runServer({"revoke", "--data", f.data.string(), "--device", newId()}).exitCode == 5);
}

TEST_CASE("catalog import validates and publishes; the catalog is served with its version, 304 and gzip") {
    Fixture f;
    auto none = f.client().Get("/v1/catalog");
    REQUIRE(none);
    CHECK(none->status == 404);

    json broken = json::parse(test::readBytes(CHASQUI_ASSETS_DIR "/catalog/demo_catalog.json"));
    broken["services"][1]["category"] = "nonsense";
    const fs::path brokenFile = f.tmp.path() / "broken.json";
    std::ofstream(brokenFile) << broken.dump(2);
    const CommandResult bad = runServer({"catalog", "import", brokenFile.string(), "--data", f.data.string()});
    CHECK(bad.exitCode == 5);
    CHECK(has(bad.err, "line"));
    CHECK(f.client().Get("/v1/catalog")->status == 404);  // nothing published

    const CommandResult ok =
        runServer({"catalog", "import", CHASQUI_ASSETS_DIR "/catalog/demo_catalog.json", "--data", f.data.string()});
    REQUIRE(ok.exitCode == 0);
    auto expected = storage::loadCatalogFile(CHASQUI_ASSETS_DIR "/catalog/demo_catalog.json");
    REQUIRE(expected);

    auto r = f.client().Get("/v1/catalog");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const std::string version = r->get_header_value("Chasqui-Catalog-Version");
    CHECK(version == expected->version);
    auto served = storage::parseCatalogJson(r->body);  // the published form reads back as a catalog
    REQUIRE(served);
    CHECK(served->services.size() == expected->services.size());
    CHECK(served->version == version);

    auto current = f.client().Get("/v1/catalog", httplib::Params{{"version", version}}, httplib::Headers{});
    REQUIRE(current);
    CHECK(current->status == 304);
    CHECK(current->body.empty());

    httplib::Client raw = f.server->client();
    raw.set_decompress(false);
    auto gz = raw.Get("/v1/catalog", httplib::Headers{{"Accept-Encoding", "gzip"}});
    REQUIRE(gz);
    CHECK(gz->status == 200);
    CHECK(gz->get_header_value("Content-Encoding") == "gzip");
    CHECK(gz->body.size() < r->body.size() / 2);
    // A small reply is not worth compressing (a push's answer is one).
    auto health = raw.Get("/v1/health", httplib::Headers{{"Accept-Encoding", "br, gzip"}});
    REQUIRE(health);
    CHECK(health->status == 200);
    CHECK(health->get_header_value("Content-Encoding").empty());
    CHECK(health->get_header_value("Content-Type") == "application/json; charset=utf-8");
    CHECK(nlohmann::json::parse(health->body, nullptr, false).is_object());

    CHECK(adminStatus(f.client(), adminToken(f.data))["catalog_version"] == version);
    const CommandResult csv = runServer(
        {"catalog", "import", CHASQUI_ASSETS_DIR "/catalog/demo_catalog_sample.csv", "--data", f.data.string()});
    CHECK(csv.exitCode == 0);
    CHECK(f.client().Get("/v1/catalog")->get_header_value("Chasqui-Catalog-Version") != version);
}

TEST_CASE("admin API: enrollment codes, devices and status with the admin token") {
    Fixture f;
    const std::string admin = adminToken(f.data);
    CHECK(adminToken(f.data) == admin);  // made once, then printed again
    struct stat st {};
    REQUIRE(::stat((f.data / "admin.token").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    auto code = f.client().Post("/v1/admin/enroll-codes", bearer(admin), R"({"office":"LIM"})", "application/json");
    REQUIRE(code);
    REQUIRE(code->status == 200);
    const auto keys = sync::BoxKeyPair::generate();
    const std::string id = newId();
    const json request = {{"code", json::parse(code->body)["code"]},
                          {"device_id", id},
                          {"device_public_key", base64(keys.publicKey)},
                          {"device_signing_key", base64(sync::SigningKeyPair::generate().publicKey)}};
    auto enrolled = f.client().Post("/v1/enroll", request.dump(), "application/json");
    REQUIRE(enrolled);
    CHECK(enrolled->status == 200);
    CHECK(json::parse(enrolled->body)["office"] == "LIM");

    auto devices = f.client().Get("/v1/admin/devices", bearer(admin));
    REQUIRE(devices);
    CHECK(devices->status == 200);
    const json list = json::parse(devices->body)["devices"];
    REQUIRE(list.size() == 1);
    CHECK(list[0]["device_id"] == id);
    CHECK(list[0]["office"] == "LIM");
    CHECK(list[0]["revoked"] == false);

    const json status = adminStatus(f.client(), admin);
    CHECK(status["devices"] == 1);
    CHECK(status["changes"] == 0);
}

TEST_CASE("plain HTTP is served only on loopback; with a certificate the server speaks HTTPS") {
    TempDir tmp;
    const fs::path data = tmp.path() / "server";
    const CommandResult open = runServer({"--data", data.string(), "--listen", "0.0.0.0:0"});
    CHECK(open.exitCode == 2);
    CHECK(has(open.err, "loopback"));
    CHECK(runServer({"--data", data.string(), "--listen", "nonsense"}).exitCode == 2);
    CHECK(runServer({"--data", data.string()}).exitCode == 2);

    const std::string cert = (tmp.path() / "cert.pem").string();
    const std::string key = (tmp.path() / "key.pem").string();
    const std::string make = fmt::format(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout {} -out {} -days 1 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
        key, cert);
    if (std::system(make.c_str()) != 0) {
        WARN_MESSAGE(false, "openssl is not installed: HTTPS not tested");
        return;
    }
    ServerProcess server(data, {"--tls-cert", cert, "--tls-key", key});
    httplib::SSLClient client("127.0.0.1", server.port());
    client.set_ca_cert_path(cert);
    client.enable_server_certificate_verification(true);
    auto r = client.Get("/v1/health");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(json::parse(r->body)["service"] == "chasqui");
    CHECK(server.stop(SIGINT) == 0);
}
