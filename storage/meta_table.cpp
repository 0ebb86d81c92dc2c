#include "storage/meta_table.hpp"

namespace chasqui::storage {

Result<std::string> readMeta(Db& db, const std::string& key) {
    auto stmt = db.prepare("SELECT value FROM meta WHERE key = ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, key);
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    std::string value = *row ? stmt->text(0) : std::string();
    stmt->reset();
    return value;
}

Result<void> writeMeta(Db& db, const std::string& key, const std::string& value) {
    auto stmt = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, key).bind(2, value);
    return stmt->run();
}

}  // namespace chasqui::storage
