#include "sync/server/http/connection_gate.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "sync/server/http/gate_socket.hpp"
#include "sync/server/http/http_errors.hpp"
#include "sync/server/http/http_framing.hpp"

namespace chasqui::sync {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

constexpr int kMaxBodySeconds = 300;
constexpr auto kRefusalLinger = seconds(5);  // to read what a refused client still sends
constexpr std::size_t kMaxDrainBytes = 8u * 1024u * 1024u;
constexpr auto kStopGrace = seconds(30);
constexpr auto kSummaryEvery = seconds(60);
constexpr const char* kOverCaps = "over the connection caps";

enum class Phase { Handshake, Head, Body, Working, Writing, Draining };

struct Connection {
    GateSocket sock;
    std::string peer;
    int peerPort = 0;
    bool counted = true;  // in the per-address count (refusals at accept are not)
    Phase phase = Phase::Head;
    Clock::time_point deadline;

    std::string in;  // received and not yet handed on
    std::size_t scanned = 0;
    std::size_t headEnd = 0;
    std::size_t contentLength = 0;
    std::optional<ChunkedBody> chunks;
    const EndpointLimits* limits = nullptr;

    std::string out;
    std::size_t written = 0;
    bool closeAfter = false;
    std::size_t drained = 0;
    std::size_t requests = 0;
    std::size_t receiving = 0;  // of `in`, counted in receivingPerAddress
    Reservation held;           // pays for `in` and `out`
};

struct Finished {
    std::uint64_t id = 0;
    std::string answer;
    bool close = true;
};

}  // namespace

struct ConnectionGate::Impl {
    Impl(RequestRouter& r, MemoryBudget& b, GateOptions o, LogSink l)
        : router(r), budget(b), options(o), log(std::move(l)), pool(o.workers) {
        wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        router.set_keep_alive_timeout(options.headerTimeoutS);
        router.set_keep_alive_max_count(options.maxRequestsPerConnection);
    }
    ~Impl() {
        stopPool();
        for (auto& [id, c] : connections) c.sock.close();
        if (listener >= 0) ::close(listener);
        if (wake >= 0) ::close(wake);
        if (tls != nullptr) SSL_CTX_free(tls);
    }

    RequestRouter& router;
    MemoryBudget& budget;
    const GateOptions options;
    const LogSink log;
    // Refusals by code since the last summary: counts only, once a minute,
    // so an attack neither floods the log nor goes unseen.
    std::map<std::string, std::size_t> refusals;
    Clock::time_point nextSummary = Clock::now() + kSummaryEvery;
    httplib::ThreadPool pool;
    bool poolStopped = false;
    SSL_CTX* tls = nullptr;
    int listener = -1;
    int wake = -1;
    std::atomic<bool> stopping{false};
    std::map<std::uint64_t, Connection> connections;
    std::map<std::string, std::size_t> perAddress;
    // Bytes of unfinished requests per address: one address (any client,
    // before it has shown a credential) may hold at most a quarter of the
    // budget, so it cannot starve everyone else with slow uploads.
    std::map<std::string, std::size_t> receivingPerAddress;
    std::uint64_t nextId = 1;
    Clock::time_point acceptPausedUntil;

    std::mutex doneMutex;
    std::deque<Finished> done;

    void signalWake() const {
        const std::uint64_t one = 1;
        (void)!::write(wake, &one, sizeof one);
    }

    void stopReceiving(Connection& c) {
        if (c.receiving == 0) return;
        if (auto a = receivingPerAddress.find(c.peer); a != receivingPerAddress.end()) {
            a->second -= std::min(a->second, c.receiving);
            if (a->second == 0) receivingPerAddress.erase(a);
        }
        c.receiving = 0;
    }

    void drop(std::uint64_t id) {
        auto it = connections.find(id);
        if (it == connections.end()) return;
        Connection& c = it->second;
        stopReceiving(c);
        if (c.counted) {
            if (auto a = perAddress.find(c.peer); a != perAddress.end() && --a->second == 0) perAddress.erase(a);
        }
        c.sock.close();
        connections.erase(it);
    }

    short eventsFor(const Connection& c) const {
        switch (c.phase) {
            case Phase::Working:
                return 0;
            case Phase::Writing:
                return c.sock.wants != 0 ? c.sock.wants : POLLOUT;
            default:
                return c.sock.wants != 0 ? c.sock.wants : POLLIN;
        }
    }

    void startRequest(Connection& c) {
        c.phase = Phase::Head;
        c.deadline = Clock::now() + seconds(options.headerTimeoutS);
        c.scanned = 0;
        c.headEnd = 0;
        c.contentLength = 0;
        c.chunks.reset();
        c.limits = nullptr;
    }

    void refuse(Connection& c, const SyncError& e, const char* label = nullptr) {
        ++refusals[label != nullptr ? std::string(label) : std::string(wireErrorFor(e.code).code)];
        stopReceiving(c);
        c.out = errorAnswer(e);
        c.written = 0;
        c.closeAfter = true;
        c.in.clear();
        c.in.shrink_to_fit();
        c.held.release();
        c.held.growAnyway(c.out.size());
        c.phase = Phase::Writing;
        c.sock.wants = 0;
        c.deadline = Clock::now() + kRefusalLinger;
    }

    std::size_t bodySeconds(std::size_t bytes) const {
        return std::min<std::size_t>(kMaxBodySeconds, static_cast<std::size_t>(options.headerTimeoutS) +
                                                          bytes / std::max<std::size_t>(1, options.minBodyBytesPerS));
    }

    // Moves a request through its phases as far as the received bytes allow.
    void advance(std::uint64_t id, Connection& c) {
        if (c.phase == Phase::Head) {
            const auto end = headerBlockEnd(c.in, c.scanned);
            if (!end) {
                if (c.in.size() > options.maxHeaderBytes)
                    refuse(c, tooLargeError("the request line and headers are over 16 KiB"));
                return;
            }
            if (*end > options.maxHeaderBytes)
                return refuse(c, tooLargeError("the request line and headers are over 16 KiB"));
            auto head = parseRequestHead(std::string_view(c.in).substr(0, *end));
            if (!head) return refuse(c, head.error());
            c.headEnd = *end;
            c.limits = &limitsFor(head->method, head->path);
            if (head->contentLength > c.limits->maxBodyBytes)
                return refuse(c, tooLargeError(fmt::format("the request body is over {} bytes, this endpoint's limit",
                                                           c.limits->maxBodyBytes)));
            c.contentLength = head->contentLength;
            if (head->chunked) c.chunks.emplace(c.headEnd, c.limits->maxBodyBytes);
            c.phase = Phase::Body;
            c.deadline = Clock::now() + seconds(bodySeconds(head->chunked ? c.limits->maxBodyBytes : c.contentLength));
        }
        if (c.phase != Phase::Body) return;
        std::size_t end = 0;
        if (c.chunks) {
            switch (c.chunks->advance(c.in)) {
                case ChunkedBody::State::NeedMore:
                    return;
                case ChunkedBody::State::Malformed:
                    return refuse(c, syncError(SyncErrorCode::BadRequest, "the chunked body is malformed"));
                case ChunkedBody::State::TooLarge:
                    return refuse(c,
                                  tooLargeError(fmt::format("the request body is over {} bytes, this endpoint's limit",
                                                            c.limits->maxBodyBytes)));
                case ChunkedBody::State::Complete:
                    end = c.chunks->end();
                    break;
            }
        } else {
            if (c.in.size() - c.headEnd < c.contentLength) return;
            end = c.headEnd + c.contentLength;
        }
        dispatch(id, c, end);
    }

    void dispatch(std::uint64_t id, Connection& c, std::size_t end) {
        stopReceiving(c);
        std::string request = c.in.substr(0, end);
        c.in.erase(0, end);  // a pipelined next request, if any
        c.phase = Phase::Working;
        c.sock.wants = 0;
        ++c.requests;
        const bool last = c.requests >= options.maxRequestsPerConnection || stopping;
        pool.enqueue([this, id, request = std::move(request), peer = c.peer, port = c.peerPort, last] {
            Finished f{id, {}, true};
            try {
                f.answer = router.handle(request, peer, port, last, f.close);
            } catch (...) {
                f.answer.clear();
            }
            if (f.answer.empty())
                f.answer =
                    errorAnswer(syncError(SyncErrorCode::Internal, "the server failed on this request; retry later"));
            {
                std::lock_guard lock(doneMutex);
                done.push_back(std::move(f));
            }
            signalWake();
        });
    }

    void onReadable(std::uint64_t id, Connection& c) {
        char buf[16 * 1024];
        if (c.phase == Phase::Handshake) {
            const int r = c.sock.handshake();
            if (r < 0) return drop(id);
            if (r == 0) return;
            startRequest(c);
        }
        while (c.phase == Phase::Head || c.phase == Phase::Body || c.phase == Phase::Draining) {
            const ssize_t n = c.sock.receive(buf, sizeof buf);
            if (n < 0) return drop(id);
            if (n == 0) return;
            c.sock.wants = 0;
            if (c.phase == Phase::Draining) {
                c.drained += static_cast<std::size_t>(n);
                if (c.drained > kMaxDrainBytes) return drop(id);
                continue;
            }
            const auto size = static_cast<std::size_t>(n);
            std::size_t& share = receivingPerAddress[c.peer];
            if (share + size > budget.total() / 4 || !c.held.grow(size)) {
                if (share == 0) receivingPerAddress.erase(c.peer);
                refuse(c, busyError());
                break;
            }
            share += size;
            c.receiving += size;
            c.in.append(buf, size);
            advance(id, c);
        }
        if (c.phase == Phase::Writing) onWritable(id, c);
    }

    void onWritable(std::uint64_t id, Connection& c) {
        while (c.written < c.out.size()) {
            const ssize_t n = c.sock.transmit(c.out.data() + c.written, c.out.size() - c.written);
            if (n < 0) return drop(id);
            if (n == 0) return;
            c.sock.wants = 0;
            c.written += static_cast<std::size_t>(n);
        }
        c.out.clear();
        c.out.shrink_to_fit();
        c.held.release();
        if (c.closeAfter || stopping) {
            // Read what the client still sends before closing: closing with
            // unread bytes resets the connection, and the client could lose
            // the answer it has not read yet.
            if (c.sock.ssl == nullptr) ::shutdown(c.sock.fd, SHUT_WR);
            c.phase = Phase::Draining;
            c.deadline = Clock::now() + kRefusalLinger;
            c.in.clear();
            return;
        }
        c.held.growAnyway(c.in.size());
        startRequest(c);
        if (!c.in.empty()) advance(id, c);
        if (c.phase == Phase::Writing) onWritable(id, c);
    }

    void finishWork() {
        std::deque<Finished> finished;
        {
            std::lock_guard lock(doneMutex);
            finished.swap(done);
        }
        for (auto& f : finished) {
            auto it = connections.find(f.id);
            if (it == connections.end()) continue;
            try {
                deliver(f, it->second);
            } catch (...) {
                drop(f.id);  // out of memory: this connection goes, the server stays
            }
        }
    }

    void deliver(Finished& f, Connection& c) {
        c.held.release();
        c.out = std::move(f.answer);
        c.held.growAnyway(c.out.size() + c.in.size());
        c.written = 0;
        c.closeAfter = f.close;
        c.phase = Phase::Writing;
        c.sock.wants = 0;
        // An answer may be large (the catalog); the client reads it at its pace.
        c.deadline = Clock::now() + seconds(bodySeconds(c.out.size()));
        onWritable(f.id, c);
    }

    void acceptAll() {
        for (;;) {
            sockaddr_storage addr{};
            socklen_t length = sizeof addr;
            const int fd =
                ::accept4(listener, reinterpret_cast<sockaddr*>(&addr), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                // Out of descriptors: wait a little rather than spin on the backlog.
                if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                    acceptPausedUntil = Clock::now() + std::chrono::milliseconds(100);
                return;
            }
            const std::uint64_t id = nextId;  // admit() registers it under this
            try {
                admit(fd, addr);
            } catch (...) {
                // Out of memory: this connection goes, the server stays.
                if (connections.count(id) != 0) {
                    drop(id);
                } else {
                    ::close(fd);
                }
                acceptPausedUntil = Clock::now() + std::chrono::milliseconds(100);
                return;
            }
        }
    }

    void admit(int fd, const sockaddr_storage& addr) {
        int port = 0;
        std::string peer = peerAddress(addr, port);
        const int one = 1;
        (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        const bool full = connections.size() >= options.maxConnections;
        const bool crowded = perAddress[peer] >= options.maxConnectionsPerAddress;
        if (perAddress[peer] == 0) perAddress.erase(peer);
        if (full || crowded) {
            // Plain HTTP hears why, within the linger; TLS and a full
            // table get a bare close (no handshake spent on a refusal).
            if (tls != nullptr || connections.size() >= options.maxConnections + options.maxConnections / 8) {
                ++refusals[kOverCaps];
                ::close(fd);
                return;
            }
            Connection& c = connections[nextId++];
            c.sock.fd = fd;
            c.peer = std::move(peer);
            c.peerPort = port;
            c.counted = false;
            refuse(c,
                   syncError(SyncErrorCode::Busy, crowded ? "too many connections from this address; retry later"
                                                          : "the server has too many connections; retry later"),
                   kOverCaps);
            return;
        }
        ++perAddress[peer];
        Connection& c = connections[nextId++];
        c.sock.fd = fd;
        c.peer = std::move(peer);
        c.peerPort = port;
        c.held = Reservation(budget);
        startRequest(c);
        if (tls != nullptr) {
            c.sock.ssl = SSL_new(tls);
            if (c.sock.ssl == nullptr || SSL_set_fd(c.sock.ssl, fd) != 1) return drop(nextId - 1);
            SSL_set_accept_state(c.sock.ssl);
            c.phase = Phase::Handshake;
        }
    }

    void expire(Clock::time_point now) {
        std::vector<std::uint64_t> late;
        for (auto& [id, c] : connections) {
            if (c.phase != Phase::Working && now >= c.deadline) late.push_back(id);
        }
        for (const auto id : late) {
            Connection& c = connections.at(id);
            const bool midRequest = (c.phase == Phase::Head && !c.in.empty()) || c.phase == Phase::Body;
            if (!midRequest) {
                drop(id);  // idle, a handshake, an answer not read in time, or a linger over
                continue;
            }
            refuse(c, syncError(SyncErrorCode::RequestTimeout, c.phase == Phase::Head
                                                                   ? "the request headers did not arrive in time"
                                                                   : "the request body did not arrive in time"));
            onWritable(id, c);
        }
    }

    void summarize(Clock::time_point now) {
        nextSummary = now + kSummaryEvery;
        if (refusals.empty() || !log) return;
        std::string line = "connection gate, last minute:";
        for (const auto& [what, count] : refusals) line += fmt::format(" {}x {};", count, what);
        line += fmt::format(" {} connections open, {} MiB of the memory budget in use", connections.size(),
                            budget.used() / (1024 * 1024));
        refusals.clear();
        log(line);
    }

    bool busyWithRequests() const {
        return std::any_of(connections.begin(), connections.end(), [](const auto& entry) {
            return entry.second.phase == Phase::Working || entry.second.phase == Phase::Writing;
        });
    }

    bool run() {
        std::vector<pollfd> fds;
        std::vector<std::uint64_t> ids;
        std::optional<Clock::time_point> stopBy;
        for (;;) {
            const Clock::time_point now = Clock::now();
            if (stopping && !stopBy) {
                stopBy = now + kStopGrace;
                if (listener >= 0) ::close(listener);
                listener = -1;
                std::vector<std::uint64_t> idle;
                for (auto& [id, c] : connections) {
                    if (c.phase != Phase::Working && c.phase != Phase::Writing) idle.push_back(id);
                }
                for (const auto id : idle) drop(id);
            }
            if (stopBy && (!busyWithRequests() || now >= *stopBy)) break;
            if (now >= nextSummary) summarize(now);
            expire(now);

            fds.clear();
            ids.clear();
            fds.push_back({wake, POLLIN, 0});
            const bool accepting = listener >= 0 && now >= acceptPausedUntil;
            fds.push_back({accepting ? listener : -1, POLLIN, 0});
            Clock::time_point next = now + seconds(1);
            for (auto& [id, c] : connections) {
                const short events = eventsFor(c);
                if (events == 0) continue;
                fds.push_back({c.sock.fd, events, 0});
                ids.push_back(id);
                next = std::min(next, c.deadline);
            }
            const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1;
            const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::clamp<long long>(wait, 1, 1000)));
            if (ready < 0 && errno != EINTR) return false;
            if (fds[0].revents != 0) {
                std::uint64_t count = 0;
                (void)!::read(wake, &count, sizeof count);
                finishWork();
            }
            for (std::size_t i = 2; i < fds.size(); ++i) {
                if (fds[i].revents == 0) continue;
                auto it = connections.find(ids[i - 2]);
                if (it == connections.end()) continue;
                Connection& c = it->second;
                try {
                    if ((fds[i].revents & (POLLERR | POLLNVAL)) != 0) {
                        drop(ids[i - 2]);
                    } else if (c.phase == Phase::Writing) {
                        onWritable(ids[i - 2], c);
                    } else {
                        onReadable(ids[i - 2], c);  // POLLHUP reads the end of the stream
                    }
                } catch (...) {
                    drop(ids[i - 2]);  // out of memory: this connection goes, the server stays
                }
            }
            if (accepting && fds[1].revents != 0) acceptAll();
        }
        stopPool();
        return true;
    }

    void stopPool() {
        if (poolStopped) return;
        poolStopped = true;
        pool.shutdown();  // runs the jobs queued, then joins
    }
};

ConnectionGate::ConnectionGate(RequestRouter& router, MemoryBudget& budget, GateOptions options, LogSink log)
    : m(std::make_unique<Impl>(router, budget, options, std::move(log))) {}

ConnectionGate::~ConnectionGate() = default;

bool ConnectionGate::useTls(const std::string& certFile, const std::string& keyFile, std::string& error) {
    SSL_CTX* ctx = loadTlsContext(certFile, keyFile, error);
    if (ctx == nullptr) return false;
    if (m->tls != nullptr) SSL_CTX_free(m->tls);
    m->tls = ctx;
    return true;
}

int ConnectionGate::bind(const std::string& host, int port) {
    int boundPort = -1;
    const int fd = listenOn(host, port, boundPort);
    if (fd < 0) return -1;
    if (m->listener >= 0) ::close(m->listener);
    m->listener = fd;
    return boundPort;
}

bool ConnectionGate::run() {
    if (m->listener < 0 || m->wake < 0) return false;
    return m->run();
}

void ConnectionGate::stop() {
    m->stopping = true;
    m->signalWake();
}

}  // namespace chasqui::sync
