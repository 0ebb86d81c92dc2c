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

// UPDATE, then INSERT when there was no row: INSERT OR REPLACE may delete a
// row as well as insert one, so inside a transaction SQLite keeps a statement
// journal for it, and SQLCipher encrypts every page written to that journal.
Result<void> writeMeta(Db& db, const std::string& key, const std::string& value) {
    auto update = db.prepare("UPDATE meta SET value = ?1 WHERE key = ?2");
    if (!update) return std::unexpected(update.error());
    update->bind(1, value).bind(2, key);
    if (auto r = update->run(); !r) return r;
    if (db.changes() > 0) return {};
    auto insert = db.prepare("INSERT INTO meta (key, value) VALUES (?1, ?2)");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, key).bind(2, value);
    return insert->run();
}

}  // namespace chasqui::storage
