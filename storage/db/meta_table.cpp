#include "storage/db/meta_table.hpp"

namespace chasqui::storage {

Result<std::string> readMeta(Db& db, const std::string& key) {
    auto value = db.readOne(
        "SELECT value FROM meta WHERE key = ?", [](const Stmt& s) { return s.text(0); }, key);
    if (!value) return std::unexpected(value.error());
    return value->value_or(std::string());
}

Result<void> writeMeta(Db& db, const std::string& key, const std::string& value) {
    auto upsert = db.prepare(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    if (!upsert) return std::unexpected(upsert.error());
    return upsert->bindAll(key, value).run();
}

}  // namespace chasqui::storage
