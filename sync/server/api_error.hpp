#pragma once
// Errors the server answers with: an HTTP status, a stable code from
// sync/PROTOCOL.md section 4, and a message saying what to do.
#include <expected>
#include <string>

namespace chasqui::sync {

struct ApiError {
    int httpStatus = 500;
    std::string code = "server_error";
    std::string message;
};

template <typename T>
using ApiResult = std::expected<T, ApiError>;

inline std::unexpected<ApiError> apiFail(int status, std::string code, std::string message) {
    return std::unexpected(ApiError{status, std::move(code), std::move(message)});
}

}  // namespace chasqui::sync
