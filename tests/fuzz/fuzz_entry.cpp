#include "tests/fuzz/fuzz_entry.hpp"

#include <httplib.h>
#include <sodium.h>

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/base/clock.hpp"
#include "storage/base/secret.hpp"
#include "sync/protocol/batch_signature.hpp"
#include "sync/protocol/change_codec.hpp"
#include "sync/protocol/sealed_box.hpp"
#include "sync/server/core/server_core.hpp"
#include "sync/server/http/http_api.hpp"
#include "sync/server/http/request_router.hpp"
#include "sync/server/repository/postgres/pg_record_fields.hpp"
#include "sync/server/repository/record_fields_blob.hpp"

namespace chasqui::test {

namespace {

using nlohmann::json;

constexpr std::int64_t kNowMs = 1749988800000;  // 2025-06-15T12:00:00Z, as in the other suites
constexpr const char* kDeviceId = "0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a00";  // the seeds' device
constexpr const char* kOffice = "TUM";
constexpr std::size_t kMaxDecompressedBytes = 1u << 20;
constexpr std::size_t kAdminTokenBytes = 24;

struct Answer {
    int status = 0;
    std::string body;
};

// Status and body of an answer as httplib writes it (never chunked or
// compressed for the requests built here).
Answer parseAnswer(const std::string& raw) {
    Answer answer;
    constexpr std::string_view kPrefix = "HTTP/1.1 ";
    if (raw.size() < kPrefix.size() + 3 || raw.compare(0, kPrefix.size(), kPrefix) != 0) return answer;
    for (std::size_t i = kPrefix.size(); i < kPrefix.size() + 3; ++i) {
        if (raw[i] < '0' || raw[i] > '9') return answer;
        answer.status = answer.status * 10 + (raw[i] - '0');
    }
    if (const auto end = raw.find("\r\n\r\n"); end != std::string::npos) answer.body = raw.substr(end + 4);
    return answer;
}

bool isErrorBody(const std::string& body) {
    const json parsed = json::parse(body, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("error")) return false;
    const json& error = parsed["error"];
    return error.is_object() && error.contains("code") && error["code"].is_string() && error.contains("message") &&
           error["message"].is_string();
}

std::string hexByte(unsigned char c) {
    return fmt::format("%{:02X}", static_cast<unsigned>(c));
}

// Bytes that would end the request line (or are not ASCII) as %XX; the rest,
// '%', '=', '&' and '+' included, as given so the input shapes the query.
std::string queryText(std::string_view data) {
    std::string out;
    for (const char c : data) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x21 || u > 0x7e || c == '#') {
            out += hexByte(u);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// Every byte but the unreserved ones as %XX: httplib decodes the path back to
// exactly `data` before routing.
std::string pathSegment(std::string_view data) {
    std::string out;
    for (const char c : data) {
        const auto u = static_cast<unsigned char>(c);
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out.push_back(c);
        } else {
            out += hexByte(u);
        }
    }
    return out;
}

std::string buildRequest(std::string_view method, std::string_view target, std::string_view token,
                         std::string_view body) {
    std::string request = fmt::format("{} {} HTTP/1.1\r\nHost: chasqui\r\nChasqui-Protocol: 1\r\n", method, target);
    if (!token.empty()) request += fmt::format("Authorization: Bearer {}\r\n", token);
    if (method == "POST")
        request += fmt::format("Content-Type: application/octet-stream\r\nContent-Length: {}\r\n", body.size());
    request += "\r\n";
    request.append(body);
    return request;
}

// A sealed box around the bytes as given (no compression): what opens it next is the decompressor.
std::string sealRaw(std::string_view data, std::string_view publicKey) {
    std::string sealed(data.size() + crypto_box_SEALBYTES, '\0');
    crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()),
                    reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                    reinterpret_cast<const unsigned char*>(publicKey.data()));
    return sealed;
}

int decodeOne(const json& raw, std::vector<std::string>& problems) {
    auto change = sync::decodeChange(raw);
    if (!change) return 0;
    // What the server stores and sends on: it must be valid UTF-8 (dump()
    // throws otherwise) and read back as the same change.
    const json encoded = sync::encodeChange(*change);
    const std::string text = encoded.dump();
    auto again = sync::decodeChange(json::parse(text));
    if (!again) {
        problems.push_back("a decoded change does not decode after encoding: " + again.error().message);
    } else if (sync::encodeChange(*again) != encoded) {
        problems.push_back("a decoded change encodes differently after a round trip: " + text.substr(0, 200));
    }
    return 1;
}

}  // namespace

int FeedResult::statusOf(std::string_view route) const {
    const auto it = std::find_if(answers.begin(), answers.end(), [&](const Answer& a) { return a.route == route; });
    return it == answers.end() ? 0 : it->status;
}

struct FuzzEntry::State {
    storage::ManualClock clock{kNowMs};
    std::unique_ptr<sync::ServerCore> store;
    std::unique_ptr<sync::HttpApi> api;  // after the store, which it uses
    sync::RequestRouter server;          // after the api, whose handlers it holds; the server's own in-memory path
    std::string deviceToken;
    sync::SigningKeyPair signing = sync::SigningKeyPair::generate();  // the kiosk's: its pushes reach the batch
    std::string adminToken;

    void send(FeedResult& result, std::string route, const std::string& request, bool wellFormed) {
        bool close = false;
        const Answer answer = parseAnswer(server.handle(request, "127.0.0.1", 40000, true, close));
        if (answer.status >= 500) {
            result.problems.push_back(
                fmt::format("{}: status {} {}", route, answer.status, answer.body.substr(0, 300)));
        } else if (wellFormed && answer.status == 0) {
            result.problems.push_back(route + ": no answer to a well-formed request");
        } else if (wellFormed && answer.status >= 400 && !isErrorBody(answer.body)) {
            result.problems.push_back(fmt::format("{}: status {} without an error body: {}", route, answer.status,
                                                  answer.body.substr(0, 300)));
        }
        result.answers.push_back({std::move(route), answer.status});
    }
};

FuzzEntry::FuzzEntry(std::unique_ptr<State> state) : m_state(std::move(state)) {}
FuzzEntry::~FuzzEntry() = default;

std::expected<std::unique_ptr<FuzzEntry>, std::string> FuzzEntry::open(const std::filesystem::path& dir) {
    storage::ensureSodium();
    auto state = std::make_unique<State>();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return std::unexpected(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
    auto store = sync::ServerCore::open(dir, state->clock);
    if (!store) return std::unexpected("cannot open the server store: " + store.error().message);
    state->store = std::move(*store);
    auto code = state->store->issueEnrollCode(kOffice);
    if (!code) return std::unexpected("cannot issue an enrollment code: " + code.error().message);
    const sync::BoxKeyPair deviceKeys = sync::BoxKeyPair::generate();
    auto enrolled =
        state->store->enroll(*code, kDeviceId, sync::DevicePublicKeys{deviceKeys.publicKey, state->signing.publicKey});
    if (!enrolled) return std::unexpected("cannot enroll the kiosk: " + enrolled.error().message);
    state->deviceToken = enrolled->token;
    if (auto published = state->store->publishCatalog("2025-06-01", R"({"version": "2025-06-01", "services": []})");
        !published)
        return std::unexpected("cannot publish a catalog: " + published.error().message);
    std::array<unsigned char, kAdminTokenBytes> secret{};
    randombytes_buf(secret.data(), secret.size());
    std::array<char, 2 * kAdminTokenBytes + 1> hex{};
    sodium_bin2hex(hex.data(), hex.size(), secret.data(), secret.size());
    state->adminToken = hex.data();
    state->api = std::make_unique<sync::HttpApi>(*state->store, state->adminToken, [](const std::string&) {});
    state->api->install(state->server);
    return std::unique_ptr<FuzzEntry>(new FuzzEntry(std::move(state)));
}

// The bytes as a record's fields blob of the embedded store, as a damaged
// disk could hand it over: refused, or decoded to fields that survive
// encoding again; a patch fails exactly when decoding does, and otherwise
// holds the written field.
void FuzzEntry::checkRecordBlob(std::string_view data, std::vector<std::string>& problems) {
    auto fields = sync::decodeRecordFields(data);
    const sync::FieldWrite write{{"person", "p"}, "given_names", {"\"Rosa\"", "0001@d", "", "a", ""}};
    auto patched = sync::patchRecordFields(data, {&write});
    if (fields.has_value() != patched.has_value())
        return problems.push_back("a record blob decodes but cannot be patched, or the other way round");
    if (!fields) return;
    auto again = sync::decodeRecordFields(sync::encodeRecordFields(*fields));
    if (!again || *again != *fields) problems.push_back("a record blob does not survive encoding again");
    auto withWrite = sync::decodeRecordFields(*patched);
    if (!withWrite || withWrite->at(write.field) != write.state ||
        withWrite->size() != fields->size() + (fields->contains(write.field) ? 0 : 1))
        problems.push_back("a patched record blob does not hold the write");
}

// The same input as the `fields` of a PostgreSQL record_state row, which a
// database could hand over: refused, or read to fields that, written again
// (when their values are JSON, as the core's always are), read back the same.
void FuzzEntry::checkPgRecordFields(std::string_view data, std::vector<std::string>& problems) {
    static const auto cipher = sync::FieldCipher::fromKey(storage::SecretBytes(32));
    if (!cipher) return problems.push_back("FieldCipher::fromKey failed");
    const sync::RecordKey key{"case", "c"};
    // A row of schema 5 (no defaults: every field names its clock) and one
    // of schema 6, whose fields may leave out the row's clock and author.
    for (const sync::pg::FieldDefaults& defaults :
         {sync::pg::FieldDefaults{}, sync::pg::FieldDefaults{"0000000000a1-0000@dev-a", "staff-1"}}) {
        auto fields = sync::pg::readRecordFields(*cipher, key, data, defaults);
        if (!fields) continue;
        std::string again = "{";
        bool json = true;
        for (const auto& [name, state] : *fields) {
            json = json && json::accept(state.value);
            if (again.size() > 1) again.push_back(',');
            sync::pg::appendFieldEntry(again, *cipher, key, name, state, defaults);
        }
        if (!json) continue;
        again.push_back('}');
        auto reread = sync::pg::readRecordFields(*cipher, key, again, defaults);
        if (!reread || *reread != *fields) problems.push_back("record_state fields do not survive writing again");
    }
}

int FuzzEntry::decodeChanges(std::string_view text, std::vector<std::string>& problems) {
    const json parsed = json::parse(text, nullptr, false);
    if (parsed.is_discarded()) return 0;
    int decoded = decodeOne(parsed, problems);
    if (parsed.is_object()) {
        if (const auto columns = parsed.find("columns"); columns != parsed.end()) {
            if (auto changes = sync::splitColumns(*columns)) {
                for (const auto& change : *changes) decoded += decodeOne(change, problems);
            }
        }
    }
    return decoded;
}

FeedResult FuzzEntry::feed(std::string_view data) {
    State& s = *m_state;
    FeedResult result;
    result.decodedChanges += decodeChanges(data, result.problems);
    if (auto plain = sync::decompress(data, kMaxDecompressedBytes))
        result.decodedChanges += decodeChanges(*plain, result.problems);
    checkRecordBlob(data, result.problems);
    checkPgRecordFields(data, result.problems);

    s.send(result, "raw", std::string(data), false);
    s.send(result, "enroll", buildRequest("POST", "/v1/enroll", "", data), true);
    s.send(result, "push", buildRequest("POST", "/v1/push", s.deviceToken, data), true);
    // Signed by the kiosk, so the input gets past the signature check to the box, the decompressor and the batch.
    const auto sendSigned = [&](std::string route, std::string_view sealed) {
        auto body = sync::signBatch(sealed, kDeviceId, s.signing.secretKey);
        if (!body) return result.problems.push_back("signBatch failed: " + body.error().message);
        s.send(result, std::move(route), buildRequest("POST", "/v1/push", s.deviceToken, *body), true);
    };
    sendSigned("push signed", data);
    sendSigned("push sealed", sealRaw(data, s.store->publicKey()));
    if (auto sealed = sync::sealCompressed(data, s.store->publicKey())) {
        sendSigned("push sealed+compressed", *sealed);
    } else {
        result.problems.push_back("sealCompressed failed: " + sealed.error().message);
    }
    const std::string query = queryText(data);
    s.send(result, "pull", buildRequest("GET", "/v1/pull?" + query, s.deviceToken, ""), true);
    s.send(result, "catalog", buildRequest("GET", "/v1/catalog?" + query, "", ""), true);
    s.send(result, "admin enroll code", buildRequest("POST", "/v1/admin/enroll-codes", s.adminToken, data), true);
    // Revoking the kiosk itself would turn every later push and pull into a 403.
    if (data != kDeviceId) {
        s.send(result, "admin revoke",
               buildRequest("POST", "/v1/admin/devices/" + pathSegment(data) + "/revoke", s.adminToken, ""), true);
    }
    return result;
}

}  // namespace chasqui::test
