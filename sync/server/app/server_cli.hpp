#pragma once
// What chasqui-server's commands share: exit codes (part of the contract with
// scripts: 0 ok, 1 failure, 2 usage, 5 invalid input), printing an error, the
// admin token file, and where the server's state is (--data and --database).
#include <filesystem>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "storage/base/clock.hpp"
#include "sync/server/core/server_core.hpp"

namespace chasqui::sync {

enum ServerExitCode : int { kExitOk = 0, kExitFailure = 1, kExitUsage = 2, kExitInvalidInput = 5 };

// Prints the error and returns its exit code: what the server itself failed
// at (its store, a file) against what the administrator asked for.
int reportServerError(const SyncError& error);

// The admin bearer token, made on first use in DIR/admin.token (mode 0600).
// It is kept in clear because `admin-token` must be able to print it again;
// whoever can read the data directory can read the other keys next to it.
// Processes serving one database share it through the same directory.
SyncResult<std::string> adminToken(const std::filesystem::path& dir);

// --data DIR (required) and --database URL (optional; also from the
// environment variable CHASQUI_DATABASE_URL, which keeps a password out of
// the process list) on `command`, into `where`.
void addLocationOptions(CLI::App& command, ServerLocation& where);

}  // namespace chasqui::sync
