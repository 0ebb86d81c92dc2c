#include <fmt/core.h>

#include <array>
#include <utility>

#include "cli/commands.hpp"
#include "storage/catalog/catalog_store.hpp"
#include "storage/keys/keyring.hpp"
#include "storage/search/search_index.hpp"
#include "sync/client/pending_changes.hpp"

namespace chasqui::cli {

namespace {

void printCatalog(const storage::DataDir& dir) {
    auto catalog = storage::CatalogStore::open(dir);
    if (!catalog) return;
    auto info = catalog->info();
    if (!info) return;
    fmt::print("Service catalog: {} services, version {}\n", info->count,
               info->version.empty() ? "(none)" : info->version);
    for (const auto& [category, count] : info->perCategory) fmt::print("  {:<16} {}\n", category, count);
}

}  // namespace

void addStatusCommand(CLI::App& app, CommandContext& ctx) {
    auto credentials = std::make_shared<Credentials>();
    CLI::App* cmd = app.add_subcommand("status", "Show what a data directory holds (counts only, no personal data)");
    cmd->add_option("--data", credentials->data, "Kiosk data directory")->required();
    cmd->add_option("--user", credentials->user, "Staff login (default: the administrator made by init)");
    cmd->add_option("--pin-file", credentials->pinFile, "PIN file; without it only public information is shown");
    cmd->callback([credentials, &ctx] {
        const storage::DataDir dir(credentials->data);
        auto keyring = storage::loadKeyring(dir.keyring());
        if (!keyring) {
            ctx.exitCode = report(keyring.error());
            return;
        }
        fmt::print("Data directory: {}\n", dir.root.string());
        fmt::print("Office {} - device {} ({})\n", keyring->officeCode, keyring->deviceNumber, keyring->deviceId);
        fmt::print("Staff accounts with a PIN on this kiosk: {}\n", keyring->credentials.size());
        printCatalog(dir);
        if (credentials->pinFile.empty()) return;
        auto store = signIn(*credentials, ctx.clock);
        if (!store) {
            ctx.exitCode = report(store.error());
            return;
        }
        storage::Db& db = (*store)->db();
        constexpr std::array<std::pair<const char*, const char*>, 9> kCounts{{
            {"Persons", "SELECT count(*) FROM persons WHERE deleted = 0"},
            {"Households", "SELECT count(*) FROM households WHERE deleted = 0"},
            {"Cases", "SELECT count(*) FROM cases WHERE deleted = 0"},
            {"Open cases", "SELECT count(*) FROM cases WHERE deleted = 0 AND status = 'open'"},
            {"Assistance entries", "SELECT count(*) FROM assistance WHERE deleted = 0"},
            {"Referrals", "SELECT count(*) FROM referrals WHERE deleted = 0"},
            {"Notes", "SELECT count(*) FROM notes WHERE deleted = 0"},
            {"Changes waiting to sync", nullptr},  // sync::pendingChanges: the one definition
            {"Audit entries", "SELECT count(*) FROM audit"},
        }};
        fmt::print("Signed in as {} ({})\n", (*store)->session().login, (*store)->session().role);
        for (const auto& [label, sql] : kCounts) {
            auto n = sql != nullptr ? db.scalarInt(sql) : sync::pendingChanges(**store);
            if (!n) {
                ctx.exitCode = report(n.error());
                return;
            }
            fmt::print("  {:<26} {}\n", label, *n);
        }
    });
}

void addSearchCommand(CLI::App& app, CommandContext& ctx) {
    struct Options {
        Credentials credentials;
        std::string query;
        std::size_t limit = 10;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("search", "Find persons by name, document, phone or case code");
    addCredentialOptions(*cmd, opts->credentials);
    cmd->add_option("QUERY", opts->query, "What to look for")->required();
    cmd->add_option("--limit", opts->limit, "How many results (default 10)");
    cmd->callback([opts, &ctx] {
        auto store = signIn(opts->credentials, ctx.clock);
        if (!store) {
            ctx.exitCode = report(store.error());
            return;
        }
        auto found = storage::searchPersons((*store)->db(), opts->query, opts->limit);
        if (!found) {
            ctx.exitCode = report(found.error());
            return;
        }
        if (auto r = (*store)->writeVoid([](storage::RecordWriter& w) { return w.audit("search", "person", ""); });
            !r) {
            ctx.exitCode = report(r.error());
            return;
        }
        for (const auto& m : *found) {
            fmt::print("{}  {} {} {}  {}  {} {}\n", m.caseCode, m.givenNames, m.familyName1, m.familyName2, m.birthDate,
                       m.docType, m.docNumber);
        }
        fmt::print(stderr, "{} found\n", found->size());
    });
}

}  // namespace chasqui::cli
