// chasqui-server's commands on its state: enroll-code, admin-token, catalog
// import, devices, revoke, status, migrate, backup and restore. Each takes
// --data DIR and, for a PostgreSQL store, --database URL.
#include "sync/server/app/server_commands.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "storage/base/clock.hpp"
#include "storage/catalog/catalog_import.hpp"
#include "sync/server/app/server_cli.hpp"
#include "sync/server/core/status_json.hpp"
#include "sync/server/repository/server_repository.hpp"

namespace chasqui::sync {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CommandOptions {
    ServerLocation where;
    std::string office;
    std::string device;
    std::string file;
    bool json = false;
};

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

// Runs `body` on the opened server; its error (or the opening's) becomes the exit code.
template <typename Body>
void withServer(const CommandOptions& o, const storage::Clock& clock, int& exitCode, Body&& body) {
    auto server = ServerCore::open(o.where, clock);
    if (!server) {
        exitCode = reportServerError(server.error());
        return;
    }
    if (auto r = body(**server); !r) exitCode = reportServerError(r.error());
}

void printStatus(const ServerStatus& s) {
    const auto& c = s.counts;
    fmt::print("Backend:      {} (schema {} of {})\n", s.backend, s.schema.current, s.schema.latest);
    fmt::print("Database:     {:.1f} MiB\n", static_cast<double>(c.databaseBytes) / (1024.0 * 1024.0));
    fmt::print("Devices:      {} ({} revoked)\n", c.devices, c.revokedDevices);
    fmt::print("Changes:      {} ({} conflicts)\n", c.changes, c.conflicts);
    fmt::print("Quarantined:  {}{}\n", c.quarantined,
               c.quarantined > 0 ? " (changes refused; see the log of each device)" : "");
    fmt::print("Catalog:      {}\n", c.catalogVersion.empty() ? std::string("none published") : c.catalogVersion);
    if (!c.offices.empty()) {
        fmt::print("\n{:<8}{:>9}{:>10}{:>10}{:>9}{:>13}\n", "office", "devices", "changes", "persons", "cases",
                   "quarantined");
        for (const auto& o : c.offices)
            fmt::print("{:<8}{:>9}{:>10}{:>10}{:>9}{:>13}\n", o.office, o.devices, o.changes, o.persons, o.cases,
                       o.quarantined);
    }
    if (!s.devices.empty()) {
        fmt::print("\n{:<38}{:<8}{:<10}{}\n", "device", "number", "state", "last seen");
        for (const auto& d : s.devices)
            fmt::print("{:<38}{:<8}{:<10}{}\n", d.id, fmt::format("{}-{}", d.office, d.number),
                       d.revoked ? "revoked" : (d.signingKey.empty() ? "unsigned" : "active"),
                       d.lastSeenAt > 0 ? storage::isoDateTime(d.lastSeenAt) : std::string("never"));
    }
}

}  // namespace

void addServerCommands(CLI::App& app, const storage::Clock& clock, int& exitCode) {
    static CommandOptions o;  // CLI11 keeps pointers into it until parsing ends

    CLI::App* code = app.add_subcommand("enroll-code", "Print a one-time enrollment code for a kiosk of an office");
    addLocationOptions(*code, o.where);
    code->add_option("--office", o.office, "Office code, for example TUM")->required();
    code->callback([&] {
        withServer(o, clock, exitCode, [&](ServerCore& server) -> SyncResult<void> {
            auto issued = server.issueEnrollCode(o.office);
            if (!issued) return std::unexpected(issued.error());
            fmt::print("{}\n", *issued);
            return {};
        });
    });

    CLI::App* token = app.add_subcommand("admin-token", "Print the admin API token (made on first use)");
    token->add_option("--data", o.where.dataDir, "Server data directory")->required();
    token->callback([&] {
        auto t = adminToken(o.where.dataDir);
        if (!t) {
            exitCode = reportServerError(t.error());
            return;
        }
        fmt::print("{}\n", *t);
    });

    CLI::App* catalog = app.add_subcommand("catalog", "Service catalog published to the kiosks");
    catalog->require_subcommand(1);
    CLI::App* import = catalog->add_subcommand("import", "Validate a catalog file (JSON or CSV) and publish it");
    import->add_option("FILE", o.file, "Catalog file (.json or .csv)")->required();
    addLocationOptions(*import, o.where);
    import->callback([&] {
        auto imported = storage::loadCatalogFile(o.file);
        if (!imported) {
            fmt::print(stderr, "chasqui-server: {}\n", imported.error().message);
            exitCode = imported.error().code == storage::ErrorCode::InvalidInput ? kExitInvalidInput : kExitFailure;
            return;
        }
        withServer(o, clock, exitCode, [&](ServerCore& server) -> SyncResult<void> {
            if (auto r = server.publishCatalog(imported->version, catalogDocument(*imported).dump()); !r) return r;
            fmt::print("Published {} services (catalog version {})\n", imported->services.size(), imported->version);
            return {};
        });
    });

    CLI::App* devices = app.add_subcommand("devices", "List enrolled devices");
    addLocationOptions(*devices, o.where);
    devices->callback([&] {
        withServer(o, clock, exitCode, [&](ServerCore& server) -> SyncResult<void> {
            auto list = server.devices();
            if (!list) return std::unexpected(list.error());
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
            return {};
        });
    });

    CLI::App* revoke = app.add_subcommand("revoke", "Revoke a device: its pushes and pulls are refused at once");
    addLocationOptions(*revoke, o.where);
    revoke->add_option("--device", o.device, "Device id (see `devices`)")->required();
    revoke->callback([&] {
        withServer(o, clock, exitCode, [&](ServerCore& server) -> SyncResult<void> {
            if (auto r = server.revoke(o.device); !r) return r;
            fmt::print("Revoked device {}\n", o.device);
            return {};
        });
    });

    CLI::App* status = app.add_subcommand(
        "status", "Devices and when each was last seen, quarantined changes, database size, counts per office");
    addLocationOptions(*status, o.where);
    status->add_flag("--json", o.json, "Print the same JSON as GET /v1/admin/status");
    status->callback([&] {
        withServer(o, clock, exitCode, [&](ServerCore& server) -> SyncResult<void> {
            auto s = server.status();
            if (!s) return std::unexpected(s.error());
            if (o.json) {
                fmt::print("{}\n", statusJson(*s).dump(2));
            } else {
                printStatus(*s);
            }
            return {};
        });
    });

    CLI::App* migrate = app.add_subcommand(
        "migrate", "Bring the store's schema up to this version of chasqui-server (serving does it too)");
    addLocationOptions(*migrate, o.where);
    migrate->callback([&] {
        // The store alone, without the core (which would migrate on opening).
        std::error_code ec;
        fs::create_directories(o.where.dataDir, ec);
        storage::SecretBytes storeKey;
        RepositoryConfig config{o.where.dataDir, o.where.databaseUrl, nullptr, nullptr};
        if (o.where.databaseUrl.empty()) {
            auto key = serverSecretFile(o.where.dataDir / "server.db.key");
            if (!key) {
                exitCode = reportServerError(key.error());
                return;
            }
            storeKey = std::move(*key);
            config.storeKey = &storeKey;
        }
        std::optional<FieldCipher> cipher;
        if (!o.where.databaseUrl.empty()) {
            auto opened = FieldCipher::openOrCreate(o.where.dataDir);
            if (!opened) {
                exitCode = reportServerError(opened.error());
                return;
            }
            cipher.emplace(std::move(*opened));
            config.fieldCipher = &*cipher;
        }
        auto repo = openRepository(config);
        auto before = repo ? (*repo)->schema() : std::unexpected(repo.error());
        if (!before) {
            exitCode = reportServerError(before.error());
            return;
        }
        if (auto r = (*repo)->migrate(); !r) {
            exitCode = reportServerError(r.error());
            return;
        }
        if (before->current == before->latest) {
            fmt::print("The {} store is at schema {}, the latest: nothing to do\n", (*repo)->backend(), before->latest);
        } else {
            fmt::print("Migrated the {} store from schema {} to {}\n", (*repo)->backend(), before->current,
                       before->latest);
        }
    });

    CLI::App* backup = app.add_subcommand(
        "backup", "Copy the embedded store while it serves: consistent and encrypted with DATA/server.db.key");
    addLocationOptions(*backup, o.where);
    backup->add_option("--to", o.file, "The backup file to create (never overwritten)")->required();
    backup->callback([&] {
        withServer(o, clock, exitCode, [&](ServerCore& server) -> SyncResult<void> {
            if (auto r = server.backup(o.file); !r) return r;
            fmt::print("Backed up to {}; keep DATA/server.db.key and DATA/server.box apart from it\n", o.file);
            return {};
        });
    });

    CLI::App* restore = app.add_subcommand(
        "restore",
        "After restoring a store (--from FILE for the embedded store; pg_restore for PostgreSQL): start a new "
        "epoch so that every kiosk pulls again from the start");
    addLocationOptions(*restore, o.where);
    restore->add_option("--from", o.file, "A file made by `backup` (embedded store only; the server must be stopped)");
    restore->callback([&] {
        if (!o.file.empty()) {
            if (!o.where.databaseUrl.empty()) {
                exitCode = reportServerError(syncError(SyncErrorCode::BadRequest,
                                                       "--from restores the embedded store; for PostgreSQL use "
                                                       "pg_restore, then run restore with --database alone"));
                return;
            }
            const fs::path target = o.where.dataDir / "server.db";
            std::error_code ec;
            if (!fs::exists(o.file, ec)) {
                exitCode =
                    reportServerError(syncError(SyncErrorCode::BadRequest, fmt::format("{} does not exist", o.file)));
                return;
            }
            // The replaced store is kept beside it, never deleted.
            if (fs::exists(target, ec)) {
                const fs::path kept = target.string() + fmt::format(".before-restore-{}", clock.nowMs());
                fs::rename(target, kept, ec);
                if (!ec) fmt::print("The store it replaces is kept as {}\n", kept.string());
                for (const char* suffix : {"-wal", "-shm"}) fs::remove(target.string() + suffix, ec);
            }
            fs::copy_file(o.file, target, ec);
            if (ec) {
                exitCode = reportServerError(
                    syncError(SyncErrorCode::Internal, fmt::format("cannot copy {}: {}", o.file, ec.message())));
                return;
            }
        }
        withServer(o, clock, exitCode, [&](ServerCore& server) -> SyncResult<void> {
            if (auto r = server.startNewEpoch(); !r) return r;
            auto s = server.status();
            if (!s) return std::unexpected(s.error());
            fmt::print("Restored: {} changes, {} devices; kiosks will pull again from the start\n", s->counts.changes,
                       s->counts.devices);
            return {};
        });
    });
}

}  // namespace chasqui::sync
