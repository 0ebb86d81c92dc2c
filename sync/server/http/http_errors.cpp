#include "sync/server/http/http_errors.hpp"

#include <array>

#include <nlohmann/json.hpp>

namespace chasqui::sync {

namespace {

struct Row {
    SyncErrorCode code;
    WireError wire;
};

// sync/PROTOCOL.md section 4: a request refused as a whole. The per-change
// codes (quarantined items of a push answer) are 400 if ever a whole request
// is refused with one (recover-outbox reports them, it sends no HTTP).
constexpr std::array kTable{
    Row{SyncErrorCode::BadRequest, {400, "bad_request"}},
    Row{SyncErrorCode::InvalidUtf8, {400, "invalid_utf8"}},
    Row{SyncErrorCode::UnknownEntity, {400, "unknown_entity"}},
    Row{SyncErrorCode::UnknownField, {400, "unknown_field"}},
    Row{SyncErrorCode::WrongDevice, {400, "wrong_device"}},
    Row{SyncErrorCode::OutOfScope, {400, "out_of_scope"}},
    Row{SyncErrorCode::ClockAhead, {400, "clock_ahead"}},
    Row{SyncErrorCode::IdReused, {400, "id_reused"}},
    Row{SyncErrorCode::AppendOnly, {400, "append_only"}},
    Row{SyncErrorCode::Unauthorized, {401, "unauthorized"}},
    Row{SyncErrorCode::BadSignature, {401, "bad_signature"}},
    Row{SyncErrorCode::Revoked, {403, "revoked"}},
    Row{SyncErrorCode::EnrollCodeInvalid, {403, "enroll_code_invalid"}},
    Row{SyncErrorCode::NotFound, {404, "not_found"}},
    Row{SyncErrorCode::RequestTimeout, {408, "request_timeout"}},
    Row{SyncErrorCode::AlreadyEnrolled, {409, "already_enrolled"}},
    Row{SyncErrorCode::CursorExpired, {410, "cursor_expired"}},
    Row{SyncErrorCode::TooLarge, {413, "too_large"}},
    Row{SyncErrorCode::UnsupportedProtocol, {426, "unsupported_protocol"}},
    Row{SyncErrorCode::Internal, {500, "server_error"}},
    Row{SyncErrorCode::Busy, {503, "busy"}},
};

}  // namespace

WireError wireErrorFor(SyncErrorCode code) {
    for (const Row& row : kTable) {
        if (row.code == code) return row.wire;
    }
    return {};
}

std::string errorBody(std::string_view wireCode, std::string_view message) {
    return nlohmann::json{{"error", {{"code", wireCode}, {"message", message}}}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string errorBody(const SyncError& error) {
    return errorBody(wireErrorFor(error.code).code, error.message);
}

}  // namespace chasqui::sync
