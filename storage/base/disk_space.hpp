#pragma once
// Free space on the file system that holds a kiosk's data directory, so the
// sign-in and sync screens can warn before writes start failing.
#include <cstdint>

#include "storage/base/data_dir.hpp"

namespace chasqui::storage {

// Below this many free bytes, or below kLowSpacePercent of the file system,
// whichever is smaller, the space counts as low. The smaller of the two so a
// large disk is not flagged at 5 % (tens of GiB still free) and a small card
// is not flagged forever.
inline constexpr std::uint64_t kLowSpaceBytes = 200ull * 1024 * 1024;
inline constexpr std::uint64_t kLowSpacePercent = 5;

struct DiskSpace {
    std::uint64_t freeBytes = 0;   // available to this (unprivileged) process
    std::uint64_t totalBytes = 0;  // size of the file system
    bool low = false;
    bool known = false;  // false when statvfs failed; the other fields are then 0
};

// Asks the file system (statvfs) about dir.root. Never throws; cheap enough to
// call once per screen refresh, but not from a draw function on every frame.
DiskSpace diskSpace(const DataDir& dir);

// The rule above, apart from the system call so it can be tested.
bool isLowSpace(std::uint64_t freeBytes, std::uint64_t totalBytes);

}  // namespace chasqui::storage
