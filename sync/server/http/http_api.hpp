#pragma once
// The HTTP face of the central server (sync/PROTOCOL.md section 4): routes
// requests to a ServerCore, validates every input before the store sees it,
// and answers every error as {"error": {"code", "message"}} with the status and
// wire code that http_errors.hpp's table gives its SyncError code. A request
// that fails validation changes nothing.
//
// Threading: httplib runs handlers on its thread pool and calls the
// ServerCore from them directly: the store lets reads (authentication,
// pulls) run side by side and writes (pushes) take turns, and everything
// else (opening and sealing batches, JSON) needs no lock at all.
//
// The request log gets one line per request: method, path (the only query
// value kept is limit), status, bytes, device id and duration. Never bodies,
// tokens, enrollment codes or cursors: none of them may reach a log file.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sync/server/core/server_core.hpp"
#include "sync/server/http/request_limits.hpp"

namespace httplib {
class Server;
struct Request;
}  // namespace httplib

namespace chasqui::sync {

constexpr int kProtocolVersion = 1;
constexpr std::size_t kMaxRequestBytes = 4u * 1024u * 1024u;  // the largest of limitsFor()
// Bytes all requests in flight may hold at once (request_limits.hpp).
constexpr std::size_t kDefaultMemoryBudget = 128u * 1024u * 1024u;

class HttpApi {
public:
    using LogSink = std::function<void(const std::string& line)>;

    // `store` must outlive this object and every server it is installed on.
    // `adminToken` is the bearer credential of the admin endpoints.
    HttpApi(ServerCore& store, std::string adminToken, LogSink log,
            std::size_t memoryBudgetBytes = kDefaultMemoryBudget);

    // Registers routes, body limits, JSON error pages and the request log.
    // The HttpApi must outlive `server`'s listening.
    void install(httplib::Server& server);

    // Shared with the connection gate, which holds raw requests and answers.
    MemoryBudget& budget() { return m_budget; }

    // One answer of a handler, turned into the HTTP response by install().
    struct Reply {
        int status = 200;
        std::string body;
        std::string contentType = "application/json";
        std::vector<std::pair<std::string, std::string>> headers;
    };

private:
    SyncResult<Reply> health(const httplib::Request& req);
    SyncResult<Reply> enroll(const httplib::Request& req, const std::string& body, Reservation& cost);
    SyncResult<Reply> push(const httplib::Request& req, const std::string& body, Reservation& cost);
    SyncResult<Reply> pull(const httplib::Request& req);
    SyncResult<Reply> catalog(const httplib::Request& req);
    SyncResult<Reply> adminEnrollCode(const httplib::Request& req, const std::string& body, Reservation& cost);
    SyncResult<Reply> adminDevices(const httplib::Request& req);
    SyncResult<Reply> adminRevoke(const httplib::Request& req, const std::string& body, Reservation& cost);
    SyncResult<Reply> adminStatus(const httplib::Request& req);

    SyncResult<std::string> openBatch(std::string_view body, const EndpointLimits& limits, Reservation& cost);
    SyncResult<DeviceInfo> authenticateDevice(const httplib::Request& req);
    SyncResult<void> authenticateAdmin(const httplib::Request& req) const;

    ServerCore& m_store;
    const std::string m_adminToken;
    const std::string m_serverKeyBase64;
    LogSink m_log;
    MemoryBudget m_budget;
};

}  // namespace chasqui::sync
