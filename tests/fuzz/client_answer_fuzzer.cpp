// libFuzzer target: every input goes through every decoder the kiosk runs on
// a server's answers and on its own sync files (client_fuzz_entry.hpp lists
// them). Built only with CHASQUI_FUZZ=ON by clang (scripts/fuzz.sh); a crash,
// a sanitizer report, an escaping exception or a decoder accepting something
// outside sync/protocol/protocol_limits.hpp stops the run and leaves the input in the
// artifact directory. Replay one with: chasqui_client_answer_fuzzer FILE
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tests/fuzz/client_fuzz_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto result = chasqui::test::feedClient(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!result.problems.empty()) {
        for (const auto& problem : result.problems) std::fprintf(stderr, "client_answer_fuzzer: %s\n", problem.c_str());
        std::abort();  // libFuzzer saves the input as a crash
    }
    return 0;
}
