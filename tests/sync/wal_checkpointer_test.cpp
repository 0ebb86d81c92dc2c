// The embedded server store's checkpointer (sync/server/repository/wal_checkpointer.hpp):
// commits past 1 000 log pages no longer checkpoint inside the commit; its own
// thread moves the log into the database file, nothing committed is lost, and
// without it the writer checkpoints itself again.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "storage/base/secret.hpp"
#include "storage/base/sqlite_db.hpp"
#include "sync/server/repository/wal_checkpointer.hpp"
#include "tests/support/test_store.hpp"

namespace chasqui::test {

namespace {

storage::Db openKeyed(const std::string& path, const storage::SecretBytes& key) {
    storage::OpenOptions options;
    options.rawKey = &key;
    auto db = storage::Db::open(path, options);
    REQUIRE_MESSAGE(db.has_value(), (db ? std::string() : db.error().message));
    return std::move(*db);
}

// About 1 500 pages of log in one commit.
void writeRows(storage::Db& db, int first) {
    REQUIRE(db.exec("BEGIN").has_value());
    auto stmt = db.prepare("INSERT INTO t (id, body) VALUES (?, ?)");
    REQUIRE(stmt.has_value());
    const std::string body(3000, 'x');
    for (int i = first; i < first + 2000; ++i) {
        stmt->bind(1, static_cast<std::int64_t>(i)).bind(2, body);
        REQUIRE(stmt->run().has_value());
    }
    REQUIRE(db.exec("COMMIT").has_value());
}

// (log frames, frames checkpointed) as PRAGMA wal_checkpoint(PASSIVE) sees them.
std::pair<std::int64_t, std::int64_t> walState(storage::Db& db) {
    auto stmt = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
    REQUIRE(stmt.has_value());
    auto row = stmt->readOne([](const storage::Stmt& s) { return std::pair{s.integer(1), s.integer(2)}; });
    REQUIRE(row.has_value());
    REQUIRE(row->has_value());
    return **row;
}

}  // namespace

TEST_CASE("the checkpointer moves the log on its own thread; commits never checkpoint inline") {
    TempDir dir;
    const std::string path = (dir.path() / "server.db").string();
    const auto key = storage::SecretBytes::random(32);
    storage::Db writer = openKeyed(path, key);
    REQUIRE(writer.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").has_value());
    {
        sync::WalCheckpointer checkpointer(writer, path, key);
        CHECK(writer.scalarInt("PRAGMA wal_autocheckpoint").value_or(-1) == 0);
        writeRows(writer, 0);
        // Woken by the commit: one checkpoint comes, within a generous deadline.
        CHECK(checkpointer.waitForCheckpoint(0, std::chrono::seconds(30)) >= 1);
        const auto [frames, copied] = walState(writer);
        CHECK(frames > sync::WalCheckpointer::kWakeAtPages);
        CHECK(copied == frames);
        writeRows(writer, 2000);
        CHECK(checkpointer.waitForCheckpoint(1, std::chrono::seconds(30)) >= 2);
    }
    // Without it, the writer checkpoints itself again.
    CHECK(writer.scalarInt("PRAGMA wal_autocheckpoint").value_or(-1) == sync::WalCheckpointer::kWakeAtPages);
    // Everything committed is there, from the database file and the log.
    storage::Db reader = openKeyed(path, key);
    CHECK(reader.scalarInt("SELECT count(*) FROM t").value_or(-1) == 4000);
}

}  // namespace chasqui::test
