#include "sync/server/core/status_json.hpp"

#include "storage/base/text.hpp"

namespace chasqui::sync {

nlohmann::json statusJson(const ServerStatus& s) {
    nlohmann::json offices = nlohmann::json::array();
    for (const auto& o : s.counts.offices)
        offices.push_back({{"office", o.office},
                           {"devices", o.devices},
                           {"changes", o.changes},
                           {"persons", o.persons},
                           {"cases", o.cases},
                           {"quarantined", o.quarantined}});
    nlohmann::json devices = nlohmann::json::array();
    for (const auto& d : s.devices) {
        const char* state = d.revoked ? "revoked" : (d.signingKey.empty() ? "unsigned" : "active");
        devices.push_back({{"device_id", d.id},
                           {"office", d.office},
                           {"number", d.number},
                           {"state", state},
                           {"enrolled_at_ms", d.enrolledAt},
                           {"last_seen_at_ms", d.lastSeenAt}});
    }
    return {{"backend", s.backend},
            {"schema", {{"current", s.schema.current}, {"latest", s.schema.latest}}},
            {"database_bytes", s.counts.databaseBytes},
            {"devices", s.counts.devices},
            {"revoked_devices", s.counts.revokedDevices},
            {"changes", s.counts.changes},
            {"quarantined", s.counts.quarantined},
            {"conflicts", s.counts.conflicts},
            {"catalog_version", s.counts.catalogVersion},
            {"offices", offices},
            {"device_list", devices}};
}

}  // namespace chasqui::sync
