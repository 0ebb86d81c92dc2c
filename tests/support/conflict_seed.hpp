#pragma once
// A conflict record as the server sends it (sync/server/push_processor.cpp):
// values as JSON text, clocks as HLC stamps, the devices and the losing author.
// Written through RecordWriter with entity "conflict", the way the change
// applier would store it, for storage and kiosk tests.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "storage/db/personal_store.hpp"
#include "storage/records/ids.hpp"

namespace chasqui::test {

struct ConflictSeed {
    std::string entity = "person";
    std::string recordId;
    std::string field = "given_names";
    nlohmann::json kept;  // the value the record has now
    nlohmann::json lost;  // the concurrent value that lost
    std::int64_t keptAtMs = 0;
    std::int64_t lostAtMs = 0;
    std::string keptDevice;  // default: this kiosk
    std::string lostDevice = "0190a0b0-0000-7000-8000-00000000d2d2";
    std::string lostAuthor;  // staff id
    std::string keptAuthor;  // staff id; "" as in conflicts recorded before kept_author
};

inline std::string seedConflict(storage::PersonalStore& store, const ConflictSeed& seed) {
    const std::string keptDevice = seed.keptDevice.empty() ? store.session().deviceId : seed.keptDevice;
    auto id = store.write<std::string>([&](storage::RecordWriter& w) {
        return w.insert("conflict", {{"entity", seed.entity},
                                     {"record_id", seed.recordId},
                                     {"field", seed.field},
                                     {"kept_value", seed.kept.dump()},
                                     {"kept_hlc", storage::HlcStamp{seed.keptAtMs, 0}.encode()},
                                     {"kept_device", keptDevice},
                                     {"lost_value", seed.lost.dump()},
                                     {"lost_hlc", storage::HlcStamp{seed.lostAtMs, 0}.encode()},
                                     {"lost_device", seed.lostDevice},
                                     {"lost_author", seed.lostAuthor},
                                     {"kept_author", seed.keptAuthor},
                                     {"resolved", std::int64_t{0}}});
    });
    return id ? *id : std::string();
}

}  // namespace chasqui::test
