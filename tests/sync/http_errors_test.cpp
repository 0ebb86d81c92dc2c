// The server's one table from sync error codes to HTTP (sync/server/http/http_errors.hpp)
// against sync/PROTOCOL.md section 4, and storage errors at sync's boundary.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "sync/protocol/sync_error.hpp"
#include "sync/server/http/http_errors.hpp"

using chasqui::sync::SyncErrorCode;

namespace {

struct Documented {
    SyncErrorCode code;
    int status;
    const char* wire;
};

}  // namespace

TEST_CASE("every code the server answers with has the status and wire code of PROTOCOL.md section 4") {
    const Documented documented[] = {
        {SyncErrorCode::BadRequest, 400, "bad_request"},
        {SyncErrorCode::InvalidUtf8, 400, "invalid_utf8"},
        {SyncErrorCode::TooLarge, 413, "too_large"},
        {SyncErrorCode::Unauthorized, 401, "unauthorized"},
        {SyncErrorCode::BadSignature, 401, "bad_signature"},
        {SyncErrorCode::Revoked, 403, "revoked"},
        {SyncErrorCode::EnrollCodeInvalid, 403, "enroll_code_invalid"},
        {SyncErrorCode::NotFound, 404, "not_found"},
        {SyncErrorCode::AlreadyEnrolled, 409, "already_enrolled"},
        {SyncErrorCode::CursorExpired, 410, "cursor_expired"},
        {SyncErrorCode::UnsupportedProtocol, 426, "unsupported_protocol"},
        {SyncErrorCode::RequestTimeout, 408, "request_timeout"},
        {SyncErrorCode::Internal, 500, "server_error"},
        {SyncErrorCode::Busy, 503, "busy"},
    };
    for (const auto& d : documented) {
        CAPTURE(d.wire);
        const auto wire = chasqui::sync::wireErrorFor(d.code);
        CHECK(wire.status == d.status);
        CHECK(wire.code == d.wire);
    }
}

TEST_CASE("a quarantined change's code on the wire is the code's own name") {
    for (const SyncErrorCode code :
         {SyncErrorCode::BadRequest, SyncErrorCode::InvalidUtf8, SyncErrorCode::TooLarge, SyncErrorCode::UnknownEntity,
          SyncErrorCode::UnknownField, SyncErrorCode::WrongDevice, SyncErrorCode::OutOfScope, SyncErrorCode::ClockAhead,
          SyncErrorCode::IdReused, SyncErrorCode::AppendOnly}) {
        CHECK(chasqui::sync::wireErrorFor(code).code == chasqui::sync::syncErrorCodeName(code));
    }
}

TEST_CASE("a code only the kiosk makes never reaches the wire as itself: 500 server_error") {
    for (const SyncErrorCode code : {SyncErrorCode::Offline, SyncErrorCode::Timeout, SyncErrorCode::TlsFailure,
                                     SyncErrorCode::BadResponse, SyncErrorCode::HttpError, SyncErrorCode::NotMerged,
                                     SyncErrorCode::PermissionDenied, SyncErrorCode::WrongOffice}) {
        const auto wire = chasqui::sync::wireErrorFor(code);
        CHECK(wire.status == 500);
        CHECK(wire.code == "server_error");
    }
}

TEST_CASE("the error body holds the wire code and the message") {
    const auto body = nlohmann::json::parse(
        chasqui::sync::errorBody(chasqui::sync::syncError(SyncErrorCode::Internal, "retry later")));
    CHECK(body["error"]["code"] == "server_error");
    CHECK(body["error"]["message"] == "retry later");
}

TEST_CASE("a storage failure inside sync is Internal and keeps the store's message after the context") {
    const chasqui::storage::Error disk{chasqui::storage::ErrorCode::Io, "the disk is full; free some space", {}};
    const auto e = chasqui::sync::fromStorage(disk, "the sync spool could not be written: ");
    CHECK(e.code == SyncErrorCode::Internal);
    CHECK(e.message == "the sync spool could not be written: the disk is full; free some space");
    CHECK(e.httpStatus == 0);
    CHECK(e.serverCode.empty());
    REQUIRE(e.store.has_value());
    CHECK(e.store->code == chasqui::storage::ErrorCode::Io);
}

TEST_CASE("a role that may not act stays PermissionDenied at sync's boundary, with the store's error kept") {
    const chasqui::storage::Error denied{chasqui::storage::ErrorCode::PermissionDenied, "supervisors only", {}};
    const auto e = chasqui::sync::fromStorage(denied);
    CHECK(e.code == SyncErrorCode::PermissionDenied);
    CHECK(e.message == "supervisors only");
    REQUIRE(e.store.has_value());
    CHECK(e.store->code == chasqui::storage::ErrorCode::PermissionDenied);
}
