#include "bench/sync/server_fleet.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

#include <fmt/core.h>

#include "sync/server/app/child_process.hpp"

namespace chasqui::bench {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void die(const std::string& what) {
    fmt::print(stderr, "bench sync: {}\n", what);
    std::exit(1);
}

std::vector<std::string> databaseEnvironment(const std::string& url) {
    if (url.empty()) return {};
    return {"CHASQUI_DATABASE_URL=" + url};  // not in the argument list, where `ps` would show it
}

// `chasqui-server ARGS` to completion; the first line of its stdout.
std::string runCommand(const FleetOptions& o, const std::vector<std::string>& args, const std::string& log) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) die("pipe failed");
    const pid_t pid =
        sync::spawnChild(o.serverBinary.string(), args, {fds[1], {}, log, true, databaseEnvironment(o.databaseUrl)});
    ::close(fds[1]);
    if (pid < 0) die("cannot start chasqui-server");
    std::string out = sync::readLine(fds[0]);
    ::close(fds[0]);
    if (sync::waitExit(pid) != 0) die("chasqui-server " + args.front() + " failed; see " + log);
    return out;
}

// A port nothing listens on now (nginx needs a number in its configuration).
int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        die("cannot find a free loopback port");
    ::close(fd);
    return ntohs(a.sin_port);
}

bool accepts(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    if (fd >= 0) ::close(fd);
    return ok;
}

void writeNginxConfig(const fs::path& dir, int port, const std::vector<int>& upstreams) {
    std::string servers;
    for (int p : upstreams) servers += fmt::format("    server 127.0.0.1:{};\n", p);
    std::ofstream conf(dir / "nginx.conf");
    conf << fmt::format(
        "daemon off;\n"
        "worker_processes 1;\n"
        "pid {0}/nginx.pid;\n"
        "error_log {0}/error.log warn;\n"
        "events {{ worker_connections 4096; }}\n"
        "http {{\n"
        "  access_log off;\n"
        "  client_body_temp_path {0}/body; proxy_temp_path {0}/proxy; fastcgi_temp_path {0}/fastcgi;\n"
        "  uwsgi_temp_path {0}/uwsgi; scgi_temp_path {0}/scgi;\n"
        "  client_max_body_size 8m;\n"
        "  upstream chasqui {{\n"
        "    least_conn;\n"
        "{1}"
        "    keepalive 64;\n"
        "  }}\n"
        "  server {{\n"
        "    listen 127.0.0.1:{2};\n"
        "    location / {{\n"
        "      proxy_pass http://chasqui;\n"
        "      proxy_http_version 1.1;\n"
        "      proxy_set_header Connection \"\";\n"
        "      proxy_set_header Host $host;\n"
        "      proxy_read_timeout 120s;\n"
        "    }}\n"
        "  }}\n"
        "}}\n",
        dir.string(), servers, port);
}

}  // namespace

ServerFleet::ServerFleet(const FleetOptions& o) {
    if (o.processes > 1 && o.databaseUrl.empty())
        die("several server processes share a PostgreSQL database: give --backend postgresql");
    // The keys first, by one command: processes starting together share them.
    const std::string log = o.dataDir.string() + ".log";
    m_adminToken = runCommand(o, {"admin-token", "--data", o.dataDir.string()}, log);
    (void)runCommand(o, {"status", "--data", o.dataDir.string()}, log);  // the other keys, the schema
    std::vector<int> ports;
    for (int i = 0; i < std::max(1, o.processes); ++i) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) die("pipe failed");
        // Behind nginx every connection comes from 127.0.0.1: the per-address
        // cap is nginx's job there.
        const pid_t pid = sync::spawnChild(
            o.serverBinary.string(),
            {"--data", o.dataDir.string(), "--listen", "127.0.0.1:0", "--max-connections-per-address", "4096"},
            {fds[1], {}, log, true, databaseEnvironment(o.databaseUrl)});
        ::close(fds[1]);
        if (pid < 0) die("cannot start chasqui-server");
        m_servers.push_back(pid);
        const int port = sync::listeningPort(sync::readLine(fds[0]));
        ::close(fds[0]);
        if (port <= 0) die("chasqui-server did not start listening; see " + log);
        ports.push_back(port);
    }
    m_port = ports.front();
    if (!o.nginx && o.processes <= 1) return;
    const fs::path dir = o.dataDir.string() + "-nginx";
    fs::create_directories(dir);
    m_port = freePort();
    writeNginxConfig(dir, m_port, ports);
    m_nginx = sync::spawnChild("/usr/sbin/nginx", {"-c", (dir / "nginx.conf").string(), "-p", dir.string()},
                               {-1, (dir / "stdout").string(), (dir / "stderr").string(), false});
    if (m_nginx < 0) die("cannot start nginx (apt install nginx)");
    // nginx prints nothing once it listens: try to connect for up to 10 s.
    for (int i = 0; i < 1000 && !accepts(m_port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!accepts(m_port)) die("nginx did not start listening; see " + (dir / "error.log").string());
}

ServerFleet::~ServerFleet() {
    if (m_nginx > 0) {
        ::kill(m_nginx, SIGQUIT);  // graceful: lets workers finish
        (void)sync::waitExit(m_nginx);
    }
    for (pid_t pid : m_servers) ::kill(pid, SIGTERM);
    for (pid_t pid : m_servers) (void)sync::waitExit(pid);
}

std::string ServerFleet::url() const {
    return fmt::format("http://127.0.0.1:{}", m_port);
}

namespace {

// Runs `sql` on `baseUrl`'s database; the error, empty when it went through.
std::string runSql(const std::string& baseUrl, const std::string& sql) {
    PGconn* conn = PQconnectdb(baseUrl.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string why = PQerrorMessage(conn);
        PQfinish(conn);
        return "cannot reach PostgreSQL at the --database URL: " + why;
    }
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);  // "does not exist, skipping"
    PGresult* r = PQexec(conn, sql.c_str());
    std::string why = PQresultStatus(r) == PGRES_COMMAND_OK ? std::string() : std::string(PQerrorMessage(conn));
    PQclear(r);
    PQfinish(conn);
    return why;
}

}  // namespace

ScratchSchema::ScratchSchema(std::string baseUrl, std::string name)
    : m_baseUrl(std::move(baseUrl)), m_name(std::move(name)) {
    if (m_baseUrl.empty()) return;
    if (auto why = runSql(m_baseUrl, fmt::format("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}", m_name));
        !why.empty())
        die("cannot create schema " + m_name + ": " + why);
    m_url = m_baseUrl + (m_baseUrl.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + m_name;
}

ScratchSchema::~ScratchSchema() {
    if (m_baseUrl.empty()) return;
    if (auto why = runSql(m_baseUrl, fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", m_name)); !why.empty())
        fmt::print(stderr, "chasqui-bench: schema {} was left behind: {}\n", m_name, why);
}

}  // namespace chasqui::bench
