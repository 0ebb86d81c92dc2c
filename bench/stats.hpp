#pragma once
// Small helpers for benchmarks: timing and percentiles.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

namespace chasqui::bench {

using Stopwatch = std::chrono::steady_clock;

inline double msSince(Stopwatch::time_point start) {
    return std::chrono::duration<double, std::milli>(Stopwatch::now() - start).count();
}

// Nearest-rank percentile (p in [0, 100]) of the samples; 0 for none.
inline double percentile(std::vector<double> samples, double p) {
    if (samples.empty()) return 0;
    std::sort(samples.begin(), samples.end());
    const auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(samples.size() - 1) + 0.5);
    return samples[std::min(rank, samples.size() - 1)];
}

inline double median(std::vector<double> samples) {
    return percentile(std::move(samples), 50);
}

}  // namespace chasqui::bench
