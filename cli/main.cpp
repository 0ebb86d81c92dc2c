// chasqui: the administration command line. Non-interactive: every secret
// comes from a file, every command takes --data DIR, exit codes distinguish
// usage errors (2), credentials (3), damaged data (4) and invalid input (5).
#include <CLI/CLI.hpp>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "storage/secret.hpp"

int main(int argc, char** argv) {
    using namespace chasqui::cli;
    chasqui::storage::ensureSodium();
    chasqui::storage::SystemClock clock;
    CommandContext ctx{clock};
    CLI::App app{"chasqui: administer a Chasqui kiosk data directory"};
    app.require_subcommand(1);
    addInitCommand(app, ctx);
    addStaffCommand(app, ctx);
    addCatalogCommand(app, ctx);
    addDemoCommand(app, ctx);
    addReportCommand(app, ctx);
    addVerifyCommand(app, ctx);
    addStatusCommand(app, ctx);
    addSearchCommand(app, ctx);
    addSyncCommands(app, ctx);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        fmt::print(stderr, "Run `chasqui --help` or `chasqui COMMAND --help` to see the options.\n");
        return kUsage;
    }
    return ctx.exitCode;
}
