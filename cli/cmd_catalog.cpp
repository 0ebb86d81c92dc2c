#include <fmt/core.h>

#include "cli/commands.hpp"
#include "storage/catalog/catalog_import.hpp"
#include "storage/catalog/catalog_store.hpp"

namespace chasqui::cli {

// Importing replaces what migrants see at the kiosk, so it needs a signed-in
// supervisor or administrator and is audited; reading the catalog needs nothing.
storage::Result<storage::CatalogInfo> importCatalog(storage::PersonalStore& store, const std::string& file) {
    if (!store.session().isSupervisor())
        return storage::fail(storage::ErrorCode::PermissionDenied,
                             "only a supervisor or administrator may import the service catalog");
    auto catalog = storage::CatalogStore::open(store.dataDir(), store.clock());
    if (!catalog) return std::unexpected(catalog.error());
    auto info = storage::importCatalogFile(*catalog, file);
    if (!info) return std::unexpected(info.error());
    if (auto r = store.writeVoid(
            [&](storage::RecordWriter& w) { return w.audit("catalog_import", "catalog", info->version); });
        !r)
        return std::unexpected(r.error());
    return info;
}

void addCatalogCommand(CLI::App& app, CommandContext& ctx) {
    struct Options {
        Credentials credentials;
        std::string file;
        std::string data;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* catalog = app.add_subcommand("catalog", "Service catalog (public information, not personal data)");
    catalog->require_subcommand(1);
    CLI::App* import = catalog->add_subcommand("import", "Validate a catalog file (JSON or CSV) and publish it here");
    import->add_option("FILE", opts->file, "Catalog file (.json or .csv)")->required();
    addCredentialOptions(*import, opts->credentials);
    import->callback([opts, &ctx] {
        auto store = signIn(opts->credentials, ctx.clock);
        if (!store) {
            ctx.exitCode = report(store.error());
            return;
        }
        auto info = importCatalog(**store, opts->file);
        if (!info) {
            ctx.exitCode = report(info.error());
            return;
        }
        fmt::print("Imported {} services (catalog version {})\n", info->count, info->version);
    });
    CLI::App* show = catalog->add_subcommand("show", "Show what the catalog holds (no sign-in needed)");
    show->add_option("--data", opts->data, "Kiosk data directory")->required();
    show->callback([opts, &ctx] {
        auto store = storage::CatalogStore::open(storage::DataDir(opts->data));
        if (!store) {
            ctx.exitCode = report(store.error());
            return;
        }
        auto info = store->info();
        if (!info) {
            ctx.exitCode = report(info.error());
            return;
        }
        fmt::print("Catalog version {}: {} services\n", info->version.empty() ? "(none)" : info->version, info->count);
        for (const auto& [category, count] : info->perCategory) fmt::print("  {:<16} {}\n", category, count);
    });
}

}  // namespace chasqui::cli
