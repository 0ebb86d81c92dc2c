#pragma once
// Each file cmd_*.cpp registers one command (with its subcommands) on the
// CLI11 app. The handler runs after parsing and stores its exit code.
#include <CLI/CLI.hpp>

#include "cli/cli_support.hpp"
#include "storage/base/trusted_clock.hpp"

namespace chasqui::cli {

struct CommandContext {
    // Learns the server's time kept in the data directory (at signIn).
    const storage::TrustedClock& clock;
    int exitCode = kOk;
};

void addInitCommand(CLI::App& app, CommandContext& ctx);
void addStaffCommand(CLI::App& app, CommandContext& ctx);
void addCatalogCommand(CLI::App& app, CommandContext& ctx);
void addDemoCommand(CLI::App& app, CommandContext& ctx);
void addReportCommand(CLI::App& app, CommandContext& ctx);
void addDuplicatesCommand(CLI::App& app, CommandContext& ctx);
void addVerifyCommand(CLI::App& app, CommandContext& ctx);
void addStatusCommand(CLI::App& app, CommandContext& ctx);
void addSearchCommand(CLI::App& app, CommandContext& ctx);
void addSyncCommands(CLI::App& app, CommandContext& ctx);   // enroll, sync
void addImportCommand(CLI::App& app, CommandContext& ctx);  // import persons

// Adds --data, --user and --pin-file to a command that needs a signed-in staff member.
void addCredentialOptions(CLI::App& command, Credentials& credentials);

}  // namespace chasqui::cli
