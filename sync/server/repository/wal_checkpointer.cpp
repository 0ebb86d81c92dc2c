#include "sync/server/repository/wal_checkpointer.hpp"

#include <exception>
#include <optional>
#include <system_error>

namespace chasqui::sync {

WalCheckpointer::WalCheckpointer(storage::Db& writer, std::filesystem::path path, const storage::SecretBytes& key)
    : m_writer(writer), m_path(std::move(path)), m_key(key) {
    try {
        m_thread = std::thread([this] { run(); });
    } catch (const std::system_error&) {
        return;  // no thread to be had: SQLite's automatic checkpoint stays on
    }
    sqlite3_wal_autocheckpoint(m_writer.handle(), 0);
    sqlite3_wal_hook(m_writer.handle(), &WalCheckpointer::onCommit, this);
}

WalCheckpointer::~WalCheckpointer() {
    if (!m_thread.joinable()) return;
    // The writer checkpoints by itself again, as it did before.
    sqlite3_wal_autocheckpoint(m_writer.handle(), kWakeAtPages);
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    m_thread.join();
}

int WalCheckpointer::onCommit(void* self, sqlite3* db, const char* schema, int pages) {
    auto* me = static_cast<WalCheckpointer*>(self);
    if (pages >= kInlineAfterPages) {
        (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (pages >= kWakeAtPages) {
        {
            std::lock_guard lock(me->m_mutex);
            me->m_wanted = true;
        }
        me->m_changed.notify_all();
    }
    return SQLITE_OK;
}

std::int64_t WalCheckpointer::waitForCheckpoint(std::int64_t seen, std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, timeout, [&] { return m_done > seen; });
    return m_done;
}

void WalCheckpointer::run() {
    std::optional<storage::Db> own;  // opened at the first checkpoint: short commands never need it
    while (true) {
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [&] { return m_wanted || m_stop; });
            if (m_stop) return;
            m_wanted = false;
        }
        // Nothing may escape this thread; a failed checkpoint is tried again
        // at the next wake, and the writer's own limit bounds the log meanwhile.
        try {
            if (!own) {
                storage::OpenOptions options;
                options.rawKey = &m_key;
                options.cachePages = 100;  // it copies pages, it caches none
                auto db = storage::Db::open(m_path.string(), options);
                if (!db) continue;
                own.emplace(std::move(*db));
            }
            if (sqlite3_wal_checkpoint_v2(own->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) ==
                SQLITE_OK) {
                std::lock_guard lock(m_mutex);
                ++m_done;
            }
        } catch (const std::exception&) {
        }
        m_changed.notify_all();
    }
}

}  // namespace chasqui::sync
