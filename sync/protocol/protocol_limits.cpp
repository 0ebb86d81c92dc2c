#include "sync/protocol/protocol_limits.hpp"

#include <algorithm>

namespace chasqui::sync {

namespace {

bool isAlnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

bool isDeviceToken(std::string_view text) {
    return text.size() >= kMinDeviceTokenBytes && text.size() <= kMaxDeviceTokenBytes &&
           std::ranges::all_of(text, [](char c) { return isAlnum(c) || c == '-' || c == '_'; });
}

bool isCursor(std::string_view text) {
    return !text.empty() && text.size() <= kMaxCursorBytes &&
           std::ranges::all_of(text, [](char c) { return isAlnum(c) || c == '.' || c == '-' || c == '_'; });
}

bool isDeviceNumber(std::int64_t number) {
    return number >= kMinDeviceNumber && number <= kMaxDeviceNumber;
}

bool isErrorCode(std::string_view text) {
    return !text.empty() && text.size() <= kMaxErrorCodeBytes && std::ranges::all_of(text, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

}  // namespace chasqui::sync
