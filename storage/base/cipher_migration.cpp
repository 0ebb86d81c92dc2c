#include "storage/base/cipher_migration.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "storage/base/sqlite_db.hpp"

namespace chasqui::storage {

namespace fs = std::filesystem;

namespace {

void killIfAsked(const char* step) {
    const char* at = std::getenv("CHASQUI_TEST_MIGRATION_KILL_AT");
    if (at != nullptr && std::strcmp(at, step) == 0) ::kill(::getpid(), SIGKILL);
}

Error ioError(const fs::path& path, std::string_view what) {
    return Error{ErrorCode::Io,
                 fmt::format("cannot {} {} while moving the store to SQLCipher 4: {}. The old store is "
                             "unchanged; free disk space (the move needs as much again as the store) and retry.",
                             what, path.string(), std::strerror(errno)),
                 {}};
}

// Closes the descriptor (and with it the flock) when the migration ends.
class FileLock {
public:
    explicit FileLock(int fd) : m_fd(fd) {}
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock() {
        if (m_fd >= 0) ::close(m_fd);
    }

private:
    int m_fd;
};

Result<void> syncPath(const fs::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return std::unexpected(ioError(path, "open"));
    const int rc = ::fsync(fd);
    const int saved = errno;
    ::close(fd);
    errno = saved;
    if (rc != 0) return std::unexpected(ioError(path, "sync"));
    return {};
}

void removeExport(const fs::path& exported) {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(exported.string() + suffix, ec);
}

bool opensAsCurrent(const fs::path& path, const SecretBytes& key) {
    OpenOptions options;
    options.rawKey = &key;
    options.readOnly = true;  // read-only: Db::open does not try to move it again
    return Db::open(path.string(), options).has_value();
}

// Into the attached `migrated`: every table, index and trigger, and the
// user_version. A scratch file until it is synced and renamed: no journal,
// no fsync per table (the export is one transaction per table).
Result<void> copyIntoAttached(Db& legacy, std::int64_t userVersion) {
    if (auto r = legacy.exec("PRAGMA migrated.journal_mode = OFF; PRAGMA migrated.synchronous = OFF"); !r) return r;
    if (auto r = legacy.scalarInt("SELECT sqlcipher_export('migrated')"); !r) return std::unexpected(r.error());
    return legacy.exec(fmt::format("PRAGMA migrated.user_version = {}", userVersion));
}

// The whole store into `exported`, in SQLCipher 4's format, with the same key.
Result<void> exportStore(Db& legacy, const fs::path& exported, const SecretBytes& key) {
    auto version = legacy.scalarInt("PRAGMA user_version");
    if (!version) return std::unexpected(version.error());
    const SecretBytes keySpec = rawKeySpec(key);
    auto attach = legacy.prepare("ATTACH DATABASE ?1 AS migrated KEY ?2");
    if (!attach) return std::unexpected(attach.error());
    attach->bind(1, exported.string())
        .bind(2, std::string_view(reinterpret_cast<const char*>(keySpec.data()), kRawKeySpecSize));
    auto attached = attach->run();
    attach->reset();  // drops SQLite's copy of the bound key text
    if (!attached) return attached;
    auto copied = copyIntoAttached(legacy, *version);
    auto detached = legacy.exec("DETACH DATABASE migrated");
    if (!copied) return copied;
    return detached;
}

}  // namespace

Result<bool> migrateFromSqlcipher3(const fs::path& path, const SecretBytes& key) {
    const int lockFd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (lockFd < 0) return false;  // nothing there to migrate: the caller's own error stands
    FileLock lock(lockFd);
    if (::flock(lockFd, LOCK_EX) != 0) return std::unexpected(ioError(path, "lock"));
    // Another process may have migrated the store while this one waited.
    if (opensAsCurrent(path, key)) return true;

    OpenOptions legacyOptions;
    legacyOptions.rawKey = &key;
    legacyOptions.format = CipherFormat::Sqlcipher3;
    auto legacy = Db::open(path.string(), legacyOptions);
    if (!legacy) return false;

    // Committed pages still in the WAL go into the old file first (it is the
    // same data, in the same format): the export then reads one file.
    if (auto r = legacy->exec("PRAGMA wal_checkpoint(TRUNCATE)"); !r) return std::unexpected(r.error());
    killIfAsked("checkpointed");

    const fs::path exported = path.string() + ".sqlcipher4";
    removeExport(exported);  // a previous attempt killed half way
    if (auto r = exportStore(*legacy, exported, key); !r) {
        removeExport(exported);
        return std::unexpected(r.error());
    }
    killIfAsked("exported");
    legacy->close();  // the last connection: SQLite removes the (empty) WAL
    std::error_code ec;
    if (fs::file_size(path.string() + "-wal", ec) > 0 && !ec) {
        removeExport(exported);
        return std::unexpected(Error{ErrorCode::Io,
                                     "the store is in use by another program and cannot be moved to SQLCipher 4 "
                                     "now. Close every Chasqui program on this data directory and retry.",
                                     {}});
    }
    if (auto r = syncPath(exported, O_RDONLY); !r) {
        removeExport(exported);
        return std::unexpected(r.error());
    }
    killIfAsked("synced");
    if (::rename(exported.c_str(), path.c_str()) != 0) {
        auto error = ioError(exported, "rename");
        removeExport(exported);
        return std::unexpected(error);
    }
    killIfAsked("renamed");
    fs::remove(path.string() + "-shm", ec);  // the old store's, if SQLite left one
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    if (auto r = syncPath(dir, O_RDONLY | O_DIRECTORY); !r) return std::unexpected(r.error());
    return true;
}

}  // namespace chasqui::storage
