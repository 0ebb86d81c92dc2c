#pragma once
// Advisory lock keys of the PostgreSQL store. Two-int keys (class, key) live
// in a space of their own, apart from the one-bigint keys of record locks
// (PushTransaction::lockRecords), so the two never collide.
#include <cstdint>

namespace chasqui::sync::pg {

inline constexpr std::int32_t kLockClass = 0x43485153;        // "CHQS"
inline constexpr std::int32_t kOfficeLockClass = 0x4348514F;  // "CHQO": key hashtext(office)
inline constexpr std::int32_t kMigrationLock = 1;             // session lock while migrating
inline constexpr std::int32_t kLogPositionLock = 2;           // xact lock while taking log positions

}  // namespace chasqui::sync::pg
