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
#include "sync/server/http/connection_gate.hpp"
#include "sync/server/http/http_api.hpp"
#include "sync/server/app/outbox_recovery.hpp"
#include "sync/server/core/server_core.hpp"

namespace {

using namespace chasqui;
namespace fs = std::filesystem;
using nlohmann::json;

enum ExitCode : int { kOk = 0, kFailure = 1, kUsage = 2, kInvalidInput = 5 };

int report(const sync::SyncError& error) {
    fmt::print(stderr, "chasqui-server: {}\n", error.message);
    // What the server itself failed at (its store, a file) against what the
    // administrator asked for (a wrong office, an unknown device).
    return error.code == sync::SyncErrorCode::Internal || error.code == sync::SyncErrorCode::Busy ? kFailure
                                                                                                  : kInvalidInput;
}

int usage(const std::string& message) {
    fmt::print(stderr, "chasqui-server: {}\nRun `chasqui-server --help` to see the options.\n", message);
    return kUsage;
}

// The admin bearer token, made on first use in DIR/admin.token (mode 0600).
// It is kept in clear because `admin-token` must be able to print it again;
// whoever can read the data directory can read server.db.key next to it.
sync::SyncResult<std::string> adminToken(const fs::path& dir) {
    const fs::path path = dir / "admin.token";
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        if (!fs::exists(dir, ec)) {
            fs::create_directories(dir, ec);
            fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
        }
        storage::SecretBytes raw = storage::SecretBytes::random(32);
        std::string token(sodium_base64_encoded_len(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
        sodium_bin2base64(token.data(), token.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        token.resize(token.size() - 1);
        auto written = storage::writeFileAtomically(path, token + "\n");
        storage::wipeString(token);
        if (!written) return sync::syncFail(sync::SyncErrorCode::Internal, written.error().message);
    }
    auto content = storage::readSmallFile(path, 256);
    if (!content) return sync::syncFail(sync::SyncErrorCode::Internal, content.error().message);
    while (!content->empty() && (content->back() == '\n' || content->back() == '\r' || content->back() == ' '))
        content->pop_back();
    if (content->size() < 32)
        return sync::syncFail(
            sync::SyncErrorCode::Internal,
            fmt::format("{} is damaged; delete it and run `chasqui-server admin-token` for a new one", path.string()));
    return std::move(*content);
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
    std::string data;
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

    if (o.data.empty() || o.listen.empty()) return usage("serving needs --data DIR and --listen HOST:PORT");
    const auto address = parseListen(o.listen);
    if (!address) return usage(fmt::format("--listen {} is not HOST:PORT (for example 127.0.0.1:8443)", o.listen));
    const bool tls = !o.tlsCert.empty();
    if (!tls && !isLoopback(address->host))
        return usage(
            fmt::format("plain HTTP is served only on a loopback address (127.0.0.1 or [::1]), for tests and "
                        "demos; give --tls-cert and --tls-key to listen on {}",
                        address->host));

    auto store = sync::ServerStore::open(o.data, clock);
    if (!store) return report(store.error());
    auto token = adminToken(o.data);
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
    fmt::print(stderr, "chasqui-server: protocol {} over {} on {}:{}, data in {}\n", sync::kProtocolVersion,
               tls ? "HTTPS" : "plain HTTP (loopback only)", shown, port, o.data);

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

sync::SyncResult<std::unique_ptr<sync::ServerStore>> openStore(const std::string& dir, const storage::Clock& clock) {
    return sync::ServerStore::open(dir, clock);
}

// The published form of a catalog: the JSON catalog format with every
// service validated, whatever format it was imported from; keys sorted, so
// the same catalog always gives the same bytes.
json catalogDocument(const storage::ImportedCatalog& catalog) {
    json services = json::array();
    for (const auto& s : catalog.services) {
        json service = {{"id", s.id},
                        {"organization", s.organization},
                        {"category", s.category},
                        {"district", s.district},
                        {"district_name", s.districtName},
                        {"last_verified", s.lastVerified}};
        const auto optional = [](json& object, const char* key, const std::string& value) {
            if (!value.empty()) object[key] = value;
        };
        optional(service, "address", s.address);
        optional(service, "phone", s.phone);
        optional(service, "whatsapp", s.whatsapp);
        optional(service, "email", s.email);
        if (!s.languagesSpoken.empty()) service["languages_spoken"] = s.languagesSpoken;
        if (!s.populations.empty()) service["populations"] = s.populations;
        json texts = json::object();
        for (const auto& [lang, t] : s.texts) {
            json text = {{"name", t.name}};
            optional(text, "description", t.description);
            optional(text, "requirements", t.requirements);
            optional(text, "hours", t.hours);
            optional(text, "cost", t.cost);
            texts[lang] = std::move(text);
        }
        service["texts"] = std::move(texts);
        services.push_back(std::move(service));
    }
    return {{"format", "chasqui-catalog"}, {"format_version", 1}, {"version", catalog.version}, {"services", services}};
}

struct CommandOptions {
    std::string data;
    std::string office;
    std::string device;
    std::string file;
};

void addCommands(CLI::App& app, CommandOptions& o, const storage::Clock& clock, int& exitCode) {
    CLI::App* code = app.add_subcommand("enroll-code", "Print a one-time enrollment code for a kiosk of an office");
    code->add_option("--data", o.data, "Server data directory")->required();
    code->add_option("--office", o.office, "Office code, for example TUM")->required();
    code->callback([&] {
        auto store = openStore(o.data, clock);
        auto issued = store ? (*store)->issueEnrollCode(o.office) : std::unexpected(store.error());
        if (!issued) {
            exitCode = report(issued.error());
            return;
        }
        fmt::print("{}\n", *issued);
    });

    CLI::App* token = app.add_subcommand("admin-token", "Print the admin API token (made on first use)");
    token->add_option("--data", o.data, "Server data directory")->required();
    token->callback([&] {
        auto t = adminToken(o.data);
        if (!t) {
            exitCode = report(t.error());
            return;
        }
        fmt::print("{}\n", *t);
    });

    CLI::App* catalog = app.add_subcommand("catalog", "Service catalog published to the kiosks");
    catalog->require_subcommand(1);
    CLI::App* import = catalog->add_subcommand("import", "Validate a catalog file (JSON or CSV) and publish it");
    import->add_option("FILE", o.file, "Catalog file (.json or .csv)")->required();
    import->add_option("--data", o.data, "Server data directory")->required();
    import->callback([&] {
        auto imported = storage::loadCatalogFile(o.file);
        if (!imported) {
            fmt::print(stderr, "chasqui-server: {}\n", imported.error().message);
            exitCode = imported.error().code == storage::ErrorCode::InvalidInput ? kInvalidInput : kFailure;
            return;
        }
        auto store = openStore(o.data, clock);
        auto published = store ? (*store)->publishCatalog(imported->version, catalogDocument(*imported).dump())
                               : std::unexpected(store.error());
        if (!published) {
            exitCode = report(published.error());
            return;
        }
        fmt::print("Published {} services (catalog version {})\n", imported->services.size(), imported->version);
    });

    CLI::App* devices = app.add_subcommand("devices", "List enrolled devices");
    devices->add_option("--data", o.data, "Server data directory")->required();
    devices->callback([&] {
        auto store = openStore(o.data, clock);
        auto list = store ? (*store)->devices() : std::unexpected(store.error());
        if (!list) {
            exitCode = report(list.error());
            return;
        }
        bool anyUnsigned = false;
        for (const auto& d : *list) {
            const bool unsignedDevice = !d.revoked && d.signingKey.empty();
            anyUnsigned = anyUnsigned || unsignedDevice;
            fmt::print("{}  {}-{:<3} {:<8} enrolled {}  last seen {}\n", d.id, d.office, d.number,
                       d.revoked ? "revoked" : (unsignedDevice ? "unsigned" : "active"),
                       storage::isoDateTime(d.enrolledAt),
                       d.lastSeenAt > 0 ? storage::isoDateTime(d.lastSeenAt) : std::string("never"));
        }
        if (list->empty()) fmt::print("No devices enrolled\n");
        if (anyUnsigned)
            fmt::print(
                "Devices marked unsigned were enrolled before pushes were signed: their pushes are refused until "
                "they enroll again with a new code (they keep their number).\n");
    });

    CLI::App* revoke = app.add_subcommand("revoke", "Revoke a device: its pushes and pulls are refused at once");
    revoke->add_option("--data", o.data, "Server data directory")->required();
    revoke->add_option("--device", o.device, "Device id (see `devices`)")->required();
    revoke->callback([&] {
        auto store = openStore(o.data, clock);
        auto revoked = store ? (*store)->revoke(o.device) : std::unexpected(store.error());
        if (!revoked) {
            exitCode = report(revoked.error());
            return;
        }
        fmt::print("Revoked device {}\n", o.device);
    });
}  // namespace

}  // namespace

int main(int argc, char** argv) {
    storage::ensureSodium();
    storage::SystemClock clock;
    CLI::App app{
        "chasqui-server: the central Chasqui sync server.\n"
        "Serve with --data DIR --listen HOST:PORT, or run one of the commands."};
    ServeOptions serveOptions;
    app.add_option("--data", serveOptions.data, "Server data directory (created on first use)");
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
    CommandOptions commandOptions;
    int exitCode = kOk;
    addCommands(app, commandOptions, clock, exitCode);
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
