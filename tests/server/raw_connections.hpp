#pragma once
// Raw TCP clients for the exhaustion tests: connect from a chosen loopback
// source address (all of 127.0.0.0/8 is this host on Linux, so one machine
// can play many client addresses), send without blocking, and see whether
// the server answered or closed. Header-only: the suite's CMake globs tests.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace chasqui::test {

// A non-blocking TCP connection to 127.0.0.1:port from `source`.
class RawConnection {
public:
    RawConnection(const std::string& source, int port) {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (m_fd < 0) throw std::runtime_error("socket failed");
        sockaddr_in from{};
        from.sin_family = AF_INET;
        ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<std::uint16_t>(port));
        ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
        if (::bind(m_fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
            ::connect(m_fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
            ::close(m_fd);
            throw std::runtime_error("cannot connect from " + source);
        }
        ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    }
    ~RawConnection() {
        if (m_fd >= 0) ::close(m_fd);
    }
    RawConnection(RawConnection&& other) noexcept : m_fd(other.m_fd), m_received(std::move(other.m_received)) {
        other.m_fd = -1;
    }
    RawConnection& operator=(RawConnection&&) = delete;
    RawConnection(const RawConnection&) = delete;

    int fd() const { return m_fd; }
    // Sends what the socket takes now; the number of bytes taken, -1 when the
    // server closed or reset the connection.
    long send(std::string_view data) {
        const ssize_t n = ::send(m_fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n >= 0) return n;
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    }
    // Reads what has arrived; true once the server closed its side.
    bool receive() {
        char buf[4096];
        for (;;) {
            const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
            if (n > 0) {
                m_received.append(buf, static_cast<std::size_t>(n));
                continue;
            }
            if (n == 0) return true;
            return !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
        }
    }
    // Waits at most `timeout` for the server to close; true when it did.
    bool closedWithin(std::chrono::milliseconds timeout) {
        const auto until = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) > 0 && receive()) return true;
        }
    }
    const std::string& received() const { return m_received; }

private:
    int m_fd = -1;
    std::string m_received;
};

// The peak resident memory of a process, from /proc/PID/status (VmHWM), in KiB.
inline long peakRssKiB(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    }
    return -1;
}

}  // namespace chasqui::test
