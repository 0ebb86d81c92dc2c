// chasqui-server: the central sync server (sync/PROTOCOL.md) and the commands
// that administer its data directory. Exit codes are part of the contract
// with scripts: 0 ok, 1 failure, 2 usage, 5 invalid input.
#include <arpa/inet.h>
#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <fmt/core.h>
#include <sodium.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "storage/base/clock.hpp"
#include "storage/base/data_dir.hpp"
#include "storage/base/secret.hpp"
#include "storage/catalog/catalog_import.hpp"
#include "sync/server/app/outbox_recovery.hpp"
#include "sync/server/app/server_cli.hpp"
#include "sync/server/app/server_commands.hpp"
#include "sync/server/core/server_core.hpp"
#include "sync/server/http/connection_gate.hpp"
#include "sync/server/http/http_api.hpp"

namespace {

using namespace chasqui;
namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kOk = sync::kExitOk;
constexpr int kFailure = sync::kExitFailure;
constexpr int kUsage = sync::kExitUsage;

int report(const sync::SyncError& error) {
    return sync::reportServerError(error);
}

int usage(const std::string& message) {
    fmt::print(stderr, "chasqui-server: {}\nRun `chasqui-server --help` to see the options.\n", message);
    return kUsage;
}

struct ListenAddress {
    std::string host;  // without brackets
    int port = 0;
};

// "HOST:PORT" or "[IPV6]:PORT"; port 0 picks a free port.
std::optional<ListenAddress> parseListen(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size() || text.size() - colon > 6)
        return std::nullopt;
    ListenAddress out;
    out.host = text.substr(0, colon);
    if (out.host.front() == '[') {
        if (out.host.size() < 3 || out.host.back() != ']') return std::nullopt;
        out.host = out.host.substr(1, out.host.size() - 2);
    } else if (out.host.find(':') != std::string::npos) {
        return std::nullopt;  // an IPv6 address needs brackets
    }
    for (const char c : text.substr(colon + 1)) {
        if (c < '0' || c > '9') return std::nullopt;
        out.port = out.port * 10 + (c - '0');
    }
    if (out.port > 65535) return std::nullopt;
    return out;
}

// Literal addresses only: a name could resolve to anything.
bool isLoopback(const std::string& host) {
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0;
    return false;
}

struct ServeOptions {
    sync::ServerLocation where;
    std::string listen;
    std::string tlsCert;
    std::string tlsKey;
    sync::GateOptions gate;
    std::size_t memoryBudgetMiB = sync::kDefaultMemoryBudget / (1024 * 1024);
};

// Each connection is a descriptor: take the hard limit, and keep the
// connection cap under it (with room for the database and logs).
void fitConnectionsToDescriptors(sync::GateOptions& gate) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    limit.rlim_cur = limit.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &limit);
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return;
    const std::size_t usable = limit.rlim_cur > 64 ? static_cast<std::size_t>(limit.rlim_cur) - 64 : 1;
    // Refusals at accept hold a descriptor for a moment too (an eighth more).
    gate.maxConnections = std::min(gate.maxConnections, usable * 8 / 9);
}

int serve(const ServeOptions& o, const storage::Clock& clock) {
    // Stop signals are taken by one waiter thread only: block them before any
    // thread starts, so httplib's pool threads inherit the mask.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGUSR1);  // internal: wakes the waiter when listening ends on its own
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    (void)signal(SIGPIPE, SIG_IGN);  // a kiosk dropping its link must not kill the server

    if (o.where.dataDir.empty() || o.listen.empty()) return usage("serving needs --data DIR and --listen HOST:PORT");
    const auto address = parseListen(o.listen);
    if (!address) return usage(fmt::format("--listen {} is not HOST:PORT (for example 127.0.0.1:8443)", o.listen));
    const bool tls = !o.tlsCert.empty();
    if (!tls && !isLoopback(address->host))
        return usage(
            fmt::format("plain HTTP is served only on a loopback address (127.0.0.1 or [::1]), for tests and "
                        "demos; give --tls-cert and --tls-key to listen on {}",
                        address->host));

    auto store = sync::ServerCore::open(o.where, clock);
    if (!store) return report(store.error());
    auto token = sync::adminToken(o.where.dataDir);
    if (!token) return report(token.error());

    sync::GateOptions gateOptions = o.gate;
    fitConnectionsToDescriptors(gateOptions);
    sync::RequestRouter router;
    const auto logLine = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
    sync::HttpApi api(**store, std::move(*token), logLine, o.memoryBudgetMiB * 1024 * 1024);
    api.install(router);
    sync::ConnectionGate gate(router, api.budget(), gateOptions, logLine);
    if (tls) {
        std::string why;
        if (!gate.useTls(o.tlsCert, o.tlsKey, why)) {
            fmt::print(stderr, "chasqui-server: {}\n", why);
            return kFailure;
        }
    }
    const int port = gate.bind(address->host, address->port);
    if (port <= 0) {
        fmt::print(stderr,
                   "chasqui-server: cannot listen on {}: the port is taken or the address is not on this host\n",
                   o.listen);
        return kFailure;
    }
    const std::string shown = address->host.find(':') == std::string::npos ? address->host : "[" + address->host + "]";
    // Scripts and tests read the port from this line.
    fmt::print("listening on {}:{}\n", shown, port);
    (void)std::fflush(stdout);
    fmt::print(stderr, "chasqui-server: protocol {} over {} on {}:{}, data in {}, store {}\n", sync::kProtocolVersion,
               tls ? "HTTPS" : "plain HTTP (loopback only)", shown, port, o.where.dataDir.string(),
               (*store)->repository().backend());

    std::atomic<bool> stopRequested{false};
    std::thread waiter([&] {
        int signalNumber = 0;
        sigwait(&stopSignals, &signalNumber);
        if (signalNumber == SIGUSR1) return;
        stopRequested = true;
        fmt::print(stderr, "chasqui-server: stopping (signal {}): finishing requests in flight\n", signalNumber);
        gate.stop();  // safe before the loop runs: it then ends at once
    });
    // Returns once stop() closed the listener and the requests in flight were answered.
    const bool clean = gate.run();
    pthread_kill(waiter.native_handle(), SIGUSR1);
    waiter.join();
    store->reset();  // closes the database
    if (stopRequested) {
        fmt::print(stderr, "chasqui-server: stopped\n");
        return kOk;
    }
    fmt::print(stderr, "chasqui-server: the listener failed\n");
    return clean ? kOk : kFailure;
}

}  // namespace

int main(int argc, char** argv) {
    storage::ensureSodium();
    storage::SystemClock clock;
    CLI::App app{
        "chasqui-server: the central Chasqui sync server.\n"
        "Serve with --data DIR --listen HOST:PORT, or run one of the commands."};
    ServeOptions serveOptions;
    app.add_option("--data", serveOptions.where.dataDir, "Server data directory (created on first use)");
    app.add_option("--database", serveOptions.where.databaseUrl,
                   "PostgreSQL URL (postgresql://USER@HOST:PORT/DB); left out: the embedded store in --data. "
                   "Processes with the same --data keys and --database are one server")
        ->envname("CHASQUI_DATABASE_URL");
    app.add_option("--listen", serveOptions.listen, "HOST:PORT to serve on; port 0 picks a free one");
    auto* cert =
        app.add_option("--tls-cert", serveOptions.tlsCert, "TLS certificate chain (PEM)")->check(CLI::ExistingFile);
    auto* key = app.add_option("--tls-key", serveOptions.tlsKey, "TLS private key (PEM)")->check(CLI::ExistingFile);
    cert->needs(key);
    key->needs(cert);
    sync::GateOptions& gate = serveOptions.gate;
    app.add_option("--max-connections", gate.maxConnections, "Connections held at once, from all addresses")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    app.add_option("--max-connections-per-address", gate.maxConnectionsPerAddress,
                   "Connections held at once from one client address")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    app.add_option("--header-timeout", gate.headerTimeoutS,
                   "Seconds a client has to send a request's headers (TLS handshake included)")
        ->capture_default_str()
        ->check(CLI::Range(1, 600));
    app.add_option("--workers", gate.workers, "Threads handling complete requests")
        ->capture_default_str()
        ->check(CLI::Range(1, 256));
    app.add_option("--memory-budget-mib", serveOptions.memoryBudgetMiB,
                   "MiB all requests in flight may hold at once; past it requests get 503 busy")
        ->capture_default_str()
        ->check(CLI::Range(16, 65536));
    int exitCode = kOk;
    sync::addServerCommands(app, clock, exitCode);
    sync::addRecoverOutboxCommand(app, clock, exitCode);
    app.require_subcommand(0, 1);
    try {
        app.parse(argc, argv);  // runs the command's callback
        if (app.get_subcommands().empty()) return serve(serveOptions, clock);
        return exitCode;
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return kUsage;
    } catch (const std::exception& e) {
        fmt::print(stderr, "chasqui-server: unexpected failure: {}\n", e.what());
        return kFailure;
    }
}
