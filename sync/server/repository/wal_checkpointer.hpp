#pragma once
// Moves the embedded store's write-ahead log into the database file on a
// thread of its own. SQLite's automatic checkpoint runs inside the commit that
// takes the log past 1 000 pages, while that commit still holds the store's
// one write connection: about a tenth of a 1 000-change push, paid by every
// other push waiting for it. Here commits only wake the checkpointer, which
// copies pages through its own connection while the next push goes on.
//
// Should the checkpointer fall behind (or its thread not start), the writer
// checkpoints itself once the log passes kInlineAfterPages, as SQLite would:
// the log stays bounded either way. Crash safety is SQLite's: a checkpoint
// only copies committed pages.
#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <thread>

#include "storage/base/secret.hpp"
#include "storage/base/sqlite_db.hpp"

namespace chasqui::sync {

class WalCheckpointer {
public:
    static constexpr int kWakeAtPages = 1000;         // SQLite's own threshold
    static constexpr int kInlineAfterPages = 16'000;  // 64 MiB of log: the writer checkpoints itself

    // Takes over checkpointing for `writer` (a connection to `path`, which
    // must outlive this object). `key` must outlive it too.
    WalCheckpointer(storage::Db& writer, std::filesystem::path path, const storage::SecretBytes& key);
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    // Checkpoints done on the thread so far; waits up to `timeout` for more than `seen`.
    std::int64_t waitForCheckpoint(std::int64_t seen, std::chrono::milliseconds timeout);

private:
    static int onCommit(void* self, sqlite3* db, const char* schema, int pages);
    void run();

    storage::Db& m_writer;
    std::filesystem::path m_path;
    const storage::SecretBytes& m_key;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_wanted = false;
    bool m_stop = false;
    std::int64_t m_done = 0;
    std::thread m_thread;
};

}  // namespace chasqui::sync
