#pragma once
// A few MiB held in reserve in the data directory so that signing in keeps
// working on a full disk: the failed sign-in counter must be written before a
// PIN is checked, and a signed-in staff member is the only one who can free
// space through the app. The reserve is released when a keyring write fails
// with ENOSPC and made again when space allows (init, successful sign-in).
#include <cstdint>
#include <filesystem>

#include "storage/base/data_dir.hpp"

namespace chasqui::storage {

// Enough for several keyring rewrites, the WAL and shared-memory files of the
// store and the sign-in's audit entries.
inline constexpr std::uint64_t kSpaceReserveBytes = 2ull * 1024 * 1024;

std::filesystem::path spaceReservePath(const DataDir& dir);

// Makes the reserve file (allocated blocks, not a sparse file) when it is
// missing and the file system has room to spare (four times the reserve), so
// that it never takes the last free space itself. Best effort: false when it
// is not there afterwards.
bool ensureSpaceReserve(const DataDir& dir);

// Deletes the reserve; true when there was one to release.
bool releaseSpaceReserve(const DataDir& dir);

}  // namespace chasqui::storage
