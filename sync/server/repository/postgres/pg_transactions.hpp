#pragma once
// The PostgreSQL store's two transactions (enrollment, push) and the row
// helpers PgRepository shares with them. Internal to pg_repository.
#include <memory>

#include "sync/server/repository/field_cipher.hpp"
#include "sync/server/repository/postgres/pg_connection.hpp"
#include "sync/server/repository/server_repository.hpp"

namespace chasqui::sync::pg {

// The columns deviceFrom reads, in its order.
inline constexpr std::string_view kDeviceColumns =
    "id, office, number, public_key, revoked, enrolled_at, last_seen_at, signing_key";
SyncResult<DeviceInfo> deviceFrom(const PgResult& result, int row);
// Bytes as a bytea parameter in text format.
std::string byteaParam(std::string_view bytes);

// Both take a connection whose transaction has begun (PgPool::begin);
// destroyed without commit, the lease rolls it back.
SyncResult<std::unique_ptr<EnrollTransaction>> beginEnrollTransaction(PgPool::Lease lease);
SyncResult<std::unique_ptr<PushTransaction>> beginPushTransaction(PgPool::Lease lease, const FieldCipher& cipher);

}  // namespace chasqui::sync::pg
