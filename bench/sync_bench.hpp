#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace chasqui::bench {

// Which scenario runs follows from the flags: --kbit picks the shaped (2G)
// run, --devices the concurrent one, neither the loopback one; --all runs the
// three with their defaults (or the sizes given).
struct SyncBenchOptions {
    int cases = 0;                 // case records on the pushing kiosk; 0: 10000 loopback, 2000 shaped
    int kbit = 0;                  // bandwidth cap per direction, kbit/s (0: not the shaped run)
    int latencyMs = 300;           // one-way latency of the shaped run
    int devices = 0;               // concurrent kiosks (0: not the concurrent run)
    int deviceCases = 20;          // case records per kiosk and round in the concurrent run
    int repeat = 0;                // 0: 3 for short runs (loopback <= 2000 cases, concurrent), else 1
    std::size_t pushBatch = 1000;  // changes per sealed batch (protocol maximum 1000)
    std::size_t pullPage = 500;    // changes per pulled page (server maximum 500)
    bool all = false;
    bool json = false;
    std::string workDir;                // default: a temporary directory, removed afterwards
    std::string backend = "sqlcipher";  // the server's store: sqlcipher | postgresql
    std::string database;               // postgresql: the database each run gets a fresh schema in
    std::vector<int> processes;         // concurrent run: server processes behind nginx, one run per count
};

int runSyncBench(const SyncBenchOptions& options);

}  // namespace chasqui::bench
