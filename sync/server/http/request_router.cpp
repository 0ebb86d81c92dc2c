#include "sync/server/http/request_router.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sync/server/http/http_errors.hpp"
#include "sync/server/http/request_limits.hpp"

namespace chasqui::sync {

namespace {

// A request held in memory, handed to httplib as if it came from a socket.
class MemoryStream final : public httplib::Stream {
public:
    MemoryStream(std::string_view request, const std::string& ip, int port)
        : m_request(request), m_ip(ip), m_port(port) {}
    bool is_readable() const override { return true; }
    bool is_writable() const override { return true; }
    ssize_t read(char* ptr, size_t size) override {
        const std::size_t n = std::min(size, m_request.size() - m_read);
        if (n > 0) std::memcpy(ptr, m_request.data() + m_read, n);
        m_read += n;
        return static_cast<ssize_t>(n);
    }
    ssize_t write(const char* ptr, size_t size) override {
        m_answer.append(ptr, size);
        return static_cast<ssize_t>(size);
    }
    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        ip = m_ip;
        port = m_port;
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        ip.clear();
        port = 0;
    }
    socket_t socket() const override { return INVALID_SOCKET; }
    std::string& answer() { return m_answer; }

private:
    std::string_view m_request;
    std::size_t m_read = 0;
    std::string m_ip;
    int m_port;
    std::string m_answer;
};

bool answerCloses(std::string_view answer) {
    std::string head(answer.substr(0, std::min(answer.find("\r\n\r\n"), answer.size())));
    for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return head.find("\r\nconnection: close") != std::string::npos;
}

const char* reason(int status) {
    switch (status) {
        case 400:
            return "Bad Request";
        case 408:
            return "Request Timeout";
        case 413:
            return "Payload Too Large";
        case 503:
            return "Service Unavailable";
        default:
            return "Internal Server Error";
    }
}

}  // namespace

std::string errorAnswer(const SyncError& e) {
    const int status = wireErrorFor(e.code).status;
    const std::string body = errorBody(e);
    std::string retry = status == 503 ? fmt::format("Retry-After: {}\r\n", kRetryAfterSeconds) : std::string();
    return fmt::format(
        "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{}Connection: close\r\n\r\n{}",
        status, reason(status), body.size(), retry, body);
}

std::string RequestRouter::handle(std::string_view request, const std::string& peerIp, int peerPort,
                                  bool lastOnConnection, bool& close) {
    MemoryStream stream(request, peerIp, peerPort);
    bool closed = false;
    process_request(stream, lastOnConnection, closed, nullptr);
    std::string& answer = stream.answer();
    // httplib answers Expect: 100-continue itself; the body is here already.
    constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    if (std::string_view(answer).starts_with(kContinue)) answer.erase(0, kContinue.size());
    close = closed || lastOnConnection || answer.empty() || answerCloses(answer);
    return std::move(answer);
}

}  // namespace chasqui::sync
