// libFuzzer target: every input goes through what chasqui-server does with an
// untrusted request (fuzz_entry.hpp lists the routes and decoders). Built
// only with CHASQUI_FUZZ=ON by clang (scripts/fuzz.sh); a crash, a sanitizer
// report, an escaping exception or an answer that breaks the API's contract
// (a 5xx, an error without its JSON body) stops the run and leaves the input
// in the artifact directory. Replay one with: chasqui_server_request_fuzzer FILE
//
// The server store lives in $CHASQUI_FUZZ_WORK_DIR (default: a new directory
// under the system temp folder), removed at a normal exit.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "tests/fuzz/fuzz_entry.hpp"

namespace {

// libFuzzer's C entry points carry no context: the one server lives here.
struct Harness {
    std::filesystem::path workDir;
    std::unique_ptr<chasqui::test::FuzzEntry> entry;

    ~Harness() {
        entry.reset();
        std::error_code ignored;
        std::filesystem::remove_all(workDir, ignored);
    }
};
std::unique_ptr<Harness> g_harness;

std::filesystem::path workDirectory() {
    const char* configured = std::getenv("CHASQUI_FUZZ_WORK_DIR");
    if (configured && *configured) return configured;
    return std::filesystem::temp_directory_path() / ("chasqui-fuzz-" + std::to_string(::getpid()));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    g_harness = std::make_unique<Harness>();
    g_harness->workDir = workDirectory();
    std::error_code ignored;
    std::filesystem::remove_all(g_harness->workDir, ignored);  // left over by a crashed run
    auto entry = chasqui::test::FuzzEntry::open(g_harness->workDir / "server");
    if (!entry) {
        std::fprintf(stderr, "server_request_fuzzer: %s\n", entry.error().c_str());
        std::exit(2);
    }
    g_harness->entry = std::move(*entry);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto result = g_harness->entry->feed(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!result.problems.empty()) {
        for (const auto& problem : result.problems)
            std::fprintf(stderr, "server_request_fuzzer: %s\n", problem.c_str());
        std::abort();  // libFuzzer saves the input as a crash
    }
    return 0;
}
