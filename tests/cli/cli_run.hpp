#pragma once
// Runs the real chasqui binary for the CLI tests, bounded by `timeout` so that a
// command that hangs fails its test instead of the whole suite.
#include <sys/wait.h>

#include <cstdlib>
#include <string>

#include <fmt/core.h>

#include "tests/support/test_store.hpp"

namespace chasqui::test {

struct CliRun {
    int exitCode = -1;  // 124 when `timeout` had to stop it
    std::string out;
    std::string err;
};

inline CliRun runChasqui(const TempDir& tmp, const std::string& args) {
    const auto out = tmp.path() / "stdout.txt", err = tmp.path() / "stderr.txt";
    const std::string cmd =
        fmt::format("timeout 60 {}/chasqui {} >{} 2>{} </dev/null", CHASQUI_BIN_DIR, args, out.string(), err.string());
    const int status = std::system(cmd.c_str());
    CliRun r;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = readBytes(out);
    r.err = readBytes(err);
    return r;
}

}  // namespace chasqui::test
