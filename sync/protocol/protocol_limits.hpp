#pragma once
// What a kiosk accepts from a server (and from its own sync files, which a
// server's answers filled): the limits of sync/PROTOCOL.md section 4.1, said
// once. Every decoder of an answer (sync/client/server_answers.hpp), device.json and
// the spool's cursor files check against these; anything outside is refused
// as BadResponse before a byte of it is written. Pure functions, any thread.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace chasqui::sync {

// Device token: base64url (A-Z a-z 0-9 - _), 8..128 characters. The server
// makes 43 (32 random bytes) and refuses anything over 128.
inline constexpr std::size_t kMinDeviceTokenBytes = 8;
inline constexpr std::size_t kMaxDeviceTokenBytes = 128;
// Pull cursor: opaque, 1..64 characters of A-Z a-z 0-9 . - _ (so it goes into
// a query string unescaped; the server's cursors are "<epoch>.<position>").
inline constexpr std::size_t kMaxCursorBytes = 64;
// Device number: what case codes carry (TUM-07-00042), 1..999 as at init.
inline constexpr std::int64_t kMinDeviceNumber = 1;
inline constexpr std::int64_t kMaxDeviceNumber = 999;
// Server public key: X25519, 32 raw bytes (44 characters of base64).
inline constexpr std::size_t kServerKeyBytes = 32;
inline constexpr std::size_t kMaxServerKeyBase64Bytes = 64;
// An error body's code ([a-z0-9_], 1..64) and message (shown to staff; at most
// 1 KiB, control characters replaced).
inline constexpr std::size_t kMaxErrorCodeBytes = 64;
inline constexpr std::size_t kMaxErrorMessageBytes = 1024;
// server_time_ms of /v1/health: 0..2^53 (a JSON number a browser reads exactly).
inline constexpr std::int64_t kMaxServerTimeMs = std::int64_t{1} << 53;

// Bytes a kiosk reads of one answer, per endpoint (CurlTransport aborts past
// them). A pull page holds at most 500 changes; the request limit (4 MiB) bounds
// a page too.
inline constexpr std::size_t kMaxSmallAnswerBytes = 64 * 1024;       // health, enroll, errors
inline constexpr std::size_t kMaxPushAnswerBytes = 2 * 1024 * 1024;  // 1000 quarantined entries
inline constexpr std::size_t kMaxPullPageBytes = 4 * 1024 * 1024;

bool isDeviceToken(std::string_view text);
bool isCursor(std::string_view text);
bool isDeviceNumber(std::int64_t number);
bool isErrorCode(std::string_view text);

}  // namespace chasqui::sync
