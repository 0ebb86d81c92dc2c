#include "sync/client/http_server_channel.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/catalog/catalog_import.hpp"
#include "storage/keys/key_wrap.hpp"
#include "sync/protocol/protocol_limits.hpp"

namespace chasqui::sync {

namespace {

// RFC 3986 query value: a catalog version is free text ("2026-10", "oct 2026").
std::string percentEncoded(const std::string& value) {
    std::string out;
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += c;
        } else {
            out += fmt::format("%{:02X}", u);
        }
    }
    return out;
}

}  // namespace

HttpServerChannel::HttpServerChannel(HttpTransport& transport, std::string baseUrl, std::string deviceToken)
    : m_transport(transport), m_base(std::move(baseUrl)), m_token(std::move(deviceToken)) {
    while (!m_base.empty() && m_base.back() == '/') m_base.pop_back();
}

HttpServerChannel::HttpServerChannel(std::unique_ptr<HttpTransport> own, std::string baseUrl, std::string deviceToken,
                                     std::shared_ptr<ByteCounts> bytes)
    : m_ownTransport(std::move(own)),
      m_transport(*m_ownTransport),
      m_base(std::move(baseUrl)),
      m_token(std::move(deviceToken)),
      m_bytes(std::move(bytes)) {}

std::unique_ptr<ServerChannel> HttpServerChannel::companion() {
    auto transport = m_transport.another();
    if (!transport) return nullptr;
    return std::unique_ptr<ServerChannel>(new HttpServerChannel(std::move(transport), m_base, m_token, m_bytes));
}

void HttpServerChannel::noteServerTime(const std::string& header) {
    // 13 digits: Unix ms between 2001 and 2286. Longer, signed or partial values are not a time.
    if (header.size() != 13 || header.find_first_not_of("0123456789") != std::string::npos) return;
    m_serverTimeMs = std::stoll(header);
}

SyncResult<HttpResponse> HttpServerChannel::exchange(HttpRequest request, std::size_t maxAnswerBytes) {
    request.headers.emplace_back("Chasqui-Protocol", "1");
    if (!m_token.empty()) request.headers.emplace_back("Authorization", "Bearer " + m_token);
    request.maxResponseBytes = maxAnswerBytes;
    auto response = m_transport.send(request);
    if (!response) return response;
    m_bytes->sent += response->bytesSent;
    m_bytes->received += response->bytesReceived;
    noteServerTime(response->header("Chasqui-Server-Time"));
    if (response->status >= 400) return std::unexpected(decodeErrorAnswer(*response));
    return response;
}

SyncResult<HealthInfo> HttpServerChannel::health() {
    auto r = exchange({"GET", m_base + "/v1/health", {}, {}}, kMaxSmallAnswerBytes);
    if (!r) return std::unexpected(r.error());
    return decodeHealthAnswer(*r);
}

SyncResult<EnrollmentAnswer> HttpServerChannel::enroll(const std::string& code, const std::string& deviceId,
                                                       const DevicePublicKeys& keys, const std::string& office) {
    const auto base64 = [](const std::string& raw) {
        return storage::toBase64(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
    };
    const nlohmann::json body = {{"code", code},
                                 {"office", office},
                                 {"device_id", deviceId},
                                 {"device_public_key", base64(keys.box)},
                                 {"device_signing_key", base64(keys.signing)}};
    // A code typed with a stray byte that is not UTF-8 must not throw here.
    const std::string text = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    auto r =
        exchange({"POST", m_base + "/v1/enroll", {{"Content-Type", "application/json"}}, text}, kMaxSmallAnswerBytes);
    if (!r) return std::unexpected(r.error());
    return decodeEnrollAnswer(*r);
}

SyncResult<std::vector<PushItem>> HttpServerChannel::push(const std::string& sealedBatch) {
    auto r = exchange({"POST", m_base + "/v1/push", {{"Content-Type", "application/octet-stream"}}, sealedBatch},
                      kMaxPushAnswerBytes);
    if (!r) return std::unexpected(r.error());
    return decodePushAnswer(*r);
}

SyncResult<PulledPage> HttpServerChannel::pull(const std::string& cursor, std::size_t limit) {
    std::string url = fmt::format("{}/v1/pull?limit={}", m_base, limit);
    // A cursor is checked when it arrives (and when read from disk); one that
    // is not could smuggle more into the query, so it is not sent.
    if (!cursor.empty() && isCursor(cursor)) url += "&cursor=" + cursor;
    auto r = exchange({"GET", url, {}, {}}, kMaxPullPageBytes);
    if (!r) return std::unexpected(r.error());
    return decodePullAnswer(std::move(*r));
}

SyncResult<std::optional<FetchedCatalog>> HttpServerChannel::fetchCatalog(const std::string& knownVersion) {
    std::string url = m_base + "/v1/catalog";
    if (!knownVersion.empty()) url += "?version=" + percentEncoded(knownVersion);
    auto r = exchange({"GET", url, {}, {}}, storage::kMaxCatalogBytes);
    if (!r) {
        const SyncError& e = r.error();
        if (e.httpStatus == 404 && e.serverCode == "not_found") return std::nullopt;  // nothing published yet
        return std::unexpected(e);
    }
    return decodeCatalogAnswer(std::move(*r));
}

}  // namespace chasqui::sync
