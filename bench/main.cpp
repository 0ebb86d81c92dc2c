// chasqui-bench: performance figures for spec section 8, printed as a table
// (or one JSON object with --json). Scenarios: storage (more come with sync and the kiosk).
#include <CLI/CLI.hpp>

#include "bench/storage_bench.hpp"
#include "storage/secret.hpp"

int main(int argc, char** argv) {
    chasqui::storage::ensureSodium();
    CLI::App app{"chasqui-bench: measure Chasqui against the targets of the spec"};
    app.require_subcommand(1);
    chasqui::bench::StorageBenchOptions storage;
    CLI::App* s = app.add_subcommand("storage", "Encrypted vs plain writes, search and duplicate-check latency");
    s->add_option("--persons", storage.persons, "Population for search and duplicates (default 100000)");
    s->add_option("--insert-sample", storage.insertSample, "Registrations per write round (default 2000)");
    s->add_option("--rounds", storage.rounds, "Alternating encrypted/plain rounds (default 5)");
    s->add_option("--queries", storage.queries, "Search queries (default 500)");
    s->add_option("--dup-checks", storage.dupChecks, "Duplicate checks (default 300)");
    s->add_option("--work-dir", storage.workDir, "Where to put the stores (default: a temporary directory)");
    s->add_option("--cache-pages", storage.cachePages, "Page cache size in 4 KiB pages (default: the kiosk's)");
    s->add_flag("--json", storage.json, "Print one JSON object instead of a table");
    int exitCode = 0;
    s->callback([&] { exitCode = chasqui::bench::runStorageBench(storage); });
    CLI11_PARSE(app, argc, argv);
    return exitCode;
}
