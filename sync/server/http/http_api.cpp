// Routes of chasqui-server. Every handler validates its input completely
// before the store is called, so a bad request changes nothing; the store's
// own checks (per change, in push_processor.cpp) come on top.
#include "sync/server/http/http_api.hpp"

#include "sync/server/core/status_json.hpp"

#include <httplib.h>
#include <sodium.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <optional>

#include <fmt/format.h>

#include "storage/base/clock.hpp"
#include "storage/base/text.hpp"
#include "storage/keys/key_wrap.hpp"
#include "storage/records/ids.hpp"
#include "sync/protocol/change_codec.hpp"
#include "sync/protocol/sealed_box.hpp"
#include "sync/server/core/batch_verifier.hpp"
#include "sync/server/http/http_errors.hpp"
#include "sync/server/http/request_limits.hpp"

namespace chasqui::sync {

namespace {

using httplib::Request;
using httplib::Response;
using json = nlohmann::json;
using Reply = HttpApi::Reply;

constexpr std::size_t kDefaultPullLimit = 100;
constexpr std::size_t kMaxPullLimit = 500;
constexpr std::size_t kMaxCursorBytes = 64;

// httplib's logger callback is told neither when a request started nor which
// device made it. A request is handled start to finish on one pool thread, so
// the pre-routing handler and the handlers leave both here for the logger,
// which clears them.
struct RequestTrace {
    std::optional<std::chrono::steady_clock::time_point> start;
    std::string device;
};
thread_local RequestTrace t_trace;

std::string dumpJson(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Reply jsonReply(const json& body) {
    Reply reply;
    reply.body = dumpJson(body);
    return reply;
}

// The protocol's JSON error with `status`, which is the table's
// (http_errors.hpp) except for answers httplib chose the status of.
void sendError(Response& res, const SyncError& e, int status) {
    res.status = status;
    if (e.code == SyncErrorCode::Busy) res.set_header("Retry-After", std::to_string(kRetryAfterSeconds));
    res.set_content(errorBody(e), "application/json");
}

void sendError(Response& res, const SyncError& e) {
    sendError(res, e, wireErrorFor(e.code).status);
}

// httplib compresses every application/json reply the client accepts
// compressed, with brotli at its highest quality: for a push's answer (a few
// dozen bytes) that cost about a millisecond of CPU and saved nothing, 2 % of
// a push. Small replies name their charset, a type httplib leaves as it is.
constexpr std::size_t kCompressFromBytes = 1024;

void send(Response& res, const SyncResult<Reply>& reply) {
    if (!reply) return sendError(res, reply.error());
    res.status = reply->status;
    for (const auto& [name, value] : reply->headers) res.set_header(name, value);
    if (reply->status == 304) return;
    const bool small = reply->body.size() < kCompressFromBytes && reply->contentType == "application/json";
    res.set_content(reply->body, small ? "application/json; charset=utf-8" : reply->contentType);
}

SyncError tooLarge() {
    return tooLargeError("the request body is over this endpoint's limit");
}

// For answers httplib makes itself (unknown path, body over the limit,
// unparsable request line...), which come without a body: httplib's status
// stays, with the code and message that fit it.
void sendDefaultError(Response& res) {
    const int status = res.status;
    if (status == 404)
        return sendError(
            res, syncError(SyncErrorCode::NotFound, "no such endpoint; the API is described in sync/PROTOCOL.md"));
    if (status == 413) return sendError(res, tooLarge());
    if (status == 414)
        return sendError(res, syncError(SyncErrorCode::TooLarge, "the request line or a header is too long"), status);
    if (status >= 500)
        return sendError(res, syncError(SyncErrorCode::Internal, "the server failed on this request; retry later"),
                         status);
    sendError(res, syncError(SyncErrorCode::BadRequest, "the request is malformed"), status);
}

// Printable ASCII only, cut short: what a client sends must not forge log lines.
std::string printable(std::string_view text, std::size_t maxBytes) {
    std::string out(text.substr(0, maxBytes));
    for (char& c : out) {
        if (c < 0x21 || c > 0x7e) c = '?';
    }
    return out;
}

bool allDigits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string loggedPath(const Request& req) {
    std::string path = printable(req.path, 120);
    if (req.has_param("limit")) {
        const std::string limit = req.get_param_value("limit");
        path += "?limit=" + (allDigits(limit) && limit.size() <= 6 ? limit : std::string("?"));
    }
    return path;
}

// nlohmann refuses invalid UTF-8 with a generic parse error, so it is looked
// for first to answer with its own code. The DOM is paid for as it is built
// (parseLimitedJson).
SyncResult<json> parseObject(std::string_view text, std::string_view what, const EndpointLimits& limits,
                             Reservation& cost, std::size_t domCopies = 1) {
    if (!storage::isValidUtf8(text))
        return syncFail(SyncErrorCode::InvalidUtf8, fmt::format("{} is not valid UTF-8", what));
    auto parsed = parseLimitedJson(text, limits, what, cost, domCopies);
    if (!parsed) return std::unexpected(parsed.error());
    if (!parsed->is_object())
        return syncFail(SyncErrorCode::BadRequest, fmt::format("{} must be a JSON object {{...}}", what));
    return parsed;
}

// Reads the string fields of a request object, keeping the first problem.
class FieldReader {
public:
    explicit FieldReader(const json& object) : m_object(object) {}

    std::string text(const char* key, std::size_t maxBytes) {
        const auto it = m_object.find(key);
        if (it == m_object.end() || it->is_null()) return problem(fmt::format("\"{}\" is missing", key));
        return check(key, *it, maxBytes);
    }
    std::optional<std::string> optionalText(const char* key, std::size_t maxBytes) {
        const auto it = m_object.find(key);
        if (it == m_object.end() || it->is_null()) return std::nullopt;
        return check(key, *it, maxBytes);
    }
    const std::optional<SyncError>& error() const { return m_error; }

private:
    std::string check(const char* key, const json& value, std::size_t maxBytes) {
        if (!value.is_string()) return problem(fmt::format("\"{}\" must be a string, not {}", key, value.type_name()));
        const auto& text = value.get_ref<const std::string&>();
        if (text.empty() || text.size() > maxBytes)
            return problem(fmt::format("\"{}\" must hold 1 to {} bytes", key, maxBytes));
        return text;
    }
    std::string problem(const std::string& message) {
        if (!m_error) m_error = syncError(SyncErrorCode::BadRequest, message);
        return {};
    }

    const json& m_object;
    std::optional<SyncError> m_error;
};

std::string toBase64(std::string_view raw) {
    return storage::toBase64(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

// Exactly `size` bytes of standard base64, or nothing.
std::optional<std::string> fromBase64(std::string_view text, std::size_t size) {
    if (text.size() > 4 * ((size + 2) / 3)) return std::nullopt;
    std::string out;
    if (!storage::fromBase64(text, out) || out.size() != size) return std::nullopt;
    return out;
}

std::optional<std::string> bearerToken(const Request& req) {
    const std::string header = req.get_header_value("Authorization");
    constexpr std::string_view kScheme = "bearer ";
    if (header.size() <= kScheme.size() || header.size() > 512) return std::nullopt;
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        const char c = header[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kScheme[i]) return std::nullopt;
    }
    std::string token = header.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') token.erase(token.begin());
    while (!token.empty() && token.back() == ' ') token.pop_back();
    if (token.empty()) return std::nullopt;
    return token;
}

// Compares hashes so the time taken says nothing about the admin token.
bool sameSecret(std::string_view a, std::string_view b) {
    std::array<unsigned char, 32> ha{};
    std::array<unsigned char, 32> hb{};
    crypto_generichash(ha.data(), ha.size(), reinterpret_cast<const unsigned char*>(a.data()), a.size(), nullptr, 0);
    crypto_generichash(hb.data(), hb.size(), reinterpret_cast<const unsigned char*>(b.data()), b.size(), nullptr, 0);
    return sodium_memcmp(ha.data(), hb.data(), ha.size()) == 0;
}

SyncResult<void> checkProtocol(const Request& req) {
    const std::string version = req.get_header_value("Chasqui-Protocol");
    if (version == std::to_string(kProtocolVersion)) return {};
    if (version.empty()) return syncFail(SyncErrorCode::UnsupportedProtocol, "send the header Chasqui-Protocol: 1");
    return syncFail(SyncErrorCode::UnsupportedProtocol,
                    "this server speaks Chasqui protocol 1; update the kiosk software");
}

SyncResult<std::size_t> pullLimit(const Request& req) {
    if (!req.has_param("limit")) return kDefaultPullLimit;
    const std::string text = req.get_param_value("limit");
    std::size_t limit = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || limit == 0)
        return syncFail(SyncErrorCode::BadRequest, "limit must be a whole number from 1 to 500");
    return std::min(limit, kMaxPullLimit);
}

json deviceJson(const DeviceInfo& d) {
    return {{"device_id", d.id},
            {"office", d.office},
            {"device_number", d.number},
            {"revoked", d.revoked},
            // false: enrolled before pushes were signed; refused until it enrolls again
            {"signs_pushes", !d.signingKey.empty()},
            {"enrolled_at_ms", d.enrolledAt},
            {"last_seen_at_ms", d.lastSeenAt}};
}

// No exception leaves a handler: out of memory is "busy, retry", anything
// else a plain server error (no detail: it could hold request data).
template <typename Body>
void guarded(const HttpApi::LogSink& log, Response& res, Body&& body) noexcept {
    bool outOfMemory = false;
    try {
        body();
        return;
    } catch (const std::bad_alloc&) {
        outOfMemory = true;
    } catch (...) {
    }
    try {
        log(outOfMemory ? "a request ran out of memory: answered busy"
                        : "a request failed with an exception: answered server_error");
        res.headers.clear();
        res.set_header("Connection", "close");
        sendError(res, outOfMemory
                           ? busyError()
                           : syncError(SyncErrorCode::Internal, "the server failed on this request; retry later"));
    } catch (...) {
        res.status = outOfMemory ? 503 : 500;  // not even the error could be built
    }
}

}  // namespace

HttpApi::HttpApi(ServerCore& store, std::string adminToken, LogSink log, std::size_t memoryBudgetBytes)
    : m_store(store),
      m_adminToken(std::move(adminToken)),
      m_serverKeyBase64(toBase64(store.publicKey())),
      m_log(std::move(log)),
      m_budget(memoryBudgetBytes) {}

void HttpApi::install(httplib::Server& server) {
    // chasqui-server does its socket work in ConnectionGate and hands complete
    // requests to the server's routing; these settings matter to an httplib
    // listener (tests, fuzzing) and are a second fence behind the gate.
    server.set_payload_max_length(kMaxRequestBytes);
    server.set_read_timeout(60);
    server.set_write_timeout(60);
    server.set_pre_routing_handler([](const Request&, Response&) {
        t_trace = {std::chrono::steady_clock::now(), {}};
        return httplib::Server::HandlerResponse::Unhandled;
    });
    server.set_error_handler([](const Request&, Response& res) {
        if (res.body.empty()) sendDefaultError(res);
    });
    // The last net: every handler below catches everything itself.
    server.set_exception_handler([](const Request&, Response& res, const std::exception_ptr&) {
        sendError(res, syncError(SyncErrorCode::Internal, "the server failed on this request; retry later"));
    });
    server.set_logger([this](const Request& req, const Response& res) {
        std::string took = "-";
        if (t_trace.start) {
            const auto elapsed = std::chrono::steady_clock::now() - *t_trace.start;
            took = fmt::format("{}ms", std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
        }
        m_log(fmt::format("{} {} {} {} {}B device={} {}", storage::isoDateTime(m_store.nowMs()),
                          req.method.empty() ? "-" : printable(req.method, 16), loggedPath(req), res.status,
                          res.body.size(), t_trace.device.empty() ? "-" : t_trace.device, took));
        t_trace = {};
    });

    using GetHandler = SyncResult<Reply> (HttpApi::*)(const Request&);
    using PostHandler = SyncResult<Reply> (HttpApi::*)(const Request&, const std::string&, Reservation&);
    const auto get = [&](const char* pattern, GetHandler handler, bool needsProtocol = true) {
        server.Get(pattern, [this, handler, needsProtocol](const Request& req, Response& res) {
            guarded(m_log, res, [&] {
                if (needsProtocol) {
                    if (auto ok = checkProtocol(req); !ok) return sendError(res, ok.error());
                }
                send(res, (this->*handler)(req));
            });
        });
    };
    // Bodies are read through a receiver, which httplib feeds after gzip
    // decoding, a piece at a time: a body stops at its endpoint's limit,
    // decoded or not, chunked or not, before it is all in memory.
    const auto post = [&](const char* pattern, PostHandler handler) {
        server.Post(pattern, [this, handler](const Request& req, Response& res, const httplib::ContentReader& reader) {
            guarded(m_log, res, [&] {
                const EndpointLimits& limits = limitsFor("POST", req.path);
                const bool encoded = !req.get_header_value("Content-Encoding").empty();
                std::size_t received = 0;
                const std::string length = req.get_header_value("Content-Length");
                (void)std::from_chars(length.data(), length.data() + length.size(), received);
                const std::size_t allowed = encoded ? decodedAllowance(limits, received) : limits.maxBodyBytes;
                Reservation cost(m_budget);
                std::string body;
                std::optional<SyncError> refused;
                const bool complete = reader([&](const char* data, std::size_t size) {
                    if (body.size() + size > allowed) {
                        refused = tooLargeError(encoded ? "the request body expands beyond this endpoint's limit"
                                                        : "the request body is over this endpoint's limit");
                        return false;
                    }
                    if (!cost.grow(size)) {
                        refused = busyError();
                        return false;
                    }
                    body.append(data, size);
                    return true;
                });
                // httplib refuses a Content-Length over its payload limit itself, with 413.
                if (!refused && res.status == 413) refused = tooLarge();
                if (refused || !complete) {
                    // The rest of the body may still be on the connection: the
                    // client is told not to reuse it.
                    res.set_header("Connection", "close");
                    return sendError(
                        res, refused.value_or(syncError(SyncErrorCode::BadRequest, "the request body was cut off")));
                }
                if (auto ok = checkProtocol(req); !ok) return sendError(res, ok.error());
                send(res, (this->*handler)(req, body, cost));
            });
        });
    };
    get("/v1/health", &HttpApi::health, false);
    post("/v1/enroll", &HttpApi::enroll);
    post("/v1/push", &HttpApi::push);
    get("/v1/pull", &HttpApi::pull);
    get("/v1/catalog", &HttpApi::catalog);
    post("/v1/admin/enroll-codes", &HttpApi::adminEnrollCode);
    get("/v1/admin/devices", &HttpApi::adminDevices);
    post(R"(/v1/admin/devices/([^/]+)/revoke)", &HttpApi::adminRevoke);
    get("/v1/admin/status", &HttpApi::adminStatus);
}

SyncResult<DeviceInfo> HttpApi::authenticateDevice(const Request& req) {
    const auto token = bearerToken(req);
    if (!token) return syncFail(SyncErrorCode::Unauthorized, "send the device token as Authorization: Bearer TOKEN");
    auto device = m_store.authenticate(*token);
    if (device) t_trace.device = device->id;
    return device;
}

SyncResult<void> HttpApi::authenticateAdmin(const Request& req) const {
    const auto token = bearerToken(req);
    if (!token || !sameSecret(*token, m_adminToken))
        return syncFail(SyncErrorCode::Unauthorized,
                        "send the token printed by `chasqui-server admin-token` as Authorization: Bearer TOKEN");
    t_trace.device = "admin";
    return {};
}

SyncResult<Reply> HttpApi::health(const Request&) {
    return jsonReply({{"service", "chasqui"},
                      {"protocol", kProtocolVersion},
                      {"server_time_ms", m_store.nowMs()},
                      {"server_public_key", m_serverKeyBase64}});
}

SyncResult<Reply> HttpApi::enroll(const Request&, const std::string& body, Reservation& cost) {
    auto request = parseObject(body, "the enrollment request", limitsFor("POST", "/v1/enroll"), cost);
    if (!request) return std::unexpected(request.error());
    FieldReader fields(*request);
    const std::string code = fields.text("code", 32);
    const std::string deviceId = fields.text("device_id", 64);
    const std::string keyText = fields.text("device_public_key", 64);
    const std::string signingKeyText = fields.text("device_signing_key", 64);
    // The office comes from the code; a client may name the one it expects.
    const std::string expectedOffice = fields.optionalText("office", 8).value_or("");
    if (fields.error()) return std::unexpected(*fields.error());
    const auto key = fromBase64(keyText, crypto_box_PUBLICKEYBYTES);
    if (!key)
        return syncFail(SyncErrorCode::BadRequest,
                        "device_public_key must be the base64 of a 32-byte X25519 public key");
    const auto signingKey = fromBase64(signingKeyText, crypto_sign_PUBLICKEYBYTES);
    if (!signingKey)
        return syncFail(SyncErrorCode::BadRequest,
                        "device_signing_key must be the base64 of a 32-byte Ed25519 public key");
    auto enrolled = m_store.enroll(code, deviceId, DevicePublicKeys{*key, *signingKey}, expectedOffice);
    if (!enrolled) return std::unexpected(enrolled.error());
    t_trace.device = enrolled->deviceId;
    return jsonReply({{"device_id", enrolled->deviceId},
                      {"device_number", enrolled->deviceNumber},
                      {"office", enrolled->office},
                      {"device_token", enrolled->token},
                      {"server_public_key", m_serverKeyBase64}});
}

SyncResult<Reply> HttpApi::push(const Request& req, const std::string& body, Reservation& cost) {
    auto device = authenticateDevice(req);
    if (!device) return std::unexpected(device.error());
    // Before anything opens the batch: the token alone proves nothing.
    auto sealed = verifyPushBody(body, *device);
    if (!sealed) return std::unexpected(sealed.error());
    const EndpointLimits& limits = limitsFor("POST", "/v1/push");
    auto opened = openBatch(*sealed, limits, cost);
    if (!opened) return std::unexpected(opened.error());
    auto batch = parseObject(*opened, "the batch", limits, cost, 2);
    if (!batch) return std::unexpected(batch.error());
    FieldReader fields(*batch);
    const std::string batchId = fields.text("batch", 64);
    if (fields.error()) return std::unexpected(*fields.error());
    if (!storage::isUuid(batchId)) return syncFail(SyncErrorCode::BadRequest, "\"batch\" must be a lower-case UUID");
    const auto columns = batch->find("columns");
    if (columns == batch->end())
        return syncFail(SyncErrorCode::BadRequest, "\"columns\" must hold the batch's changes, one array per field");
    auto items = splitColumns(std::move(*columns));  // values moved out of the batch's DOM, not copied
    if (!items) return std::unexpected(items.error());
    auto summary = m_store.push(*device, std::move(*items));
    if (!summary) return std::unexpected(summary.error());
    // Counts, and names only for what was not applied: echoing every id of a
    // batch would cost more than a fifth of what the batch itself costs on 2G.
    json quarantined = json::array();
    for (const auto& r : summary->quarantined)
        quarantined.push_back({{"id", r.id}, {"code", wireErrorFor(r.code).code}, {"message", r.message}});
    return jsonReply(
        {{"applied", summary->applied}, {"duplicates", summary->duplicates}, {"quarantined", std::move(quarantined)}});
}

// The key pair never changes while serving, so opening needs no lock. The
// zstd stream stops as soon as it passes the decoded size this body may
// have, which is paid for before a byte of it is written.
SyncResult<std::string> HttpApi::openBatch(std::string_view body, const EndpointLimits& limits, Reservation& cost) {
    const auto notSealed = [] {
        return syncFail(SyncErrorCode::BadRequest,
                        "the batch does not open: seal it to the server_public_key of /v1/health and send it whole");
    };
    if (body.size() < crypto_box_SEALBYTES) return notSealed();
    if (!cost.grow(body.size())) return std::unexpected(busyError());
    std::string packed(body.size() - crypto_box_SEALBYTES, '\0');
    const std::string& pk = m_store.publicKey();
    if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(packed.data()),
                             reinterpret_cast<const unsigned char*>(body.data()), body.size(),
                             reinterpret_cast<const unsigned char*>(pk.data()), m_store.secretKey().data()) != 0)
        return notSealed();
    // A zstd frame names its size: only that is paid for, and decoding stops
    // past it whether or not the frame told the truth.
    std::size_t allowed = decodedAllowance(limits, body.size());
    const unsigned long long declared = ZSTD_getFrameContentSize(packed.data(), packed.size());
    if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR && declared < allowed)
        allowed = static_cast<std::size_t>(declared);
    if (!cost.grow(allowed)) return std::unexpected(busyError());
    // decompress() may pass `allowed` by one output block before it stops.
    auto opened = decompress(packed, allowed);
    if (opened) return std::move(*opened);
    if (opened.error().code == SyncErrorCode::TooLarge)
        return std::unexpected(tooLargeError(
            fmt::format("the batch expands beyond {} bytes (its frame's size, or at most {} times its sealed size)",
                        allowed, limits.maxExpansion)));
    return notSealed();
}

SyncResult<Reply> HttpApi::pull(const Request& req) {
    auto device = authenticateDevice(req);
    if (!device) return std::unexpected(device.error());
    const std::string cursor = req.has_param("cursor") ? req.get_param_value("cursor") : std::string();
    if (cursor.size() > kMaxCursorBytes || printable(cursor, kMaxCursorBytes) != cursor)
        return syncFail(SyncErrorCode::BadRequest, "the cursor is malformed; resync from the start");
    auto limit = pullLimit(req);
    if (!limit) return std::unexpected(limit.error());
    auto page = m_store.pull(*device, cursor, *limit);
    if (!page) return std::unexpected(page.error());
    auto sealed = sealCompressed(dumpJson({{"columns", encodeColumns(page->changes)}}), device->publicKey, kPageLevel);
    if (!sealed) return syncFail(SyncErrorCode::Internal, "the page could not be sealed to this device's key");
    Reply reply;
    reply.body = std::move(*sealed);
    reply.contentType = "application/octet-stream";
    reply.headers = {{"Chasqui-Next-Cursor", page->nextCursor}, {"Chasqui-More", page->more ? "1" : "0"}};
    return reply;
}

// Public information: no credential. httplib gzips application/json by
// itself when the client accepts it.
SyncResult<Reply> HttpApi::catalog(const Request& req) {
    auto current = m_store.catalog();
    if (!current) return std::unexpected(current.error());
    auto& [version, body] = *current;
    if (version.empty()) return syncFail(SyncErrorCode::NotFound, "no catalog was published yet; try again later");
    Reply reply;
    reply.headers = {{"Chasqui-Catalog-Version", version}};
    if (req.has_param("version") && req.get_param_value("version") == version) {
        reply.status = 304;
        return reply;
    }
    reply.body = std::move(body);
    return reply;
}

SyncResult<Reply> HttpApi::adminEnrollCode(const Request& req, const std::string& body, Reservation& cost) {
    if (auto ok = authenticateAdmin(req); !ok) return std::unexpected(ok.error());
    auto request = parseObject(body, "the request", limitsFor("POST", "/v1/admin/enroll-codes"), cost);
    if (!request) return std::unexpected(request.error());
    FieldReader fields(*request);
    const std::string office = fields.text("office", 8);
    if (fields.error()) return std::unexpected(*fields.error());
    auto code = m_store.issueEnrollCode(office);
    if (!code) return std::unexpected(code.error());
    return jsonReply({{"code", *code}, {"office", office}});
}

SyncResult<Reply> HttpApi::adminDevices(const Request& req) {
    if (auto ok = authenticateAdmin(req); !ok) return std::unexpected(ok.error());
    auto devices = m_store.devices();
    if (!devices) return std::unexpected(devices.error());
    json list = json::array();
    for (const auto& d : *devices) list.push_back(deviceJson(d));
    return jsonReply({{"devices", std::move(list)}});
}

SyncResult<Reply> HttpApi::adminRevoke(const Request& req, const std::string&, Reservation&) {
    if (auto ok = authenticateAdmin(req); !ok) return std::unexpected(ok.error());
    const std::string id = req.matches.size() > 1 ? req.matches[1].str() : std::string();
    if (id.size() > 36 || !storage::isUuid(id))
        return syncFail(SyncErrorCode::BadRequest, "the device id must be a lower-case UUID");
    if (auto r = m_store.revoke(id); !r) return std::unexpected(r.error());
    return jsonReply({{"device_id", id}, {"revoked", true}});
}

SyncResult<Reply> HttpApi::adminStatus(const Request& req) {
    if (auto ok = authenticateAdmin(req); !ok) return std::unexpected(ok.error());
    auto status = m_store.status();
    if (!status) return std::unexpected(status.error());
    return jsonReply(statusJson(*status));
}

}  // namespace chasqui::sync
