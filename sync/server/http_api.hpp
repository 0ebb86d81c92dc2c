#pragma once
// The HTTP face of the central server (sync/PROTOCOL.md section 4): routes
// requests to a ServerStore, validates every input before the store sees it,
// and answers every error as {"error": {"code", "message"}} with the status of
// its ApiError. A request that fails validation changes nothing.
//
// Threading: httplib runs handlers on its thread pool. ServerStore is not
// thread-safe, so every store call goes through the one mutex of HttpApi;
// opening and sealing batches and JSON work happen outside it.
//
// The request log gets one line per request: method, path (the only query
// value kept is limit), status, bytes, device id and duration. Never bodies,
// tokens, enrollment codes or cursors: none of them may reach a log file.
#include <cstddef>
#include <functional>
#include <mutex>
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

    // Runs `f(store)` holding the store mutex.
    template <typename F>
    auto withStore(F&& f) {
        std::lock_guard lock(m_storeMutex);
        return f(m_store);
    }

    ServerStore& m_store;
    std::mutex m_storeMutex;
    const std::string m_adminToken;
    const std::string m_serverKeyBase64;
    LogSink m_log;
};

}  // namespace chasqui::sync
