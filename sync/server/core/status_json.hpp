#pragma once
// The server's status as JSON, one shape for GET /v1/admin/status and
// `chasqui-server status --json` (sync/PROTOCOL.md section 4). Counts and
// device ids only: nothing personal.
#include <nlohmann/json.hpp>

#include "sync/server/core/server_core.hpp"

namespace chasqui::sync {

nlohmann::json statusJson(const ServerStatus& status);

}  // namespace chasqui::sync
