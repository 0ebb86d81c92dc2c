#pragma once
// Starting chasqui-server (or the chasqui CLI) as a child process, for the
// test harness and the benchmark: fork and exec rather than system() (no
// shell, so no quoting of paths), the child killed when its parent dies (a
// crashed suite leaves no server behind), and the port learnt from the line
// the server prints once bound, read through a pipe: no sleeping.
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace chasqui::sync {

// What chasqui-server prints on stdout once it listens: "<prefix><port>".
inline constexpr std::string_view kListeningOnLoopback = "listening on 127.0.0.1:";

struct ChildOutput {
    int stdoutFd = -1;       // when >= 0, stdout goes here (the write end of a pipe)
    std::string stdoutPath;  // else to this file (truncated)
    std::string stderrPath;  // stderr: this file
    bool appendStderr = false;
    // NAME=VALUE entries the child gets on top of this process's environment
    // (a later entry of the same name wins over the inherited one).
    std::vector<std::string> environment = {};
};

// Starts `bin ARGS...` with stdin from /dev/null. Returns the pid, or -1 when
// fork failed. Everything is prepared before fork: the child only makes
// async-signal-safe calls.
pid_t spawnChild(const std::string& bin, const std::vector<std::string>& args, const ChildOutput& output);

// Waits for `pid`: its exit code, 128 + the signal that ended it, or -1.
int waitExit(pid_t pid);

// Reads `fd` up to the first newline, EOF, or `silenceMs` without a byte.
std::string readLine(int fd, int silenceMs = 60000);

// The port in a "listening on 127.0.0.1:PORT" line, 0 when it is not one.
int listeningPort(std::string_view line);

}  // namespace chasqui::sync
