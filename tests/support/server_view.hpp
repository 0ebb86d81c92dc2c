#pragma once
// What a test reads of a server's state, through the core's repository and
// never its SQL, so the same test runs on the embedded store and on
// PostgreSQL: the change log of an office, the merged fields of its
// records, counts.
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/server/core/server_core.hpp"

namespace chasqui::test {

// Every change an office's kiosks pull, in log order (conflicts included).
std::vector<nlohmann::json> serverLog(sync::ServerCore& server, const std::string& office);

// The office's merged state: (entity, record, field) -> value as JSON text.
std::map<std::tuple<std::string, std::string, std::string>, std::string> serverState(sync::ServerCore& server,
                                                                                     const std::string& office);

// Records of `entity` ("person" or "case") the server holds for `office`
// (every office when empty).
std::int64_t serverRecords(sync::ServerCore& server, const std::string& entity, const std::string& office = {});

}  // namespace chasqui::test
