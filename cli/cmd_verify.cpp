#include <fmt/core.h>

#include "cli/commands.hpp"
#include "storage/records/audit_log.hpp"
#include "storage/records/integrity.hpp"

namespace chasqui::cli {

void addVerifyCommand(CLI::App& app, CommandContext& ctx) {
    auto credentials = std::make_shared<Credentials>();
    CLI::App* cmd = app.add_subcommand("verify", "Check the database's integrity and the audit chain");
    addCredentialOptions(*cmd, *credentials);
    cmd->callback([credentials, &ctx] {
        auto store = signIn(*credentials, ctx.clock);
        if (!store) {
            ctx.exitCode = report(store.error());
            return;
        }
        auto result = storage::checkIntegrity(**store);
        if (!result) {
            ctx.exitCode = report(result.error());
            return;
        }
        fmt::print("Page MACs:      {}\n",
                   result->pagesAuthentic ? "ok" : fmt::format("{} pages FAIL", result->cipherMessages.size()));
        for (const auto& line : result->cipherMessages) fmt::print("  {}\n", line);
        if (result->pagesAuthentic) {
            fmt::print("Database pages: {}\n", result->databaseOk ? "ok" : "DAMAGED");
            fmt::print("Audit entries:  {} ({})\n", result->auditEntries,
                       result->auditProblems.empty() ? "chain intact" : "CHAIN BROKEN");
            for (const auto& p : result->auditProblems) fmt::print("  entry {}: {}\n", p.seq, p.what);
            fmt::print("Records without their change record: {}\n", result->recordsWithoutChange);
            for (const auto& line : result->databaseMessages) fmt::print("  {}\n", line);
        }
        if (!result->ok()) {
            fmt::print(stderr,
                       "chasqui: the data directory is damaged or was tampered with. Do not sync it; "
                       "keep a copy for investigation and restore from a backup.\n");
            ctx.exitCode = kDamaged;
        }
    });
}

}  // namespace chasqui::cli
