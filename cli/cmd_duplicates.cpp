// `chasqui duplicates`: every likely duplicate pair in the store, for a
// supervisor reviewing a registry (storage/search/duplicate_scan.hpp).
// Persons are named by case code (what the kiosk's search finds, and short
// enough to read over the phone) and by the id they had in an imported
// registry (source id), never by name: the output is meant to be reviewed in
// the kiosk, and a terminal or a CSV left on a laptop should not hold names.
#include <fmt/core.h>

#include <string>

#include "cli/commands.hpp"
#include "storage/base/csv.hpp"
#include "storage/search/duplicate_scan.hpp"

namespace chasqui::cli {

namespace {

std::string why(const storage::PairScore& s) {
    std::string out = fmt::format("names {:.2f}", s.nameScore);
    if (s.birthScore >= 1.0)
        out += ", same birth date";
    else if (s.birthScore >= 0.8)
        out += ", close birth date";
    if (s.sameDocument) out += ", same document";
    return out;
}

void printCsv(const storage::DuplicateScan& scan) {
    const std::vector<std::string> header{"person_a", "person_b", "source_id_a", "source_id_b", "score"};
    fmt::print("{}", storage::csvRow(header));
    for (const auto& p : scan.pairs) {
        const std::vector<std::string> row{storage::spreadsheetSafe(p.caseCodeA), storage::spreadsheetSafe(p.caseCodeB),
                                           storage::spreadsheetSafe(p.sourceIdA), storage::spreadsheetSafe(p.sourceIdB),
                                           fmt::format("{:.3f}", p.score.score)};
        fmt::print("{}", storage::csvRow(row));
    }
}

void printTable(const storage::DuplicateScan& scan) {
    fmt::print("{:<6}  {:<16} {:<16} {:<14} {:<14} {}\n", "score", "person_a", "person_b", "source_id_a", "source_id_b",
               "why");
    for (const auto& p : scan.pairs)
        fmt::print("{:<6.3f}  {:<16} {:<16} {:<14} {:<14} {}\n", p.score.score, p.caseCodeA, p.caseCodeB,
                   p.sourceIdA.empty() ? "-" : p.sourceIdA, p.sourceIdB.empty() ? "-" : p.sourceIdB, why(p.score));
}

}  // namespace

void addDuplicatesCommand(CLI::App& app, CommandContext& ctx) {
    struct Options {
        Credentials credentials;
        double minScore = storage::kLikelyDuplicate;
        bool csv = false;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand(
        "duplicates", "Every likely duplicate pair of persons, scored (supervisors and administrators)");
    addCredentialOptions(*cmd, opts->credentials);
    cmd->add_option("--min-score", opts->minScore,
                    fmt::format("Only pairs scoring at least this (0-1, default {})", storage::kLikelyDuplicate))
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_flag("--csv", opts->csv, "CSV: person_a,person_b,source_id_a,source_id_b,score (case codes)");
    cmd->callback([opts, &ctx] {
        auto store = signIn(opts->credentials, ctx.clock);
        if (!store) {
            ctx.exitCode = report(store.error());
            return;
        }
        if (!(*store)->session().isSupervisor()) {
            ctx.exitCode = report(storage::Error{storage::ErrorCode::PermissionDenied,
                                                 "the duplicate review is for supervisors and administrators",
                                                 {}});
            return;
        }
        storage::DuplicateScanOptions options;
        options.minScore = opts->minScore;
        options.progress = [](std::size_t done, std::size_t total) {
            fmt::print(stderr, "\rcomparing groups: {}/{}", done, total);
            if (done == total) fmt::print(stderr, "\n");
        };
        auto scan = storage::findDuplicatePairs((*store)->db(), options);
        if (!scan) {
            ctx.exitCode = report(scan.error());
            return;
        }
        // The pairs leave the store only with the export on the audit trail.
        if (auto r =
                (*store)->writeVoid([](storage::RecordWriter& w) { return w.audit("export", "report", "duplicates"); });
            !r) {
            ctx.exitCode = report(r.error());
            return;
        }
        if (opts->csv)
            printCsv(*scan);
        else
            printTable(*scan);
        fmt::print(stderr, "{} persons, {} pairs compared, {} likely duplicates{}\n", scan->persons, scan->pairsScored,
                   scan->pairs.size(),
                   scan->groupsSkipped == 0
                       ? std::string{}
                       : fmt::format(" ({} name groups too common to compare were left out)", scan->groupsSkipped));
    });
}

}  // namespace chasqui::cli
