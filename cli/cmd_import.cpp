// `chasqui import persons FILE`: an existing registry (CSV, or a Kobo/ODK
// export) into the kiosk store. The parsing, mapping, validation and writing
// are storage's (storage/import/person_import.hpp); this file reads the
// options and prints. Bad rows are printed by line and column, never by value.
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "storage/import/person_import.hpp"

namespace chasqui::cli {

namespace {

void printSummary(const storage::ImportSummary& s, bool dryRun) {
    if (dryRun) fmt::print("Dry run: nothing was written.\n");
    fmt::print("Rows in the file:   {}\n", s.rows);
    fmt::print("New persons:        {}{}\n", s.added, dryRun ? " (would be imported)" : " (imported)");
    fmt::print("Already imported:   {}\n", s.alreadyImported);
    fmt::print("Invalid rows:       {}{}\n", s.invalid, s.invalid > 0 ? " (not imported; listed on stderr)" : "");
    fmt::print("Households started: {}\n", s.households);
    if (!s.ignoredColumns.empty()) {
        std::string names;
        for (const auto& name : s.ignoredColumns) names += (names.empty() ? "" : ", ") + name;
        fmt::print("Columns not imported (unknown names): {}\n", names);
    }
}

}  // namespace

void addImportCommand(CLI::App& app, CommandContext& ctx) {
    struct Options {
        Credentials credentials;
        std::string file;
        bool dryRun = false;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("import", "Import an existing registry into the kiosk store");
    cmd->require_subcommand(1);
    CLI::App* persons = cmd->add_subcommand(
        "persons",
        "Import persons with their household and case from a CSV file (UTF-8, ',' or ';', with a header; a "
        "Kobo/ODK export works). Rows already imported (same source_id) are skipped; bad rows are listed by line "
        "and column and not imported; the good ones are. See the README, \"Importing an existing registry\".");
    persons->add_option("FILE", opts->file, "CSV file to import")->required();
    addCredentialOptions(*persons, opts->credentials);
    persons->add_flag("--dry-run", opts->dryRun, "Check the file and print what would be imported; write nothing");
    persons->callback([opts, &ctx] {
        auto store = signIn(opts->credentials, ctx.clock);
        if (!store) {
            ctx.exitCode = report(store.error());
            return;
        }
        storage::ImportOptions options;
        options.dryRun = opts->dryRun;
        options.progress = [](long done, long total) { fmt::print(stderr, "{}/{} rows\n", done, total); };
        auto summary = storage::importPersons(**store, opts->file, options);
        if (!summary) {
            ctx.exitCode = report(summary.error());
            return;
        }
        for (const auto& p : summary->problems)
            fmt::print(stderr, "chasqui: line {}: {}: {}\n", p.line, p.column, p.message);
        if (summary->invalid > static_cast<long>(summary->problems.size()))
            fmt::print(stderr, "chasqui: ... and {} more invalid rows\n",
                       summary->invalid - static_cast<long>(summary->problems.size()));
        printSummary(*summary, opts->dryRun);
        if (summary->invalid > 0) ctx.exitCode = kInvalidInput;
    });
}

}  // namespace chasqui::cli
