#include <fmt/core.h>

#include <fstream>

#include "cli/commands.hpp"
#include "storage/base/data_dir.hpp"
#include "storage/reports/report_5w.hpp"

namespace chasqui::cli {

void addReportCommand(CLI::App& app, CommandContext& ctx) {
    struct Options {
        Credentials credentials;
        std::string month, out;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("report", "Monthly 5W report as CSV (supervisors and administrators)");
    addCredentialOptions(*cmd, opts->credentials);
    cmd->add_option("--month", opts->month, "Month as YYYY-MM")->required();
    cmd->add_option("--out", opts->out, "Write the CSV to this file instead of standard output");
    cmd->callback([opts, &ctx] {
        auto store = signIn(opts->credentials, ctx.clock);
        if (!store) {
            ctx.exitCode = report(store.error());
            return;
        }
        auto built = storage::buildReport5W(**store, opts->month);
        if (!built) {
            ctx.exitCode = report(built.error());
            return;
        }
        const std::string csv = storage::reportToCsv(*built);
        if (opts->out.empty()) {
            fmt::print("{}", csv);
            return;
        }
        // Counts only, no personal data; still written atomically and 0600.
        if (auto r = storage::writeFileAtomically(opts->out, csv); !r) {
            ctx.exitCode = report(r.error());
            return;
        }
        fmt::print(stderr, "Wrote {} rows for {} to {} ({} assistance, {} people reached)\n", built->rows.size(),
                   built->month, opts->out, built->assistanceCount, built->peopleReached);
    });
}

}  // namespace chasqui::cli
