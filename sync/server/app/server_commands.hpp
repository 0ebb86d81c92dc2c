#pragma once
// chasqui-server's commands on its state (everything but serving and
// recover-outbox): see server_commands.cpp.
#include <CLI/CLI.hpp>

#include "storage/base/clock.hpp"

namespace chasqui::sync {

// Adds the commands to `app`; a command's exit code goes to `exitCode`.
void addServerCommands(CLI::App& app, const storage::Clock& clock, int& exitCode);

}  // namespace chasqui::sync
