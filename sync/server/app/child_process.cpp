#include "sync/server/app/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdlib>

extern char** environ;

namespace chasqui::sync {

pid_t spawnChild(const std::string& bin, const std::vector<std::string>& args, const ChildOutput& output) {
    std::vector<std::string> argv{bin};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargs;
    for (auto& a : argv) cargs.push_back(a.data());
    cargs.push_back(nullptr);
    std::vector<std::string> env = output.environment;
    std::vector<char*> cenv;
    for (auto& e : env) cenv.push_back(e.data());
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string_view inherited(*e);
        const auto name = inherited.substr(0, inherited.find('=') + 1);
        bool replaced = false;
        for (const auto& mine : env) replaced = replaced || std::string_view(mine).starts_with(name);
        if (!replaced) cenv.push_back(*e);
    }
    cenv.push_back(nullptr);
    const pid_t parent = ::getpid();
    const int stderrFlags = O_WRONLY | O_CREAT | (output.appendStderr ? O_APPEND : O_TRUNC);
    const pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
        const int in = ::open("/dev/null", O_RDONLY);
        const int out = output.stdoutFd >= 0 ? output.stdoutFd
                                             : ::open(output.stdoutPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int err = ::open(output.stderrPath.c_str(), stderrFlags, 0600);
        if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(127);
        ::execve(bin.c_str(), cargs.data(), cenv.data());
        ::_exit(127);
    }
    return pid;
}

int waitExit(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string readLine(int fd, int silenceMs) {
    std::string line;
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, silenceMs) <= 0) break;
        char c = 0;
        if (::read(fd, &c, 1) != 1 || c == '\n') break;
        line.push_back(c);
    }
    return line;
}

int listeningPort(std::string_view line) {
    if (line.substr(0, kListeningOnLoopback.size()) != kListeningOnLoopback) return 0;
    const std::string_view digits = line.substr(kListeningOnLoopback.size());
    int port = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    return ec == std::errc{} && end == digits.data() + digits.size() && port > 0 && port <= 65535 ? port : 0;
}

}  // namespace chasqui::sync
