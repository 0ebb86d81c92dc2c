#include "sync/http_server_channel.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/catalog_import.hpp"
#include "storage/key_wrap.hpp"
#include "sync/change_codec.hpp"
#include "sync/health_check.hpp"

namespace chasqui::sync {

namespace {

// The server's error object, turned into an error a supervisor can act on.
SyncError fromResponse(const HttpResponse& r) {
    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    std::string code, message;
    if (body.is_object() && body.contains("error") && body["error"].is_object()) {
        code = body["error"].value("code", std::string());
        message = body["error"].value("message", std::string());
    }
    if (message.empty()) message = fmt::format("the server answered HTTP {}", r.status);
    SyncErrorCode kind = SyncErrorCode::HttpError;
    if (r.status == 401) kind = SyncErrorCode::Unauthorized;
    if (code == "revoked") kind = SyncErrorCode::Revoked;
    if (r.status == 413) kind = SyncErrorCode::TooLarge;
    return SyncError{kind, message, r.status, code};
}

std::string decodeKey(const std::string& base64) {
    std::string raw;
    if (!storage::fromBase64(base64, raw)) return {};
    return raw;
}

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

SyncResult<HttpResponse> HttpServerChannel::exchange(HttpRequest request) {
    request.headers.emplace_back("Chasqui-Protocol", "1");
    if (!m_token.empty()) request.headers.emplace_back("Authorization", "Bearer " + m_token);
    auto response = m_transport.send(request);
    if (!response) return response;
    m_sent += response->bytesSent;
    m_received += response->bytesReceived;
    if (response->status >= 400) return std::unexpected(fromResponse(*response));
    return response;
}

SyncResult<HealthInfo> HttpServerChannel::health() {
    auto r = exchange({"GET", m_base + "/v1/health", {}, {}});
    if (!r) return std::unexpected(r.error());
    if (r->status != 200 || !looksLikeChasquiHealth(r->body))
        return syncFail(SyncErrorCode::CaptivePortal,
                        "Something answered, but it is not the Chasqui server (a Wi-Fi login page?). "
                        "Open the network's login page or use another connection.");
    const auto j = nlohmann::json::parse(r->body);
    HealthInfo info;
    info.serverTimeMs = j.value("server_time_ms", std::int64_t{0});
    info.serverPublicKey = decodeKey(j.value("server_public_key", std::string()));
    if (info.serverPublicKey.size() != 32) return syncFail(SyncErrorCode::BadResponse, "the server sent no valid public key");
    return info;
}

SyncResult<EnrollmentAnswer> HttpServerChannel::enroll(const std::string& code, const std::string& deviceId,
                                                       const std::string& devicePublicKey, const std::string& office) {
    const nlohmann::json body = {
        {"code", code},
        {"office", office},
        {"device_id", deviceId},
        {"device_public_key",
         storage::toBase64(reinterpret_cast<const unsigned char*>(devicePublicKey.data()), devicePublicKey.size())}};
    auto r = exchange({"POST", m_base + "/v1/enroll", {{"Content-Type", "application/json"}}, body.dump()});
    if (!r) return std::unexpected(r.error());
    const auto j = nlohmann::json::parse(r->body, nullptr, false);
    if (!j.is_object() || !j.contains("device_token") || !j["device_token"].is_string() ||
        !j.contains("device_number") || !j["device_number"].is_number_integer())
        return syncFail(SyncErrorCode::BadResponse, "the server's enrollment answer is incomplete");
    EnrollmentAnswer a;
    a.deviceNumber = j["device_number"].get<int>();
    a.office = j.value("office", std::string());
    a.deviceToken = j["device_token"].get<std::string>();
    a.serverPublicKey = decodeKey(j.value("server_public_key", std::string()));
    if (a.serverPublicKey.size() != 32) return syncFail(SyncErrorCode::BadResponse, "the server sent no valid public key");
    return a;
}

SyncResult<std::vector<PushItem>> HttpServerChannel::push(const std::string& sealedBatch) {
    auto r = exchange({"POST", m_base + "/v1/push", {{"Content-Type", "application/octet-stream"}}, sealedBatch});
    if (!r) return std::unexpected(r.error());
    // {"applied": n, "duplicates": n, "quarantined": [{"id", "code", "message"}]}
    const auto j = nlohmann::json::parse(r->body, nullptr, false);
    const auto invalid = [] { return syncFail(SyncErrorCode::BadResponse, "the server's answer to a push is not valid"); };
    const auto count = [&](const char* key) -> int {
        const auto it = j.find(key);
        if (it == j.end() || !it->is_number_integer()) return -1;
        const auto n = it->get<std::int64_t>();
        return n >= 0 && n <= static_cast<std::int64_t>(kMaxChangesPerList) ? static_cast<int>(n) : -1;
    };
    if (!j.is_object()) return invalid();
    const int applied = count("applied");
    const int duplicates = count("duplicates");
    const auto quarantined = j.find("quarantined");
    if (applied < 0 || duplicates < 0 || quarantined == j.end() || !quarantined->is_array() ||
        quarantined->size() > kMaxChangesPerList)
        return invalid();
    std::vector<PushItem> out;
    if (applied > 0) out.push_back({{}, "applied", {}, {}, applied});
    if (duplicates > 0) out.push_back({{}, "duplicate", {}, {}, duplicates});
    for (const auto& item : *quarantined) {
        const bool ok = item.is_object() && item.contains("id") && item["id"].is_string() && item.contains("code") &&
                        item["code"].is_string() && !item["code"].get_ref<const std::string&>().empty() &&
                        item.contains("message") && item["message"].is_string();
        if (!ok) return invalid();
        out.push_back({item["id"].get<std::string>(), "quarantined", item["code"].get<std::string>(),
                       item["message"].get<std::string>(), 1});
    }
    return out;
}

SyncResult<PulledPage> HttpServerChannel::pull(const std::string& cursor, std::size_t limit) {
    std::string url = fmt::format("{}/v1/pull?limit={}", m_base, limit);
    if (!cursor.empty()) url += "&cursor=" + cursor;  // cursors are [0-9a-f.] only
    auto r = exchange({"GET", url, {}, {}});
    if (!r) return std::unexpected(r.error());
    PulledPage page;
    page.sealed = std::move(r->body);
    page.nextCursor = r->header("Chasqui-Next-Cursor");
    page.more = r->header("Chasqui-More") == "1";
    if (page.nextCursor.empty()) return syncFail(SyncErrorCode::BadResponse, "the server sent a page without a cursor");
    // Smaller than an empty sealed box: cut short on the way.
    if (page.sealed.size() < 48) return syncFail(SyncErrorCode::Offline, "the page from the server arrived incomplete; retrying will fetch it again");
    return page;
}

SyncResult<std::optional<FetchedCatalog>> HttpServerChannel::fetchCatalog(const std::string& knownVersion) {
    std::string url = m_base + "/v1/catalog";
    if (!knownVersion.empty()) url += "?version=" + percentEncoded(knownVersion);
    auto r = exchange({"GET", url, {}, {}});
    if (!r) {
        const SyncError& e = r.error();
        if (e.httpStatus == 404 && e.serverCode == "not_found") return std::nullopt;  // nothing published yet
        return std::unexpected(e);
    }
    if (r->status == 304) return std::nullopt;
    if (r->status != 200)
        return syncFail(SyncErrorCode::BadResponse, fmt::format("the server answered HTTP {} to a catalog request", r->status),
                        r->status);
    if (r->body.size() > storage::kMaxCatalogBytes)
        return syncFail(SyncErrorCode::TooLarge,
                        fmt::format("the server's service catalog is larger than {} MiB; the kiosk keeps the one it has",
                                    storage::kMaxCatalogBytes / (1024 * 1024)));
    FetchedCatalog catalog;
    catalog.version = r->header("Chasqui-Catalog-Version");
    if (catalog.version.empty())
        return syncFail(SyncErrorCode::BadResponse, "the server sent a service catalog without its version");
    catalog.json = std::move(r->body);
    return catalog;
}

}  // namespace chasqui::sync
