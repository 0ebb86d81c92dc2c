#pragma once
// The servers `chasqui-bench sync` measures: one chasqui-server process on
// the embedded store, or N processes sharing one data directory and one
// PostgreSQL database (one server, as in a deployment), optionally behind a
// real nginx (Debian's package) that spreads requests over them. Every
// process is stopped (SIGTERM; kill -9 if the bench dies) when the fleet goes.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace chasqui::bench {

struct FleetOptions {
    std::filesystem::path serverBinary;
    std::filesystem::path dataDir;
    std::string databaseUrl;  // empty: the embedded store (one process only)
    int processes = 1;
    bool nginx = false;  // in front of the processes (always when processes > 1)
};

class ServerFleet {
public:
    // Exits the bench with the reason when a process does not start.
    explicit ServerFleet(const FleetOptions& options);
    ~ServerFleet();
    ServerFleet(const ServerFleet&) = delete;
    ServerFleet& operator=(const ServerFleet&) = delete;

    // Where kiosks connect: nginx when there is one, else the one process.
    std::uint16_t port() const { return static_cast<std::uint16_t>(m_port); }
    std::string url() const;
    const std::string& adminToken() const { return m_adminToken; }
    int processes() const { return static_cast<int>(m_servers.size()); }
    bool behindNginx() const { return m_nginx > 0; }

private:
    std::vector<pid_t> m_servers;
    pid_t m_nginx = -1;
    int m_port = 0;
    std::string m_adminToken;
};

// A new, empty PostgreSQL schema in `baseUrl`'s database for one run, dropped
// again when this ends (after the servers using it have stopped: declare it
// before their ServerFleet), so runs leave nothing behind. Exits the bench
// when PostgreSQL is unreachable. Empty base URL: the embedded store, nothing to do.
class ScratchSchema {
public:
    ScratchSchema(std::string baseUrl, std::string name);
    ~ScratchSchema();
    ScratchSchema(const ScratchSchema&) = delete;
    ScratchSchema& operator=(const ScratchSchema&) = delete;
    // The URL that puts a server's connections in the schema.
    const std::string& url() const { return m_url; }

private:
    std::string m_baseUrl;
    std::string m_name;
    std::string m_url;
};

}  // namespace chasqui::bench
