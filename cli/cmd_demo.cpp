#include <fmt/core.h>

#include "cli/commands.hpp"
#include "storage/base/secret.hpp"
#include "storage/catalog/catalog_import.hpp"
#include "storage/catalog/catalog_store.hpp"
#include "storage/demo/demo_population.hpp"

#ifndef CHASQUI_ASSETS_DIR
#error "CHASQUI_ASSETS_DIR must point at the assets folder"
#endif

namespace chasqui::cli {

storage::Result<storage::CatalogInfo> importCatalog(storage::PersonalStore& store, const std::string& file);

void addDemoCommand(CLI::App& app, CommandContext& ctx) {
    struct Options {
        std::string data, pinFile, office = "TUM",
                                   catalog = std::string(CHASQUI_ASSETS_DIR) + "/catalog/demo_catalog.json";
        int persons = 200;
        std::uint64_t seed = 20250615;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand(
        "demo",
        "Fill a data directory with DEMO people, cases, assistance and referrals plus the demo catalog "
        "(creates the directory with a 'demo.admin' administrator if it does not exist)");
    cmd->add_option("--data", opts->data, "Kiosk data directory")->required();
    cmd->add_option("--pin-file", opts->pinFile, "File with the demo administrator's PIN (8+ digits)")->required();
    cmd->add_option("--persons", opts->persons, "How many people to generate (default 200)")
        ->check(CLI::Range(0, 2000000));
    cmd->add_option("--office", opts->office, "Office code for a new directory (default TUM)");
    cmd->add_option("--seed", opts->seed, "Random seed (same seed, same people)");
    cmd->add_option("--catalog", opts->catalog, "Catalog file to import (default: the demo catalog)");
    cmd->callback([opts, &ctx] {
        const storage::DataDir dir(opts->data);
        if (!dir.initialized()) {
            auto pin = storage::readPinFile(opts->pinFile);
            if (!pin) {
                ctx.exitCode = report(pin.error());
                return;
            }
            storage::InitOptions init;
            init.officeCode = opts->office;
            init.adminName = "Demo Admin";
            init.adminLogin = "demo.admin";
            init.adminPin = *pin;
            storage::wipeString(*pin);
            auto created = storage::PersonalStore::create(dir, init, ctx.clock);
            storage::wipeString(init.adminPin);
            if (!created) {
                ctx.exitCode = report(created.error());
                return;
            }
            fmt::print("Created {} (office {}, administrator login demo.admin)\n", opts->data, opts->office);
        }
        auto store = signIn(Credentials{opts->data, "", opts->pinFile}, ctx.clock);
        if (!store) {
            ctx.exitCode = report(store.error());
            return;
        }
        auto info = importCatalog(**store, opts->catalog);
        if (!info) {
            ctx.exitCode = report(info.error());
            return;
        }
        fmt::print("Imported {} demo services\n", info->count);
        storage::demo::DemoOptions demo;
        demo.persons = opts->persons;
        demo.seed = opts->seed;
        demo.progress = [](int done, int total) {
            if (total >= 2000) fmt::print(stderr, "\r  {}/{} persons", done, total);
        };
        auto counts = storage::demo::generateDemoPopulation(**store, demo);
        if (opts->persons >= 2000) fmt::print(stderr, "\n");
        if (!counts) {
            ctx.exitCode = report(counts.error());
            return;
        }
        fmt::print(
            "Added DEMO data: {} persons, {} households, {} cases, {} assistance entries, {} referrals, {} notes\n",
            counts->persons, counts->households, counts->cases, counts->assistance, counts->referrals, counts->notes);
    });
}

}  // namespace chasqui::cli
