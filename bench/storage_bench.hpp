#pragma once
#include <string>

namespace chasqui::bench {

struct StorageBenchOptions {
    int persons = 100000;     // population for search and duplicate checks
    int insertSample = 2000;  // persons written one transaction each, per round
    int rounds = 5;           // alternating encrypted/plain rounds; medians reported
    int queries = 500;
    int dupChecks = 300;
    int cachePages = 0;  // 0: the store's default
    bool json = false;
    bool skipReview = false;  // no whole-store review (it grows faster than the population)
    std::string workDir;      // default: a temporary directory, removed afterwards
};

int runStorageBench(const StorageBenchOptions& options);

}  // namespace chasqui::bench
