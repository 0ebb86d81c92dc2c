#include <chrono>
#include <memory>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "storage/catalog/catalog_store.hpp"
#include "sync/client/catalog_pull.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/client/device_link.hpp"
#include "sync/client/enrollment_client.hpp"
#include "sync/client/http_server_channel.hpp"
#include "sync/client/kiosk_sync.hpp"
#include "sync/client/spool.hpp"

namespace chasqui::cli {

namespace {
// Staff must know when the kiosk's own clock is wrong: dates follow the server's time, but the clock should be fixed.
void printClockWarning(const storage::ClockCheck& check) {
    using State = storage::ClockCheck::State;
    if (check.state != State::Ahead && check.state != State::Behind) return;
    const std::int64_t minutes = std::llabs(check.offsetMs) / 60000;
    fmt::print(
        "Warning: this machine's clock is {} days {} h {} min {} the server's. Dates use the server's time; "
        "set the clock right.\n",
        minutes / 1440, minutes / 60 % 24, minutes % 60, check.state == State::Ahead ? "ahead of" : "behind");
}
}  // namespace

namespace {

int reportSync(const sync::SyncError& error) {
    fmt::print(stderr, "chasqui: {}\n", error.message);
    // A store or file on this machine refused: the same exit code as any
    // other command meeting that failure (damaged, wrong device secret...).
    if (error.store) return exitCodeFor(*error.store);
    switch (error.code) {
        case sync::SyncErrorCode::Unauthorized:
        case sync::SyncErrorCode::Revoked:
        case sync::SyncErrorCode::PermissionDenied:
            return kCredentials;
        case sync::SyncErrorCode::WrongOffice:
            return kInvalidInput;
        default:
            return kFailure;
    }
}

// The service catalog after the data: it is public and needs no key, but the
// CLI is signed in anyway, so the import is stamped with the store's clock.
// A refused catalog is reported without undoing the data sync.
int pullServiceCatalog(storage::PersonalStore& store, sync::CatalogChannel& channel) {
    auto catalog = storage::CatalogStore::open(store.dataDir(), store.clock());
    if (!catalog) return report(catalog.error());
    auto pulled = sync::pullCatalog(*catalog, channel);
    if (!pulled) return reportSync(pulled.error());
    if (pulled->changed) {
        fmt::print("Catalog: version {} ({} services)\n", pulled->version, pulled->count);
    } else if (pulled->version.empty()) {
        fmt::print("Catalog: the server has not published one yet\n");
    } else {
        fmt::print("Catalog: up to date\n");
    }
    return kOk;
}

// The server revoked this device (403 `revoked`): erase the personal data, but
// first seal every change the server never got into the outbox, which
// wipeRevokedDevice keeps in DIR/revoked-outbox/ for an administrator. When
// the changes cannot be sealed, nothing is erased.
int wipeRevoked(std::unique_ptr<storage::PersonalStore> store, const storage::DataDir& dir) {
    if (auto sealed = sync::spoolOutbox(*store); !sealed) {
        fmt::print(stderr,
                   "chasqui: this device was revoked by the server, but its unsent changes could not be sealed for "
                   "the administrator ({}), so nothing was erased. Tell an administrator.\n",
                   sealed.error().message);
        return kCredentials;
    }
    store.reset();  // closes the database before its files go
    auto wiped = sync::wipeRevokedDevice(dir);
    if (!wiped) {
        fmt::print(stderr, "chasqui: this device was revoked by the server, but it could not be erased: {}\n",
                   wiped.error().message);
        return kCredentials;
    }
    fmt::print(stderr,
               "chasqui: this device was revoked by the server. Its personal data and sync queue were erased.\n");
    if (wiped->keptBatches > 0)
        fmt::print(stderr,
                   "chasqui: {} changes it never sent are kept, sealed to the server's key (unreadable here), in {}; "
                   "an administrator can bring them into the server with `chasqui-server recover-outbox`.\n",
                   wiped->keptChanges, sync::revokedOutboxPath(dir).string());
    return kCredentials;
}

}  // namespace

void addSyncCommands(CLI::App& app, CommandContext& ctx) {
    struct Options {
        Credentials credentials;
        std::string server, code, pin;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* enroll = app.add_subcommand("enroll", "Enroll this kiosk with a server using a one-time code");
    addCredentialOptions(*enroll, opts->credentials);
    enroll->add_option("--server", opts->server, "Server URL, https://... (http:// only to 127.0.0.1)")->required();
    enroll->add_option("--code", opts->code, "One-time enrollment code from the server administrator")->required();
    enroll->add_option("--pin-public-key", opts->pin, "Pin the server's TLS public key (sha256//BASE64)");
    enroll->callback([opts, &ctx] {
        auto store = signIn(opts->credentials, ctx.clock);
        if (!store) {
            ctx.exitCode = report(store.error());
            return;
        }
        auto enrolled = sync::enrollDevice(**store, opts->server, opts->code, opts->pin);
        if (!enrolled) {
            ctx.exitCode = reportSync(enrolled.error());
            return;
        }
        fmt::print("Enrolled as device {} of office {}\n", enrolled->deviceNumber, enrolled->office);
    });

    CLI::App* syncCmd = app.add_subcommand("sync", "Send this kiosk's changes to the server and receive the office's");
    addCredentialOptions(*syncCmd, opts->credentials);
    syncCmd->add_option("--server", opts->server, "Server URL (default: the one used at enrollment)");
    syncCmd->add_option("--pin-public-key", opts->pin, "Pin the server's TLS public key (sha256//BASE64)");
    syncCmd->callback([opts, &ctx] {
        const storage::DataDir dir(opts->credentials.data);
        auto link = sync::loadDeviceLink(dir);
        if (!link) {
            ctx.exitCode = report(link.error());
            return;
        }
        auto store = signIn(opts->credentials, ctx.clock);
        if (!store) {
            ctx.exitCode = report(store.error());
            return;
        }
        sync::CurlOptions curl{.caFile = {}, .pinnedPublicKey = opts->pin};
        // A server that keeps sending cannot hold the command for longer than a sync run may last.
        curl.deadline = std::chrono::steady_clock::now() + sync::SpoolLimits{}.maxRunTime;
        sync::CurlTransport transport(curl);
        sync::HttpServerChannel channel(transport, opts->server.empty() ? link->serverUrl : opts->server,
                                        link->deviceToken);
        auto pending = sync::pendingChanges(**store);
        fmt::print("Sending {} changes to {}...\n", pending ? *pending : 0,
                   opts->server.empty() ? link->serverUrl : opts->server);
        auto summary = sync::syncNow(**store, channel);
        if (!summary) {
            if (summary.error().code == sync::SyncErrorCode::Revoked) {
                ctx.exitCode = wipeRevoked(std::move(*store), dir);
                return;
            }
            ctx.exitCode = reportSync(summary.error());
            return;
        }
        fmt::print("Sent {} ({} already there, {} refused), received {} ({} applied). {} bytes up, {} bytes down.\n",
                   summary->pushed, summary->duplicates, summary->quarantined, summary->pulled, summary->applied,
                   channel.bytesSent(), channel.bytesReceived());
        for (const auto& p : summary->problems) fmt::print("  refused {}: {} ({})\n", p.id, p.code, p.message);
        if (summary->restamped > 0)
            fmt::print("{} changes stamped while this kiosk's clock ran ahead were stamped again and sent.\n",
                       summary->restamped);
        printClockWarning(ctx.clock.check());
        if (summary->quarantined > 0) ctx.exitCode = kInvalidInput;
        if (const int rc = pullServiceCatalog(**store, channel); rc != kOk) ctx.exitCode = rc;
    });
}

}  // namespace chasqui::cli
