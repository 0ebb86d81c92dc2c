#include <fmt/core.h>

#include "cli/commands.hpp"
#include "storage/catalog_store.hpp"
#include "storage/keyring.hpp"
#include "storage/meta_table.hpp"
#include "sync/catalog_pull.hpp"
#include "sync/curl_transport.hpp"
#include "sync/device_link.hpp"
#include "sync/http_server_channel.hpp"
#include "sync/kiosk_sync.hpp"

namespace chasqui::cli {

namespace {

int reportSync(const sync::SyncError& error) {
    fmt::print(stderr, "chasqui: {}\n", error.message);
    switch (error.code) {
    case sync::SyncErrorCode::Unauthorized:
    case sync::SyncErrorCode::Revoked: return kCredentials;
    default: return kFailure;
    }
}

// Device number assigned by the server: case codes made from now on use it.
storage::Result<void> adoptDeviceNumber(storage::PersonalStore& store, int number) {
    auto saved = store.writeVoid(
        [&](storage::RecordWriter&) { return storage::writeMeta(store.db(), "device_number", std::to_string(number)); });
    if (!saved) return saved;
    auto keyring = storage::loadKeyring(store.dataDir().keyring());
    if (!keyring) return std::unexpected(keyring.error());
    keyring->deviceNumber = number;
    return storage::saveKeyring(store.dataDir().keyring(), *keyring);
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
        if (!(*store)->session().isSupervisor()) {
            ctx.exitCode = report({storage::ErrorCode::PermissionDenied, "only a supervisor or administrator may enroll the kiosk", {}});
            return;
        }
        sync::CurlTransport transport(sync::CurlOptions{.caFile = {}, .pinnedPublicKey = opts->pin});
        sync::HttpServerChannel channel(transport, opts->server);
        auto devicePk = sync::devicePublicKey(**store);
        if (!devicePk) {
            ctx.exitCode = report(devicePk.error());
            return;
        }
        auto answer = channel.enroll(opts->code, (*store)->session().deviceId, *devicePk, (*store)->session().officeCode);
        if (!answer) {
            ctx.exitCode = reportSync(answer.error());
            return;
        }
        if (answer->office != (*store)->session().officeCode) {
            ctx.exitCode = report({storage::ErrorCode::InvalidInput,
                                   fmt::format("the code is for office {}, but this kiosk belongs to {}; ask for a code "
                                               "for the right office",
                                               answer->office, (*store)->session().officeCode),
                                   {}});
            return;
        }
        for (auto r : {sync::setServerPublicKey(**store, answer->serverPublicKey), adoptDeviceNumber(**store, answer->deviceNumber),
                       sync::saveDeviceLink((*store)->dataDir(), {opts->server, answer->deviceToken, answer->deviceNumber, answer->office})}) {
            if (!r) {
                ctx.exitCode = report(r.error());
                return;
            }
        }
        fmt::print("Enrolled as device {} of office {}\n", answer->deviceNumber, answer->office);
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
        sync::CurlTransport transport(sync::CurlOptions{.caFile = {}, .pinnedPublicKey = opts->pin});
        sync::HttpServerChannel channel(transport, opts->server.empty() ? link->serverUrl : opts->server, link->deviceToken);
        auto pending = sync::pendingChanges(**store);
        fmt::print("Sending {} changes to {}...\n", pending ? *pending : 0, opts->server.empty() ? link->serverUrl : opts->server);
        auto summary = sync::syncNow(**store, channel);
        if (!summary) {
            if (summary.error().code == sync::SyncErrorCode::Revoked) {
                store->reset();
                auto wiped = sync::wipeRevokedDevice(dir);
                fmt::print(stderr, "chasqui: this device was revoked by the server. {}\n",
                           wiped ? "Its personal data and sync queue were erased." : wiped.error().message);
                ctx.exitCode = kCredentials;
                return;
            }
            ctx.exitCode = reportSync(summary.error());
            return;
        }
        fmt::print("Sent {} ({} already there, {} refused), received {} ({} applied). {} bytes up, {} bytes down.\n",
                   summary->pushed, summary->duplicates, summary->quarantined, summary->pulled, summary->applied,
                   channel.bytesSent(), channel.bytesReceived());
        for (const auto& p : summary->problems) fmt::print("  refused {}: {} ({})\n", p.id, p.code, p.message);
        if (summary->quarantined > 0) ctx.exitCode = kInvalidInput;
        if (const int rc = pullServiceCatalog(**store, channel); rc != kOk) ctx.exitCode = rc;
    });
}

}  // namespace chasqui::cli
