#include "sync/client/server_answers.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/base/validation.hpp"
#include "storage/catalog/catalog_import.hpp"
#include "storage/keys/key_wrap.hpp"
#include "sync/client/health_check.hpp"
#include "sync/protocol/change_codec.hpp"
#include "sync/protocol/protocol_limits.hpp"

namespace chasqui::sync {

namespace {

using nlohmann::json;

// Without exceptions: a wrong body is the case to expect here.
json parseBody(const std::string& body) {
    return json::parse(body, nullptr, /*allow_exceptions=*/false);
}

std::unexpected<SyncError> invalid(std::string_view what, std::string_view why) {
    return syncFail(SyncErrorCode::BadResponse,
                    fmt::format("The server's {} is not valid ({}), so nothing of it was kept. The kiosk will retry; "
                                "if this keeps happening, tell an administrator.",
                                what, why));
}

const json* field(const json& object, const char* key) {
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

const std::string* textField(const json& object, const char* key) {
    const json* value = field(object, key);
    return value != nullptr && value->is_string() ? &value->get_ref<const std::string&>() : nullptr;
}

// An integer within [min, max]; an unsigned above INT64_MAX is out of range,
// not wrapped into it.
std::optional<std::int64_t> integerField(const json& object, const char* key, std::int64_t min, std::int64_t max) {
    const json* value = field(object, key);
    if (value == nullptr) return std::nullopt;
    std::int64_t n = 0;
    if (value->is_number_unsigned()) {
        const auto u = value->get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(max)) return std::nullopt;
        n = static_cast<std::int64_t>(u);
    } else if (value->is_number_integer()) {
        n = value->get<std::int64_t>();
    } else {
        return std::nullopt;
    }
    if (n < min || n > max) return std::nullopt;
    return n;
}

// A server's words as shown to staff: one line (a terminal or a log line must
// not be steered by control characters). The JSON parser has already refused
// invalid UTF-8. nullopt when empty or over the limit.
std::optional<std::string> serverMessage(const std::string* text) {
    if (text == nullptr || text->empty() || text->size() > kMaxErrorMessageBytes) return std::nullopt;
    std::string out = *text;
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return out;
}

// "" or a UUID-like id: it is printed next to the refusal.
bool isChangeIdText(std::string_view text) {
    return text.find_first_not_of("0123456789abcdefABCDEF-") == std::string_view::npos;
}

std::optional<std::string> serverKey(const json& object) {
    const std::string* text = textField(object, "server_public_key");
    if (text == nullptr || text->size() > kMaxServerKeyBase64Bytes) return std::nullopt;
    std::string raw;
    if (!storage::fromBase64(*text, raw) || raw.size() != kServerKeyBytes) return std::nullopt;
    return raw;
}

}  // namespace

SyncError decodeErrorAnswer(const HttpResponse& r) {
    std::string code;
    std::optional<std::string> message;
    const json body = r.body.size() <= kMaxSmallAnswerBytes ? parseBody(r.body) : json();
    if (body.is_object()) {
        if (const json* error = field(body, "error"); error != nullptr && error->is_object()) {
            if (const std::string* c = textField(*error, "code"); c != nullptr && isErrorCode(*c)) code = *c;
            message = serverMessage(textField(*error, "message"));
        }
    }
    SyncErrorCode kind = SyncErrorCode::HttpError;
    if (r.status == 401) kind = SyncErrorCode::Unauthorized;
    // Only the documented answer wipes a kiosk (PROTOCOL.md section 4).
    if (r.status == 403 && code == "revoked") kind = SyncErrorCode::Revoked;
    if (r.status == 413) kind = SyncErrorCode::TooLarge;
    return SyncError{kind, message.value_or(fmt::format("the server answered HTTP {}", r.status)), r.status, code, {},
                     {}};
}

SyncResult<HealthInfo> decodeHealthAnswer(const HttpResponse& r) {
    if (r.status != 200 || !looksLikeChasquiHealth(r.body))
        return syncFail(SyncErrorCode::CaptivePortal,
                        "Something answered, but it is not the Chasqui server (a Wi-Fi login page?). "
                        "Open the network's login page or use another connection.");
    const json j = parseBody(r.body);
    HealthInfo info;
    const auto time = integerField(j, "server_time_ms", 0, kMaxServerTimeMs);
    if (!time) return invalid("health answer", "server_time_ms is not a time");
    info.serverTimeMs = *time;
    auto key = serverKey(j);
    if (!key) return invalid("health answer", "it holds no valid public key");
    info.serverPublicKey = std::move(*key);
    return info;
}

SyncResult<EnrollmentAnswer> decodeEnrollAnswer(const HttpResponse& r) {
    const json j = r.body.size() <= kMaxSmallAnswerBytes ? parseBody(r.body) : json();
    if (!j.is_object()) return invalid("enrollment answer", "it is not a JSON object");
    EnrollmentAnswer a;
    const auto number = integerField(j, "device_number", kMinDeviceNumber, kMaxDeviceNumber);
    if (!number)
        return invalid("enrollment answer", fmt::format("device_number must be a whole number from {} to {}",
                                                        kMinDeviceNumber, kMaxDeviceNumber));
    a.deviceNumber = static_cast<int>(*number);
    const std::string* office = textField(j, "office");
    if (office == nullptr || !storage::checkOfficeCode(*office))
        return invalid("enrollment answer", "office is not an office code");
    a.office = *office;
    const std::string* token = textField(j, "device_token");
    if (token == nullptr || !isDeviceToken(*token))
        return invalid("enrollment answer",
                       fmt::format("device_token must be {} to {} characters of A-Z, a-z, 0-9, '-' and '_'",
                                   kMinDeviceTokenBytes, kMaxDeviceTokenBytes));
    a.deviceToken = *token;
    auto key = serverKey(j);
    if (!key) return invalid("enrollment answer", "it holds no valid public key");
    a.serverPublicKey = std::move(*key);
    return a;
}

SyncResult<std::vector<PushItem>> decodePushAnswer(const HttpResponse& r) {
    // {"applied": n, "duplicates": n, "quarantined": [{"id", "code", "message"}]}
    const json j = parseBody(r.body);
    const auto bad = [](std::string_view why) { return invalid("answer to a push", why); };
    if (!j.is_object()) return bad("it is not a JSON object");
    const auto limit = static_cast<std::int64_t>(kMaxChangesPerList);
    const auto applied = integerField(j, "applied", 0, limit);
    const auto duplicates = integerField(j, "duplicates", 0, limit);
    const json* quarantined = field(j, "quarantined");
    if (!applied || !duplicates) return bad("a count is missing or out of range");
    if (quarantined == nullptr || !quarantined->is_array() || quarantined->size() > kMaxChangesPerList)
        return bad("the list of refused changes is missing or too long");
    std::vector<PushItem> out;
    if (*applied > 0) out.push_back({{}, "applied", {}, {}, static_cast<int>(*applied)});
    if (*duplicates > 0) out.push_back({{}, "duplicate", {}, {}, static_cast<int>(*duplicates)});
    for (const json& item : *quarantined) {
        if (!item.is_object()) return bad("a refused change is not an object");
        const std::string* id = textField(item, "id");
        const std::string* code = textField(item, "code");
        auto message = serverMessage(textField(item, "message"));
        // An id the server could not read is "" (PROTOCOL.md); a real one is a UUID.
        if (id == nullptr || id->size() > 64 || !isChangeIdText(*id)) return bad("a refused change has no usable id");
        if (code == nullptr || !isErrorCode(*code)) return bad("a refused change has no usable code");
        if (!message) return bad("a refused change has no usable message");
        out.push_back({*id, "quarantined", *code, std::move(*message), 1});
    }
    return out;
}

SyncResult<PulledPage> decodePullAnswer(HttpResponse&& r) {
    PulledPage page;
    page.nextCursor = r.header("Chasqui-Next-Cursor");
    const std::string more = r.header("Chasqui-More");
    if (!isCursor(page.nextCursor))
        return invalid("page", fmt::format("its cursor is missing or not 1 to {} characters of A-Z, a-z, 0-9, '.', "
                                           "'-' and '_'",
                                           kMaxCursorBytes));
    if (more != "0" && more != "1") return invalid("page", "Chasqui-More is neither 0 nor 1");
    page.more = more == "1";
    if (r.body.size() > kMaxPullPageBytes) return invalid("page", "it is larger than a page may be");
    // Smaller than an empty sealed box: cut short on the way.
    if (r.body.size() < 48)
        return syncFail(SyncErrorCode::Offline,
                        "the page from the server arrived incomplete; retrying will fetch it again");
    page.sealed = std::move(r.body);
    return page;
}

SyncResult<std::optional<FetchedCatalog>> decodeCatalogAnswer(HttpResponse&& r) {
    if (r.status == 304) return std::nullopt;
    if (r.status != 200)
        return syncFail(SyncErrorCode::BadResponse,
                        fmt::format("the server answered HTTP {} to a catalog request", r.status), r.status);
    if (r.body.size() > storage::kMaxCatalogBytes)
        return syncFail(
            SyncErrorCode::TooLarge,
            fmt::format("the server's service catalog is larger than {} MiB; the kiosk keeps the one it has",
                        storage::kMaxCatalogBytes / (1024 * 1024)));
    FetchedCatalog catalog;
    catalog.version = r.header("Chasqui-Catalog-Version");
    if (catalog.version.empty() || !storage::checkText("version", catalog.version, 1, 64))
        return syncFail(SyncErrorCode::BadResponse, "the server sent a service catalog without a usable version");
    catalog.json = std::move(r.body);
    return catalog;
}

}  // namespace chasqui::sync
