// chasqui: the administration command line. Non-interactive: every secret
// comes from a file, every command takes --data DIR, exit codes distinguish
// usage errors (2), credentials (3), damaged data (4), invalid input (5) and
// a wrong or missing device secret (6); see exitCodeHelp().
#include <CLI/CLI.hpp>

#include <exception>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "storage/base/secret.hpp"

int main(int argc, char** argv) {
    using namespace chasqui::cli;
    chasqui::storage::ensureSodium();
    const chasqui::storage::SystemClock wall;
    const chasqui::storage::SystemBootClock boot;
    const chasqui::storage::TrustedClock clock(wall, boot);
    CommandContext ctx{clock};
    CLI::App app{"chasqui: administer a Chasqui kiosk data directory"};
    app.require_subcommand(1);
    app.footer(exitCodeHelp());
    addInitCommand(app, ctx);
    addStaffCommand(app, ctx);
    addCatalogCommand(app, ctx);
    addDemoCommand(app, ctx);
    addReportCommand(app, ctx);
    addDuplicatesCommand(app, ctx);
    addVerifyCommand(app, ctx);
    addStatusCommand(app, ctx);
    addSearchCommand(app, ctx);
    addSyncCommands(app, ctx);
    addImportCommand(app, ctx);
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
    } catch (const std::exception& e) {
        // A command's callback runs inside parse(): nothing of it may end the
        // process with std::terminate (no message, a core dump, exit 134).
        fmt::print(stderr,
                   "chasqui: the command stopped on an unexpected error ({}); nothing more was done. "
                   "Please report this problem.\n",
                   e.what());
        return kFailure;
    } catch (...) {
        fmt::print(stderr,
                   "chasqui: the command stopped on an unexpected error; nothing more was done. "
                   "Please report this problem.\n");
        return kFailure;
    }
    return ctx.exitCode;
}
