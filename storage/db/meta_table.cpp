#include "storage/db/meta_table.hpp"

namespace chasqui::storage {

Result<std::string> readMeta(Db& db, const std::string& key) {
    auto value = db.readOne(
        "SELECT value FROM meta WHERE key = ?", [](const Stmt& s) { return s.text(0); }, key);
    if (!value) return std::unexpected(value.error());
    return value->value_or(std::string());
}

Result<void> writeMeta(Db& db, const std::string& key, const std::string& value) {
    auto update = db.prepare("UPDATE meta SET value = ?1 WHERE key = ?2");
    if (!update) return std::unexpected(update.error());
    update->bind(1, value).bind(2, key);
    auto insert = db.prepare("INSERT INTO meta (key, value) VALUES (?2, ?1)");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, value).bind(2, key);
    return db.updateElseInsert(*update, *insert);
}

}  // namespace chasqui::storage
