#pragma once
// The embedded store's two write transactions (enrollment, push) and the row
// helpers the repository shares with them. Internal to
// sqlcipher_repository.cpp; the PostgreSQL store's counterpart is
// postgres/pg_transactions.hpp.
//
// Both hold the store's one write connection (and its mutex) from begin to
// end, and roll back unless committed.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "storage/base/sqlite_db.hpp"
#include "sync/server/repository/server_repository.hpp"

namespace chasqui::sync::embedded {

inline constexpr std::string_view kDeviceColumns =
    "id, office, number, public_key, revoked, enrolled_at, last_seen_at, signing_key";

inline DeviceInfo deviceRow(const storage::Stmt& row) {
    DeviceInfo d;
    d.id = row.text(0);
    d.office = row.text(1);
    d.number = static_cast<int>(row.integer(2));
    d.publicKey = row.text(3);
    d.revoked = row.integer(4) != 0;
    d.enrolledAt = row.integer(5);
    d.lastSeenAt = row.integer(6);
    d.signingKey = row.text(7);
    return d;
}

template <typename T>
SyncResult<T> failed(const storage::Error& e) {
    return std::unexpected(fromStorage(e));
}

// Statement-level helpers: prepare, bind, run, with the store's error kept.
template <typename... Values>
SyncResult<void> run(storage::Db& db, const std::string& sql, const Values&... values) {
    auto stmt = db.prepare(sql);
    if (!stmt) return failed<void>(stmt.error());
    stmt->bindAll(values...);
    if (auto r = stmt->run(); !r) return failed<void>(r.error());
    return {};
}

SyncResult<std::unique_ptr<EnrollTransaction>> beginEnrollment(std::mutex& writeMutex, storage::Db& db);
SyncResult<std::unique_ptr<PushTransaction>> beginPush(std::mutex& writeMutex, storage::Db& db);

}  // namespace chasqui::sync::embedded
