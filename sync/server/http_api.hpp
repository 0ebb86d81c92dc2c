#pragma once
// The HTTP face of the central server (sync/PROTOCOL.md section 4): routes
// requests to a ServerStore, validates every input before the store sees it,
// and answers every error as {"error": {"code", "message"}} with the status of
// its ApiError. A request that fails validation changes nothing.
//
// Threading: httplib runs handlers on its thread pool and calls the
// ServerStore from them directly: the store lets reads (authentication,
// pulls) run side by side and writes (pushes) take turns, and everything
// else (opening and sealing batches, JSON) needs no lock at all.
//
// The request log gets one line per request: method, path (the only query
// value kept is limit), status, bytes, device id and duration. Never bodies,
// tokens, enrollment codes or cursors: none of them may reach a log file.
#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "sync/server/server_store.hpp"

namespace httplib {
class Server;
struct Request;
}  // namespace httplib

namespace chasqui::sync {

constexpr int kProtocolVersion = 1;
constexpr std::size_t kMaxRequestBytes = 4u * 1024u * 1024u;
// Connections served at once: the spec's 100 kiosks on 2G links, with room.
constexpr std::size_t kWorkerThreads = 128;

class HttpApi {
public:
    using LogSink = std::function<void(const std::string& line)>;

    // `store` must outlive this object and every server it is installed on.
    // `adminToken` is the bearer credential of the admin endpoints.
    HttpApi(ServerStore& store, std::string adminToken, LogSink log);

    // Registers routes, body limits, JSON error pages and the request log.
    // The HttpApi must outlive `server`'s listening.
    void install(httplib::Server& server);

    // One answer of a handler, turned into the HTTP response by install().
    struct Reply {
        int status = 200;
        std::string body;
        std::string contentType = "application/json";
        std::vector<std::pair<std::string, std::string>> headers;
    };

private:
    ApiResult<Reply> health(const httplib::Request& req);
    ApiResult<Reply> enroll(const httplib::Request& req, const std::string& body);
    ApiResult<Reply> push(const httplib::Request& req, const std::string& body);
    ApiResult<Reply> pull(const httplib::Request& req);
    ApiResult<Reply> catalog(const httplib::Request& req);
    ApiResult<Reply> adminEnrollCode(const httplib::Request& req, const std::string& body);
    ApiResult<Reply> adminDevices(const httplib::Request& req);
    ApiResult<Reply> adminRevoke(const httplib::Request& req, const std::string& body);
    ApiResult<Reply> adminStatus(const httplib::Request& req);

    ApiResult<DeviceInfo> authenticateDevice(const httplib::Request& req);
    ApiResult<void> authenticateAdmin(const httplib::Request& req) const;

    ServerStore& m_store;
    const std::string m_adminToken;
    const std::string m_serverKeyBase64;
    LogSink m_log;
};

}  // namespace chasqui::sync
