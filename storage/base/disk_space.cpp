#include "storage/base/disk_space.hpp"

#include <sys/statvfs.h>

#include <algorithm>

namespace chasqui::storage {

bool isLowSpace(std::uint64_t freeBytes, std::uint64_t totalBytes) {
    const std::uint64_t percentLimit = totalBytes / 100 * kLowSpacePercent;
    return freeBytes < std::min(kLowSpaceBytes, percentLimit);
}

DiskSpace diskSpace(const DataDir& dir) {
    struct statvfs info {};
    if (::statvfs(dir.root.c_str(), &info) != 0) return DiskSpace{};
    const std::uint64_t unit = info.f_frsize != 0 ? info.f_frsize : info.f_bsize;
    DiskSpace space;
    space.freeBytes = static_cast<std::uint64_t>(info.f_bavail) * unit;
    space.totalBytes = static_cast<std::uint64_t>(info.f_blocks) * unit;
    space.low = isLowSpace(space.freeBytes, space.totalBytes);
    space.known = true;
    return space;
}

}  // namespace chasqui::storage
