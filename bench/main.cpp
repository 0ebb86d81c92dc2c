// chasqui-bench: performance figures for spec section 8, printed as a table
// (or one JSON object with --json). Scenarios: storage, sync, ui.
#include <CLI/CLI.hpp>

#include "bench/storage_bench.hpp"
#include "bench/sync_bench.hpp"
#include "bench/ui_bench.hpp"
#include "storage/base/secret.hpp"

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
    s->add_flag("--skip-review", storage.skipReview,
                "Skip the whole-store duplicate review (for large populations; reported as -1)");
    s->add_flag("--json", storage.json, "Print one JSON object instead of a table");
    int exitCode = 0;
    s->callback([&] { exitCode = chasqui::bench::runStorageBench(storage); });
    chasqui::bench::SyncBenchOptions sync;
    CLI::App* y =
        app.add_subcommand("sync", "Sync against a real chasqui-server: bytes per case, a 2G link, 100 devices");
    y->add_option("--cases", sync.cases, "Case records pushed (default 10000 on loopback, 2000 shaped)");
    y->add_option("--kbit", sync.kbit, "Shaped run: bandwidth cap per direction in kbit/s (2G: 64)");
    y->add_option("--latency-ms", sync.latencyMs, "Shaped run: one-way latency in ms (default 300)");
    y->add_option("--devices", sync.devices, "Concurrent run: kiosks pushing at once (100 in the spec)");
    y->add_option("--device-cases", sync.deviceCases, "Concurrent run: cases per kiosk and round (default 20)");
    y->add_option("--repeat", sync.repeat, "Runs per scenario; medians reported (default 3 when short, else 1)");
    y->add_option("--push-batch", sync.pushBatch, "Changes per sealed batch (default 1000, the protocol's maximum)");
    y->add_option("--pull-page", sync.pullPage, "Changes per pulled page (default 500, the server's maximum)");
    y->add_flag("--all", sync.all, "Run the loopback, shaped (64 kbit/s, 300 ms) and 100-device scenarios");
    y->add_option("--work-dir", sync.workDir, "Where to put the stores (default: a temporary directory)");
    y->add_flag("--json", sync.json, "Print one JSON object instead of a table");
    y->add_option("--backend", sync.backend, "The server's store: sqlcipher (embedded) or postgresql")
        ->check(CLI::IsMember({"sqlcipher", "postgresql"}));
    y->add_option("--database", sync.database, "PostgreSQL URL for --backend postgresql (a schema per run)")
        ->envname("CHASQUI_BENCH_DATABASE_URL");
    y->add_option("--processes", sync.processes,
                  "Concurrent run: server processes behind nginx, e.g. 1,3 (one run per count; several need "
                  "postgresql)")
        ->delimiter(',');
    y->callback([&] { exitCode = chasqui::bench::runSyncBench(sync); });
    chasqui::bench::UiBenchOptions ui;
    CLI::App* u = app.add_subcommand("ui", "Kiosk frame times on the heaviest screens, idle CPU and first frame");
    u->add_option("--persons", ui.persons, "Demo population (default 100000)");
    u->add_option("--frames", ui.frames, "Frames measured per screen (default 240)");
    u->add_option("--idle-seconds", ui.idleSeconds, "Idle CPU interval of the real window (default 10)");
    bool noWindow = false;
    u->add_flag("--no-window", noWindow, "Headless frames only (no chasqui-kiosk window)");
    u->add_option("--work-dir", ui.workDir, "Where to put the data (default: a temporary directory)");
    u->add_flag("--json", ui.json, "Print one JSON object instead of a table");
    u->callback([&] {
        ui.window = !noWindow;
        exitCode = chasqui::bench::runUiBench(ui);
    });
    CLI11_PARSE(app, argc, argv);
    return exitCode;
}
