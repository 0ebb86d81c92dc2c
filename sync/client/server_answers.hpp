#pragma once
// Every answer a kiosk gets from a server, decoded and checked here and
// nowhere else: status, headers and body in, a value or a SyncError out. No
// network and no files, so the fuzz target (tests/fuzz/client_fuzz_entry.hpp)
// runs the very code HttpServerChannel runs.
//
// An answer is untrusted input: every field's type and range is checked
// against sync/protocol/protocol_limits.hpp, and anything outside is BadResponse with a
// message for a supervisor. Nothing here throws (nlohmann-json runs without
// exceptions and only typed accessors are used after a type check).
// Pure functions, safe from any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sync/client/catalog_pull.hpp"
#include "sync/client/http_transport.hpp"
#include "sync/client/server_channel.hpp"
#include "sync/protocol/sync_error.hpp"

namespace chasqui::sync {

struct HealthInfo {
    std::int64_t serverTimeMs = 0;
    std::string serverPublicKey;  // raw 32 bytes
};

struct EnrollmentAnswer {
    int deviceNumber = 0;
    std::string office;
    std::string deviceToken;
    std::string serverPublicKey;    // raw 32 bytes
    std::int64_t serverTimeMs = 0;  // from the answer's Chasqui-Server-Time; 0 when absent
};

// The error of an answer with status >= 400: {"error": {"code", "message"}}.
// A body that is not that object (or has fields of the wrong type or out of
// range) still gives an error, with a generic message and no serverCode.
// Revoked only for 403 with code "revoked": a proxy or a broken server
// answering "revoked" with 500 or 503 must not make a kiosk wipe itself.
SyncError decodeErrorAnswer(const HttpResponse& response);

// GET /v1/health. CaptivePortal for a 200 that is not the health object;
// BadResponse for the object with a field of a wrong type or out of range.
SyncResult<HealthInfo> decodeHealthAnswer(const HttpResponse& response);
// POST /v1/enroll (a 2xx answer).
SyncResult<EnrollmentAnswer> decodeEnrollAnswer(const HttpResponse& response);
// POST /v1/push (a 2xx answer): entries as ServerChannel::push describes.
SyncResult<std::vector<PushItem>> decodePushAnswer(const HttpResponse& response);
// GET /v1/pull (a 2xx answer). Offline when the sealed page is shorter than an
// empty sealed box (cut on the way); the body is moved out of `response`.
SyncResult<PulledPage> decodePullAnswer(HttpResponse&& response);
// GET /v1/catalog (a status < 400): nullopt for 304; TooLarge over
// storage::kMaxCatalogBytes; BadResponse without a usable version header. The
// catalog document itself is checked by pullCatalog (storage::parseCatalogJson).
SyncResult<std::optional<FetchedCatalog>> decodeCatalogAnswer(HttpResponse&& response);

}  // namespace chasqui::sync
