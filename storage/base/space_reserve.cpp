#include "storage/base/space_reserve.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "storage/base/disk_space.hpp"

namespace chasqui::storage {

namespace fs = std::filesystem;

fs::path spaceReservePath(const DataDir& dir) {
    return dir.root / "space.reserve";
}

bool ensureSpaceReserve(const DataDir& dir) {
    const fs::path path = spaceReservePath(dir);
    std::error_code ec;
    if (fs::is_regular_file(fs::symlink_status(path, ec)) && fs::file_size(path, ec) >= kSpaceReserveBytes) return true;
    const DiskSpace space = diskSpace(dir);
    if (!space.known || space.freeBytes < 4 * kSpaceReserveBytes) return false;
    const fs::path tmp = path.string() + ".tmp";
    ::unlink(tmp.c_str());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return false;
    // posix_fallocate allocates real blocks (it writes zeros itself where the
    // file system cannot allocate): a sparse file would reserve nothing.
    const bool allocated = ::posix_fallocate(fd, 0, static_cast<off_t>(kSpaceReserveBytes)) == 0 && ::fsync(fd) == 0;
    ::close(fd);
    if (!allocated || ::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return false;
    }
    return true;
}

bool releaseSpaceReserve(const DataDir& dir) {
    const fs::path path = spaceReservePath(dir);
    if (::unlink(path.c_str()) != 0) return false;
    // Make the freed blocks count before the write that needs them is retried.
    const int dirFd = ::open(dir.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
    return true;
}

}  // namespace chasqui::storage
