// The fault proxy itself, with raw sockets against an echo server: exact byte
// counts for cuts and stalls, the bandwidth cap, latency, Kth-connection
// targeting, faults changed on an open connection, and clean shutdown.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/fault_proxy.hpp"

namespace chasqui::test {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

sockaddr_in loopbackAddress(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

// Echoes every byte back on the same connection; one thread, poll-driven.
class EchoServer {
public:
    EchoServer() {
        m_listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address = loopbackAddress(0);
        socklen_t length = sizeof address;
        if (m_listenFd < 0 || ::bind(m_listenFd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(m_listenFd, 16) != 0 ||
            ::getsockname(m_listenFd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            throw std::runtime_error("EchoServer: cannot listen");
        }
        m_port = ntohs(address.sin_port);
        m_wakeFd = ::eventfd(0, EFD_CLOEXEC);
        m_thread = std::thread([this] { run(); });
    }
    ~EchoServer() {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(m_wakeFd, &one, sizeof one);
        m_thread.join();
        for (int fd : m_clients) ::close(fd);
        ::close(m_listenFd);
        ::close(m_wakeFd);
    }
    EchoServer(const EchoServer&) = delete;
    EchoServer& operator=(const EchoServer&) = delete;

    std::uint16_t port() const { return m_port; }
    std::uint64_t bytesReceived() const {
        std::lock_guard lock(m_mutex);
        return m_received;
    }
    // Waits until the server has read at least `bytes`; false on timeout.
    bool waitForReceived(std::uint64_t bytes, std::chrono::milliseconds timeout) const {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, timeout, [&] { return m_received >= bytes; });
    }

private:
    void run() {
        while (true) {
            std::vector<pollfd> fds{{m_wakeFd, POLLIN, 0}, {m_listenFd, POLLIN, 0}};
            for (int fd : m_clients) fds.push_back({fd, POLLIN, 0});
            if (::poll(fds.data(), fds.size(), -1) < 0 || fds[0].revents != 0) return;
            if (fds[1].revents != 0) {
                const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
                if (fd >= 0) m_clients.push_back(fd);
            }
            for (std::size_t i = 2; i < fds.size(); ++i) {
                if (fds[i].revents == 0) continue;
                char buffer[16 * 1024];
                const ssize_t got = ::recv(fds[i].fd, buffer, sizeof buffer, 0);
                if (got <= 0) {
                    ::close(fds[i].fd);
                    std::erase(m_clients, fds[i].fd);
                    continue;
                }
                {
                    std::lock_guard lock(m_mutex);
                    m_received += static_cast<std::uint64_t>(got);
                }
                m_changed.notify_all();
                for (ssize_t off = 0; off < got;) {
                    const ssize_t sent =
                        ::send(fds[i].fd, buffer + off, static_cast<std::size_t>(got - off), MSG_NOSIGNAL);
                    if (sent <= 0) break;
                    off += sent;
                }
            }
        }
    }

    int m_listenFd = -1;
    int m_wakeFd = -1;
    std::uint16_t m_port = 0;
    std::vector<int> m_clients;  // only touched by the worker until it is joined
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    std::uint64_t m_received = 0;
    std::thread m_thread;
};

// A client socket that closes itself.
class Client {
public:
    explicit Client(std::uint16_t port) : m_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        const sockaddr_in address = loopbackAddress(port);
        if (::connect(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            throw std::runtime_error("Client: cannot connect");
        }
    }
    ~Client() { ::close(m_fd); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    void send(const std::string& data) const {
        for (std::size_t off = 0; off < data.size();) {
            const ssize_t sent = ::send(m_fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
            REQUIRE(sent > 0);
            off += static_cast<std::size_t>(sent);
        }
    }

    // Reads until `want` bytes arrived, the peer closed, or `timeout` passed.
    std::string receive(std::size_t want, std::chrono::milliseconds timeout) {
        std::string data;
        const auto until = SteadyClock::now() + timeout;
        while (data.size() < want && !m_eof) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - SteadyClock::now()).count();
            if (left <= 0) break;
            pollfd fd{m_fd, POLLIN, 0};
            if (::poll(&fd, 1, static_cast<int>(left)) <= 0) break;
            char buffer[16 * 1024];
            const ssize_t got = ::recv(m_fd, buffer, std::min(sizeof buffer, want - data.size()), 0);
            if (got <= 0)
                m_eof = true;
            else
                data.append(buffer, static_cast<std::size_t>(got));
        }
        return data;
    }
    // True when the peer has closed (reads nothing more within `timeout`).
    bool closedWithin(std::chrono::milliseconds timeout) {
        receive(1, timeout);
        return m_eof;
    }

private:
    int m_fd;
    bool m_eof = false;
};

std::string pattern(std::size_t size) {
    std::string data(size, '\0');
    for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>('a' + i % 26);
    return data;
}

double secondsSince(SteadyClock::time_point start) {
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

}  // namespace

TEST_SUITE("fault_proxy") {
    TEST_CASE("without faults every byte goes through and is counted both ways") {
        EchoServer echo;
        FaultProxy proxy(echo.port());
        Client client(proxy.port());
        const std::string data = pattern(200'000);
        std::thread writer([&] { client.send(data); });
        const std::string back = client.receive(data.size(), 10s);
        writer.join();
        CHECK(back == data);
        const ProxyStats stats = proxy.stats();
        CHECK(stats.bytesUpstream == data.size());
        CHECK(stats.bytesDownstream == data.size());
        CHECK(stats.connectionsAccepted == 1);
        CHECK(proxy.url() == "http://127.0.0.1:" + std::to_string(proxy.port()));
    }

    TEST_CASE("a downstream cut forwards exactly N bytes, then closes") {
        EchoServer echo;
        FaultProxy proxy(echo.port(), Faults{.cutDownstreamAfter = 1000});
        Client client(proxy.port());
        client.send(pattern(5000));
        const std::string back = client.receive(5000, 10s);
        CHECK(back == pattern(1000));
        CHECK(client.closedWithin(5s));
        CHECK(proxy.stats().bytesDownstream == 1000);
        CHECK(proxy.waitFor([](const ProxyStats& s) { return s.connectionsOpen == 0; }, 5s));
    }

    TEST_CASE("an upstream cut delivers exactly N bytes to the server") {
        EchoServer echo;
        FaultProxy proxy(echo.port(), Faults{.cutUpstreamAfter = 700});
        Client client(proxy.port());
        client.send(pattern(5000));
        CHECK(client.closedWithin(5s));
        CHECK(proxy.stats().bytesUpstream == 700);
        CHECK(echo.waitForReceived(700, 5s));
        CHECK(echo.bytesReceived() == 700);
    }

    TEST_CASE("a cut can target only the K-th connection") {
        EchoServer echo;
        FaultProxy proxy(echo.port(), Faults{.cutDownstreamAfter = 10, .onlyConnection = 2});
        for (int number = 1; number <= 3; ++number) {
            CAPTURE(number);
            Client client(proxy.port());
            client.send(pattern(100));
            const std::string back = client.receive(100, 5s);
            CHECK(back.size() == (number == 2 ? 10u : 100u));
        }
        CHECK(proxy.stats().connectionsAccepted == 3);
    }

    TEST_CASE("a stall holds the connection open until the faults change") {
        EchoServer echo;
        FaultProxy proxy(echo.port(), Faults{.stallDownstreamAfter = 300});
        Client client(proxy.port());
        client.send(pattern(1000));
        CHECK(client.receive(300, 5s) == pattern(300));
        CHECK(proxy.waitFor([](const ProxyStats& s) { return s.stalledDirections == 1; }, 5s));
        // Nothing more arrives and the connection is not closed while stalled.
        CHECK(client.receive(1, 300ms).empty());
        CHECK_FALSE(client.closedWithin(1ms));
        proxy.setFaults({});
        CHECK(client.receive(700, 5s) == pattern(1000).substr(300));
        CHECK(proxy.stats().stalledDirections == 0);
    }

    TEST_CASE("thresholds set on an open connection count from that moment") {
        EchoServer echo;
        FaultProxy proxy(echo.port());
        Client client(proxy.port());
        client.send(pattern(500));
        CHECK(client.receive(500, 5s).size() == 500);
        proxy.setFaults(Faults{.cutDownstreamAfter = 100});
        client.send(pattern(500));
        CHECK(client.receive(500, 5s).size() == 100);
        CHECK(client.closedWithin(5s));
    }

    TEST_CASE("latency delays each direction") {
        EchoServer echo;
        FaultProxy proxy(echo.port(), Faults{.latency = 100ms});
        Client client(proxy.port());
        const auto start = SteadyClock::now();
        client.send("ping");
        CHECK(client.receive(4, 5s) == "ping");
        CHECK(secondsSince(start) >= 0.2);  // 100 ms up + 100 ms down
    }

    TEST_CASE("the bandwidth cap limits throughput") {
        EchoServer echo;
        FaultProxy proxy(echo.port(), Faults{.downstreamBytesPerSecond = 200'000});
        Client client(proxy.port());
        const std::string data = pattern(100'000);
        const auto start = SteadyClock::now();
        std::thread writer([&] { client.send(data); });
        const std::string back = client.receive(data.size(), 20s);
        writer.join();
        const double seconds = secondsSince(start);
        CHECK(back == data);
        CHECK(seconds >= 0.4);  // 100 kB at 200 kB/s is 0.5 s, less one 4 kB burst
        CHECK(seconds < 5.0);   // and it does flow
    }

    TEST_CASE("the bandwidth cap is the link's: two connections at once share it") {
        EchoServer echo;
        FaultProxy proxy(echo.port(), Faults{.downstreamBytesPerSecond = 200'000});
        Client first(proxy.port());
        Client second(proxy.port());
        const std::string data = pattern(50'000);
        const auto start = SteadyClock::now();
        std::thread writers([&] {
            first.send(data);
            second.send(data);
        });
        std::string backSecond;
        std::thread reader([&] { backSecond = second.receive(data.size(), 20s); });
        const std::string backFirst = first.receive(data.size(), 20s);
        reader.join();
        writers.join();
        const double seconds = secondsSince(start);
        CHECK(backFirst == data);
        CHECK(backSecond == data);
        // 100 kB in all at 200 kB/s: 0.5 s; two caps of their own would take 0.25 s.
        CHECK(seconds >= 0.4);
        CHECK(seconds < 5.0);
    }

    TEST_CASE("a proxy whose target is down closes each client connection") {
        std::uint16_t closedPort = 0;
        {
            EchoServer gone;
            closedPort = gone.port();
        }
        FaultProxy proxy(closedPort);
        Client client(proxy.port());
        CHECK(client.closedWithin(5s));
    }

    TEST_CASE("destroying the proxy closes stalled connections and joins its thread") {
        EchoServer echo;
        auto proxy = std::make_unique<FaultProxy>(echo.port(), Faults{.stallDownstreamAfter = 0});
        Client client(proxy->port());
        client.send(pattern(100));
        CHECK(proxy->waitFor([](const ProxyStats& s) { return s.stalledDirections == 1; }, 5s));
        proxy.reset();
        CHECK(client.closedWithin(5s));
    }

}  // TEST_SUITE

}  // namespace chasqui::test
