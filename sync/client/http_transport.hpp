#pragma once
// The network behind one method, so the sync client can run against the real
// libcurl transport in production and a fake or fault-injecting one in tests.
//
// Contract of send(): a value means the server answered with a complete HTTP
// response, whatever its status (4xx/5xx included: mapping them to SyncError
// is the protocol client's job, which knows the JSON error body). An error
// means no complete response arrived (no link, timeout, TLS, too large, cut
// mid-body) - never a truncated body dressed up as success.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sync/protocol/sync_error.hpp"

namespace chasqui::sync {

namespace detail {
inline char asciiLower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
}  // namespace detail

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method;  // "GET", "POST", ...
    std::string url;     // absolute; https:// (http:// only to loopback)
    HttpHeaders headers;
    std::string body;
    // Most bytes of decoded answer body this exchange accepts (0: the
    // transport's own limit); the smaller of the two applies. Lets each
    // endpoint refuse a hostile answer at the size it can legitimately have.
    std::size_t maxResponseBytes = 0;
};

struct HttpResponse {
    int status = 0;
    HttpHeaders headers;  // of the final response only, in arrival order
    std::string body;     // decoded (Content-Encoding already undone)
    // Everything on the wire for this exchange at the HTTP level: request and
    // response headers plus bodies as transferred (compressed). TLS overhead is
    // not included. For data-usage accounting on metered links.
    std::uint64_t bytesSent = 0;
    std::uint64_t bytesReceived = 0;

    // Value of the first header called `name` (case-insensitive), or "".
    std::string header(std::string_view name) const {
        const auto sameName = [name](const auto& entry) {
            return std::ranges::equal(entry.first, name,
                                      [](char a, char b) { return detail::asciiLower(a) == detail::asciiLower(b); });
        };
        const auto it = std::ranges::find_if(headers, sameName);
        return it == headers.end() ? std::string() : it->second;
    }
};

// Implementations say in their header whether one instance may be shared
// between threads.
class HttpTransport {
public:
    virtual ~HttpTransport() = default;
    virtual SyncResult<HttpResponse> send(const HttpRequest& request) = 0;
    // A new transport with the same settings and a connection of its own, for
    // one more exchange at the same time as this one's; nullptr when there
    // can be none.
    virtual std::unique_ptr<HttpTransport> another() const { return nullptr; }
};

}  // namespace chasqui::sync
