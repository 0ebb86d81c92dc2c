#include "tests/server/server_harness.hpp"

#include "tests/support/test_database.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <stdexcept>

#include <fmt/format.h>

#include "storage/base/clock.hpp"
#include "storage/records/ids.hpp"
#include "sync/server/app/child_process.hpp"

namespace chasqui::test {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const std::string kServerBin = CHASQUI_BIN_DIR "/chasqui-server";

pid_t spawnServer(const std::vector<std::string>& args, int stdoutFd, const std::string& stdoutPath,
                  const std::string& stderrPath, bool appendStderr) {
    // On PostgreSQL when the suite runs there (tests/support/test_database.hpp).
    const pid_t pid = sync::spawnChild(kServerBin, args,
                                       {stdoutFd, stdoutPath, stderrPath, appendStderr, serverEnvironmentFor(args)});
    if (pid < 0) throw std::runtime_error("cannot start " + kServerBin);
    return pid;
}

storage::SystemClock g_clock;
storage::UuidV7Generator g_ids(g_clock);

}  // namespace

CommandResult runServer(const std::vector<std::string>& args) {
    TempDir tmp;
    const std::string out = (tmp.path() / "out").string();
    const std::string err = (tmp.path() / "err").string();
    CommandResult r;
    r.exitCode = sync::waitExit(spawnServer(args, -1, out, err, false));
    r.out = readBytes(out);
    r.err = readBytes(err);
    return r;
}

CommandResult runChasqui(const std::vector<std::string>& args) {
    const std::string bin = CHASQUI_BIN_DIR "/chasqui";
    if (!fs::exists(bin)) throw std::runtime_error("build the `chasqui` target first: " + bin);
    TempDir tmp;
    const std::string out = (tmp.path() / "out").string();
    const std::string err = (tmp.path() / "err").string();
    const pid_t pid = sync::spawnChild(bin, args, {-1, out, err, false});
    if (pid < 0) throw std::runtime_error("cannot start " + bin);
    CommandResult r;
    r.exitCode = sync::waitExit(pid);
    r.out = readBytes(out);
    r.err = readBytes(err);
    return r;
}

std::string describe(const CommandResult& r) {
    return fmt::format("exit {}\n--- stdout\n{}--- stderr\n{}", r.exitCode, r.out, r.err);
}

ServerProcess::ServerProcess(fs::path dataDir, std::vector<std::string> extraArgs)
    : m_logPath(dataDir.string() + ".log") {
    // httplib's client writes without MSG_NOSIGNAL: a server closing a
    // connection mid-upload (over the size limit) must not kill the tests.
    (void)std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::string> args{"--data", dataDir.string(), "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extraArgs.begin(), extraArgs.end());
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    m_pid = spawnServer(args, fds[1], {}, m_logPath.string(), true);
    ::close(fds[1]);
    const std::string line = sync::readLine(fds[0]);  // a minute of silence: give up
    ::close(fds[0]);
    m_port = sync::listeningPort(line);
    if (m_port <= 0) {
        stop(SIGKILL);
        throw std::runtime_error("chasqui-server did not start listening: " + line + "\n" + log());
    }
}

ServerProcess::~ServerProcess() {
    if (m_pid > 0) stop(SIGKILL);
}

httplib::Client ServerProcess::client() const {
    httplib::Client client("127.0.0.1", m_port);
    client.set_default_headers({{"Chasqui-Protocol", "1"}});
    client.set_read_timeout(60);
    return client;
}

int ServerProcess::stop(int signal) {
    if (m_pid <= 0) return -1;
    ::kill(m_pid, signal);
    const int code = sync::waitExit(m_pid);
    m_pid = -1;
    return code;
}

std::string ServerProcess::log() const {
    return readBytes(m_logPath);
}

std::string base64(std::string_view raw) {
    std::string out(sodium_base64_encoded_len(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();
    return out;
}

std::string newId() {
    return g_ids.next();
}

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

Device enrollDevice(httplib::Client& client, const fs::path& dataDir, const std::string& office) {
    const CommandResult code = runServer({"enroll-code", "--data", dataDir.string(), "--office", office});
    if (code.exitCode != 0) throw std::runtime_error("enroll-code failed: " + code.err);
    Device d;
    d.id = newId();
    d.code = trimmed(code.out);
    d.keys = sync::BoxKeyPair::generate();
    d.signing = sync::SigningKeyPair::generate();
    const json request = {{"code", d.code},
                          {"device_id", d.id},
                          {"device_public_key", base64(d.keys.publicKey)},
                          {"device_signing_key", base64(d.signing.publicKey)}};
    auto r = client.Post("/v1/enroll", request.dump(), "application/json");
    if (!r || r->status != 200)
        throw std::runtime_error("enrollment failed: " + (r ? r->body : std::string("no answer")));
    const json body = json::parse(r->body);
    d.office = body.at("office").get<std::string>();
    d.token = body.at("device_token").get<std::string>();
    d.number = body.at("device_number").get<int>();
    return d;
}

std::string serverPublicKey(httplib::Client& client) {
    auto r = client.Get("/v1/health");
    if (!r || r->status != 200) throw std::runtime_error("health failed");
    const std::string text = json::parse(r->body).at("server_public_key").get<std::string>();
    std::string raw(text.size(), '\0');
    std::size_t length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), text.data(), text.size(), nullptr,
                          &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
        throw std::runtime_error("server_public_key is not base64");
    raw.resize(length);
    return raw;
}

std::string adminToken(const fs::path& dataDir) {
    const CommandResult r = runServer({"admin-token", "--data", dataDir.string()});
    if (r.exitCode != 0) throw std::runtime_error("admin-token failed: " + r.err);
    return trimmed(r.out);
}

httplib::Headers bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
}

sync::ChangeRecord personPut(const Device& device, const std::string& givenNames, std::int64_t clockOffsetMs) {
    sync::ChangeRecord c;
    c.id = newId();
    c.entity = "person";
    c.record = newId();
    c.op = "put";
    c.fields = {{"given_names", givenNames}, {"family_name_1", "Quispe"}, {"nationality", "VEN"}};
    c.hlc = storage::HlcStamp{g_clock.nowMs() + clockOffsetMs, 0}.encode();
    c.device = device.id;
    c.author = newId();
    c.office = device.office;
    return c;
}

std::string sealText(const std::string& plaintext, const std::string& key) {
    auto sealed = sync::sealCompressed(plaintext, key);
    if (!sealed) throw std::runtime_error(sealed.error().message);
    return *sealed;
}

std::string sealBatch(const std::vector<json>& changes, const std::string& key) {
    return sealText(json{{"batch", newId()}, {"columns", sync::encodeColumns(changes)}}.dump(), key);
}

std::string sealBatch(const std::vector<sync::ChangeRecord>& changes, const std::string& key) {
    std::vector<json> encoded;
    for (const auto& c : changes) encoded.push_back(sync::encodeChange(c));
    return sealBatch(encoded, key);
}

int PushOutcome::applied() const {
    return body.value("applied", -1);
}

int PushOutcome::duplicates() const {
    return body.value("duplicates", -1);
}

std::vector<std::string> PushOutcome::quarantinedIds() const {
    std::vector<std::string> out;
    for (const auto& r : body.value("quarantined", json::array())) out.push_back(r.value("id", ""));
    return out;
}

std::vector<std::string> PushOutcome::codes() const {
    std::vector<std::string> out;
    for (const auto& r : body.value("quarantined", json::array())) out.push_back(r.value("code", ""));
    return out;
}

std::string signedBody(const Device& device, const std::string& sealed) {
    auto body = sync::signBatch(sealed, device.id, device.signing.secretKey);
    if (!body) throw std::runtime_error(body.error().message);
    return *body;
}

PushOutcome push(httplib::Client& client, const Device& device, const std::string& sealed) {
    return pushBody(client, device, signedBody(device, sealed));
}

PushOutcome pushBody(httplib::Client& client, const Device& device, const std::string& body) {
    auto r = client.Post("/v1/push", bearer(device.token), body, "application/octet-stream");
    if (!r) throw std::runtime_error("push got no answer: " + httplib::to_string(r.error()));
    return {r->status, json::parse(r->body, nullptr, false)};
}

PulledPage pull(httplib::Client& client, const Device& device, const std::string& cursor, int limit) {
    httplib::Params params{{"limit", std::to_string(limit)}};
    if (!cursor.empty()) params.emplace("cursor", cursor);
    auto r = client.Get("/v1/pull", params, bearer(device.token));
    if (!r) throw std::runtime_error("pull got no answer: " + httplib::to_string(r.error()));
    PulledPage page;
    page.status = r->status;
    if (r->status != 200) {
        page.errorCode = errorCode(r);
        return page;
    }
    auto opened = sync::openCompressed(r->body, device.keys.publicKey, device.keys.secretKey);
    if (!opened) throw std::runtime_error("the pulled page does not open: " + opened.error().message);
    auto changes = sync::splitColumns(json::parse(*opened).at("columns"));
    if (!changes) throw std::runtime_error("the pulled page holds no valid columns: " + changes.error().message);
    page.changes = std::move(*changes);
    page.nextCursor = r->get_header_value("Chasqui-Next-Cursor");
    page.more = r->get_header_value("Chasqui-More") == "1";
    return page;
}

std::int64_t cursorPosition(const std::string& cursor) {
    const auto dot = cursor.find('.');
    return dot == std::string::npos ? -1 : std::stoll(cursor.substr(dot + 1));
}

json adminStatus(httplib::Client& client, const std::string& token) {
    auto r = client.Get("/v1/admin/status", bearer(token));
    if (!r || r->status != 200) throw std::runtime_error("admin status failed");
    return json::parse(r->body);
}

std::string errorCode(const httplib::Result& result) {
    if (!result) return {};
    const json body = json::parse(result->body, nullptr, false);
    if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return {};
    return body["error"].value("code", "");
}

}  // namespace chasqui::test
