#pragma once
// The real chasqui-server for the server suites, and the kiosk's side of the
// protocol to talk to it.
//
// ServerProcess starts `chasqui-server --data DIR --listen 127.0.0.1:0` and
// learns its port from the one line the server prints once bound
// ("listening on 127.0.0.1:PORT"), read through a pipe: no sleeping. The
// server's log (stderr) goes to DIR.log, appended across restarts.
//
// Single-threaded: one test drives one server.
#include <sys/types.h>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "sync/protocol/batch_signature.hpp"
#include "sync/protocol/change_codec.hpp"
#include "sync/protocol/sealed_box.hpp"
#include "tests/support/test_store.hpp"

namespace chasqui::test {

struct CommandResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};

// Runs `chasqui-server ARGS...` to completion, stdin from /dev/null.
CommandResult runServer(const std::vector<std::string>& args);
// Runs the admin CLI `chasqui ARGS...` the same way, without a shell (no
// quoting of paths or of 'Beto Ramos'). Throws when it cannot be started.
CommandResult runChasqui(const std::vector<std::string>& args);
// Exit code, stdout and stderr, for a failure message.
std::string describe(const CommandResult& r);

class ServerProcess {
public:
    // Throws std::runtime_error holding the server's log when it exits (or
    // stays silent for a minute) instead of listening.
    explicit ServerProcess(std::filesystem::path dataDir, std::vector<std::string> extraArgs = {});
    ~ServerProcess();  // kill -9 when still running
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    int port() const { return m_port; }
    pid_t pid() const { return m_pid; }  // for /proc/PID (memory peaks)
    // A plain HTTP client that sends Chasqui-Protocol: 1 on every request.
    httplib::Client client() const;
    // Sends `signal` and waits for the process: its exit code, or 128 + the
    // number of the signal that ended it.
    int stop(int signal = SIGTERM);
    // What the server logged so far.
    std::string log() const;

private:
    std::filesystem::path m_logPath;
    pid_t m_pid = -1;
    int m_port = 0;
};

// An enrolled kiosk as the server knows it, with the key pair it keeps.
struct Device {
    std::string id;
    std::string office;
    std::string token;
    std::string code;  // the enrollment code it used (to look for it in logs)
    int number = 0;
    sync::BoxKeyPair keys;
    sync::SigningKeyPair signing;  // sent at enrollment; signs its pushes
};

std::string base64(std::string_view raw);
std::string newId();  // UUIDv7
std::string trimmed(std::string text);

// Enrolls a new device of `office` with a code printed by `chasqui-server enroll-code`.
Device enrollDevice(httplib::Client& client, const std::filesystem::path& dataDir, const std::string& office);
// The raw 32-byte key from /v1/health.
std::string serverPublicKey(httplib::Client& client);
// From `chasqui-server admin-token`.
std::string adminToken(const std::filesystem::path& dataDir);

httplib::Headers bearer(const std::string& token);

// A "put" of a person made by `device`, stamped `clockOffsetMs` from now.
sync::ChangeRecord personPut(const Device& device, const std::string& givenNames, std::int64_t clockOffsetMs = 0);
// {"batch": new UUID, "columns": {...}} sealed to `key` (a change that is not
// an object, or lacks a field, gives null entries in the columns).
std::string sealBatch(const std::vector<nlohmann::json>& changes, const std::string& key);
std::string sealBatch(const std::vector<sync::ChangeRecord>& changes, const std::string& key);
std::string sealText(const std::string& plaintext, const std::string& key);

struct PushOutcome {
    int status = 0;
    nlohmann::json body;     // {"applied", "duplicates", "quarantined": [...]} or {"error": ...}
    int applied() const;     // -1 when the answer has no count
    int duplicates() const;  // -1 when the answer has no count
    // Of the quarantined changes, in batch order.
    std::vector<std::string> quarantinedIds() const;
    std::vector<std::string> codes() const;
};
// The push body of `sealed`, signed by `device` (sync/protocol/batch_signature.hpp).
std::string signedBody(const Device& device, const std::string& sealed);
// Signs `sealed` with the device's key and pushes it with its token.
PushOutcome push(httplib::Client& client, const Device& device, const std::string& sealed);
// Pushes `body` as it is, with the device's token.
PushOutcome pushBody(httplib::Client& client, const Device& device, const std::string& body);

struct PulledPage {
    int status = 0;
    std::vector<nlohmann::json> changes;  // opened with the device's key
    std::string nextCursor;
    bool more = false;
    std::string errorCode;
};
PulledPage pull(httplib::Client& client, const Device& device, const std::string& cursor = {}, int limit = 100);
// The number after the dot of an opaque cursor; tests only look inside to see it advance.
std::int64_t cursorPosition(const std::string& cursor);

// GET /v1/admin/status.
nlohmann::json adminStatus(httplib::Client& client, const std::string& adminToken);
// "error.code" of a JSON error answer, "" when there is none.
std::string errorCode(const httplib::Result& result);

}  // namespace chasqui::test
