#include "tests/support/fault_proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <stdexcept>

namespace chasqui::test {
namespace {

constexpr std::size_t kReadChunk = std::size_t{16} * 1024;
// Read no further ahead than this per direction: keeps the cap and the stall
// honest (the sender feels back-pressure) and memory bounded.
constexpr std::size_t kMaxQueued = std::size_t{64} * 1024;

[[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string("FaultProxy: ") + what + ": " + std::strerror(errno));
}

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

void setNonBlocking(int fd) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Token bucket depth: 20 ms worth of the rate, so bursts stay small next to
// the one-second scale the cap is measured on.
double burstBytes(std::uint64_t rate) {
    return std::clamp(static_cast<double>(rate) / 50.0, 1.0, 65536.0);
}

}  // namespace

struct FaultProxy::Direction {
    struct Chunk {
        Clock::time_point deliverAt;
        std::string data;
        std::size_t offset = 0;
    };
    int* srcFd = nullptr;
    int* dstFd = nullptr;
    bool upstream = false;
    std::deque<Chunk> queue;
    std::size_t queued = 0;
    bool srcEof = false;
    bool dstShut = false;
    bool waitingWritable = false;
    bool stalled = false;
    std::uint64_t sinceFaults = 0;
};

struct FaultProxy::Connection {
    int number = 0;
    int clientFd = -1;
    int serverFd = -1;
    std::uint64_t generation = 0;
    Direction up;
    Direction down;
    bool open() const { return clientFd >= 0; }
};

// What one pollfd entry stands for, so events can be routed after poll().
struct FaultProxy::PollSlot {
    enum class Kind { Wake, Listen, Read, Write } kind;
    Connection* connection = nullptr;
    Direction* direction = nullptr;
};

FaultProxy::FaultProxy(std::uint16_t targetPort, Faults faults) : m_targetPort(targetPort), m_faults(faults) {
    m_listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (m_listenFd < 0) fail("socket");
    const int yes = 1;
    ::setsockopt(m_listenFd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address = loopback(0);
    if (::bind(m_listenFd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) fail("bind");
    if (::listen(m_listenFd, 64) != 0) fail("listen");
    socklen_t length = sizeof address;
    if (::getsockname(m_listenFd, reinterpret_cast<sockaddr*>(&address), &length) != 0) fail("getsockname");
    m_port = ntohs(address.sin_port);
    m_wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_wakeFd < 0) fail("eventfd");
    m_thread = std::thread([this] { run(); });
}

FaultProxy::~FaultProxy() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    wake();
    m_thread.join();
    for (auto& connection : m_connections) closeConnection(*connection);
    ::close(m_listenFd);
    ::close(m_wakeFd);
}

std::string FaultProxy::url() const {
    return "http://127.0.0.1:" + std::to_string(m_port);
}

void FaultProxy::setFaults(const Faults& faults) {
    {
        std::lock_guard lock(m_mutex);
        m_faults = faults;
        ++m_faultsGeneration;
    }
    wake();
}

ProxyStats FaultProxy::stats() const {
    std::lock_guard lock(m_mutex);
    return m_stats;
}

void FaultProxy::resetByteCounters() {
    std::lock_guard lock(m_mutex);
    m_stats.bytesUpstream = 0;
    m_stats.bytesDownstream = 0;
}

bool FaultProxy::waitFor(const std::function<bool(const ProxyStats&)>& condition,
                         std::chrono::milliseconds timeout) const {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, timeout, [&] { return condition(m_stats); });
}

void FaultProxy::wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(m_wakeFd, &one, sizeof one);
}

void FaultProxy::run() {
    std::vector<pollfd> fds;
    std::vector<PollSlot> slots;
    while (true) {
        int timeoutMs = -1;
        {
            std::lock_guard lock(m_mutex);
            if (m_stop) break;
            const auto now = Clock::now();
            handleEvents(fds, slots, now);
            auto deadline = Clock::time_point::max();
            m_stats.stalledDirections = 0;
            for (auto& connection : m_connections) {
                if (connection->open() && connection->generation != m_faultsGeneration) {
                    connection->generation = m_faultsGeneration;
                    for (Direction* direction : {&connection->up, &connection->down}) {
                        direction->sinceFaults = 0;
                        direction->stalled = false;
                    }
                }
                for (Direction* direction : {&connection->up, &connection->down}) {
                    if (connection->open()) flush(*connection, *direction, now, deadline);
                    if (connection->open() && direction->stalled) ++m_stats.stalledDirections;
                }
                const bool drained = connection->up.srcEof && connection->down.srcEof && connection->up.queued == 0 &&
                                     connection->down.queued == 0;
                if (connection->open() && drained) closeConnection(*connection);
            }
            std::erase_if(m_connections, [](const auto& connection) { return !connection->open(); });
            m_stats.connectionsOpen = static_cast<int>(m_connections.size());

            fds.clear();
            slots.clear();
            fds.push_back({m_wakeFd, POLLIN, 0});
            slots.push_back({PollSlot::Kind::Wake});
            fds.push_back({m_listenFd, POLLIN, 0});
            slots.push_back({PollSlot::Kind::Listen});
            for (auto& connection : m_connections) {
                for (Direction* direction : {&connection->up, &connection->down}) {
                    if (!direction->srcEof && !direction->stalled && direction->queued < kMaxQueued) {
                        fds.push_back({*direction->srcFd, POLLIN, 0});
                        slots.push_back({PollSlot::Kind::Read, connection.get(), direction});
                    }
                    if (direction->waitingWritable) {
                        fds.push_back({*direction->dstFd, POLLOUT, 0});
                        slots.push_back({PollSlot::Kind::Write, connection.get(), direction});
                    }
                }
            }
            if (deadline != Clock::time_point::max()) {
                const auto wait = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
                timeoutMs = static_cast<int>(std::clamp<std::int64_t>(wait, 0, 60'000));
            }
        }
        m_changed.notify_all();
        if (::poll(fds.data(), fds.size(), timeoutMs) < 0 && errno != EINTR) break;
    }
    m_changed.notify_all();
}

void FaultProxy::handleEvents(const std::vector<pollfd>& fds, const std::vector<PollSlot>& slots,
                              Clock::time_point now) {
    for (std::size_t i = 0; i < fds.size(); ++i) {
        if (fds[i].revents == 0) continue;
        const PollSlot& slot = slots[i];
        switch (slot.kind) {
            case PollSlot::Kind::Wake: {
                std::uint64_t count = 0;
                [[maybe_unused]] const auto got = ::read(m_wakeFd, &count, sizeof count);
                break;
            }
            case PollSlot::Kind::Listen:
                acceptAll();
                break;
            case PollSlot::Kind::Read:
                if (slot.connection->open()) readInto(*slot.connection, *slot.direction, now);
                break;
            case PollSlot::Kind::Write:
                slot.direction->waitingWritable = false;
                break;
        }
    }
}

void FaultProxy::acceptAll() {
    while (true) {
        const int clientFd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (clientFd < 0) return;
        ++m_stats.connectionsAccepted;
        // A blocking connect to loopback completes or is refused at once.
        const int serverFd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const sockaddr_in target = loopback(m_targetPort);
        if (serverFd < 0 || ::connect(serverFd, reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0) {
            if (serverFd >= 0) ::close(serverFd);
            ::close(clientFd);  // like the real server being down: the client sees the connection end
            continue;
        }
        setNonBlocking(serverFd);
        // A link forwards bytes as they come. With Nagle on, the proxy held a
        // chunk's tail until the peer acknowledged its head, and the peer's
        // delayed ACK made that about 40 ms per answer: a delay of this
        // proxy's own, not of the link it stands for.
        const int noDelay = 1;
        ::setsockopt(clientFd, IPPROTO_TCP, TCP_NODELAY, &noDelay, sizeof noDelay);
        ::setsockopt(serverFd, IPPROTO_TCP, TCP_NODELAY, &noDelay, sizeof noDelay);
        auto connection = std::make_unique<Connection>();
        connection->number = m_stats.connectionsAccepted;
        connection->clientFd = clientFd;
        connection->serverFd = serverFd;
        connection->generation = m_faultsGeneration;
        Direction& up = connection->up;
        Direction& down = connection->down;
        up.srcFd = &connection->clientFd;
        up.dstFd = &connection->serverFd;
        up.upstream = true;
        down.srcFd = &connection->serverFd;
        down.dstFd = &connection->clientFd;
        m_connections.push_back(std::move(connection));
    }
}

void FaultProxy::readInto(Connection& connection, Direction& direction, Clock::time_point now) {
    std::string buffer(std::min(kReadChunk, kMaxQueued - direction.queued), '\0');
    const ssize_t got = ::recv(*direction.srcFd, buffer.data(), buffer.size(), 0);
    if (got == 0) {
        direction.srcEof = true;
    } else if (got < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) closeConnection(connection);
    } else {
        buffer.resize(static_cast<std::size_t>(got));
        direction.queued += buffer.size();
        direction.queue.push_back({now + m_faults.latency, std::move(buffer)});
    }
}

// Forwards what is due, within the bandwidth cap, stopping at exactly the cut
// or stall threshold. Sets `deadline` to when more could be forwarded.
void FaultProxy::flush(Connection& connection, Direction& direction, Clock::time_point now,
                       Clock::time_point& deadline) {
    constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();
    const bool targeted = m_faults.onlyConnection == 0 || m_faults.onlyConnection == connection.number;
    const std::uint64_t cut =
        targeted ? (direction.upstream ? m_faults.cutUpstreamAfter : m_faults.cutDownstreamAfter).value_or(kNever)
                 : kNever;
    const std::uint64_t stall =
        targeted ? (direction.upstream ? m_faults.stallUpstreamAfter : m_faults.stallDownstreamAfter).value_or(kNever)
                 : kNever;
    const std::uint64_t rate = direction.upstream ? m_faults.upstreamBytesPerSecond : m_faults.downstreamBytesPerSecond;
    Bucket& link = direction.upstream ? m_upLink : m_downLink;
    if (rate > 0) {
        const double elapsed = std::chrono::duration<double>(now - link.lastRefill).count();
        link.tokens = std::min(burstBytes(rate), link.tokens + elapsed * static_cast<double>(rate));
    } else {
        link.tokens = 0;  // unlimited now; a cap set later starts from an empty bucket
    }
    link.lastRefill = now;

    while (true) {
        if (direction.sinceFaults >= cut) return closeConnection(connection);
        if (direction.sinceFaults >= stall) direction.stalled = true;
        if (direction.stalled || direction.waitingWritable || direction.queue.empty()) break;
        auto& chunk = direction.queue.front();
        if (chunk.deliverAt > now) {
            deadline = std::min(deadline, chunk.deliverAt);
            break;
        }
        std::uint64_t allowed = chunk.data.size() - chunk.offset;
        allowed = std::min({allowed, cut - direction.sinceFaults, stall - direction.sinceFaults});
        if (rate > 0) {
            // Send in pieces of at least half a bucket so a slow cap does not
            // turn into a flood of one-byte writes.
            const double wanted = std::min(static_cast<double>(allowed), std::max(1.0, burstBytes(rate) / 2));
            if (link.tokens < wanted) {
                const auto wait = std::chrono::duration<double>((wanted - link.tokens) / static_cast<double>(rate));
                deadline = std::min(
                    deadline, now + std::chrono::duration_cast<Clock::duration>(wait) + std::chrono::microseconds(1));
                break;
            }
            allowed = std::min(allowed, static_cast<std::uint64_t>(link.tokens));
        }
        const ssize_t sent =
            ::send(*direction.dstFd, chunk.data.data() + chunk.offset, allowed, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                direction.waitingWritable = true;
                break;
            }
            if (errno == EINTR) continue;
            return closeConnection(connection);
        }
        const auto bytes = static_cast<std::size_t>(sent);
        chunk.offset += bytes;
        direction.queued -= bytes;
        direction.sinceFaults += bytes;
        if (rate > 0) link.tokens -= static_cast<double>(bytes);
        (direction.upstream ? m_stats.bytesUpstream : m_stats.bytesDownstream) += bytes;
        if (chunk.offset == chunk.data.size()) direction.queue.pop_front();
    }
    if (direction.srcEof && direction.queue.empty() && !direction.dstShut && !direction.stalled) {
        ::shutdown(*direction.dstFd, SHUT_WR);
        direction.dstShut = true;
    }
}

void FaultProxy::closeConnection(Connection& connection) {
    if (connection.clientFd >= 0) ::close(connection.clientFd);
    if (connection.serverFd >= 0) ::close(connection.serverFd);
    connection.clientFd = -1;
    connection.serverFd = -1;
}

}  // namespace chasqui::test
