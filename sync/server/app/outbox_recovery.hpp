#pragma once
// `chasqui-server recover-outbox --data DIR FILE...`: brings in the work a
// revoked kiosk never got to send. Such a kiosk keeps its unsent outbox
// batches in DIR/revoked-outbox/ (sync/client/device_link.hpp), still sealed to
// this server's key and signed by the device; an administrator copies them
// here. Each batch is checked like a push (the device's signature, then
// opened with the server's secret key, the columns split) and its changes go
// through the normal push path (ServerCore::push, every per-change check
// included) for the device that made them, revoked or not. Sending a file
// twice is harmless: changes are idempotent by id.
#include <CLI/CLI.hpp>

#include "storage/base/clock.hpp"

namespace chasqui::sync {

// Adds the command to chasqui-server's app; its exit code goes to `exitCode`
// (0: every file brought in, 5: a file could not be read, opened or checked,
// 1: the store failed).
void addRecoverOutboxCommand(CLI::App& app, const storage::Clock& clock, int& exitCode);

}  // namespace chasqui::sync
