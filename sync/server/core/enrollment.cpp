// Enrollment codes, device credentials and revocation.
#include <sodium.h>

#include <array>

#include <fmt/format.h>

#include "storage/records/ids.hpp"
#include "sync/server/core/server_core.hpp"

namespace chasqui::sync {

namespace {

// Unambiguous when read aloud or typed on a touch keyboard: no 0/O, 1/I/L.
constexpr std::string_view kCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

std::string hashSecret(std::string_view secret) {
    std::array<unsigned char, 32> digest{};
    crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                       secret.size(), nullptr, 0);
    std::array<char, 65> hex{};
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    return {hex.data(), 64};
}

std::string normalizeCode(std::string_view code) {
    std::string out;
    for (char c : code) {
        if (c == '-' || c == ' ') continue;
        out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
    return out;
}

// id, office, number, public_key, revoked, enrolled_at, last_seen_at, signing_key
DeviceInfo deviceRow(const storage::Stmt& row) {
    DeviceInfo d{row.text(0),    row.text(1),   static_cast<int>(row.integer(2)), row.text(3), {}, row.integer(4) != 0,
                 row.integer(5), row.integer(6)};
    d.signingKey = row.text(7);
    return d;
}

}  // namespace

SyncResult<std::string> ServerStore::issueEnrollCode(const std::string& office, std::int64_t validForMs) {
    if (office.size() != 3 || !std::all_of(office.begin(), office.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        return syncFail(SyncErrorCode::BadRequest, "office must be a 3-letter code such as TUM");
    storage::ensureSodium();
    std::string code;
    for (int i = 0; i < 10; ++i)
        code.push_back(kCodeAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kCodeAlphabet.size()))]);
    std::lock_guard lock(m_writeMutex);
    auto stmt = m_db->prepare("INSERT INTO enroll_codes (code_hash, office, expires_at) VALUES (?, ?, ?)");
    if (!stmt) return std::unexpected(fromStorage(stmt.error()));
    stmt->bind(1, hashSecret(code)).bind(2, office).bind(3, m_clock.nowMs() + validForMs);
    if (auto r = stmt->run(); !r) return std::unexpected(fromStorage(r.error()));
    return code.substr(0, 5) + "-" + code.substr(5);
}

SyncResult<Enrollment> ServerStore::enroll(const std::string& code, const std::string& deviceId,
                                           const DevicePublicKeys& keys, const std::string& expectedOffice) {
    if (!storage::isUuid(deviceId)) return syncFail(SyncErrorCode::BadRequest, "device_id must be a lower-case UUID");
    if (keys.box.size() != crypto_box_PUBLICKEYBYTES)
        return syncFail(SyncErrorCode::BadRequest, "device_public_key must be 32 bytes");
    if (keys.signing.size() != crypto_sign_PUBLICKEYBYTES)
        return syncFail(SyncErrorCode::BadRequest, "device_signing_key must be 32 bytes");
    const std::string normalized = normalizeCode(code);
    if (normalized.size() != 10)
        return syncFail(SyncErrorCode::EnrollCodeInvalid, "the enrollment code is not valid; ask for a new one");
    std::lock_guard lock(m_writeMutex);
    storage::Transaction tx(*m_db);
    if (auto r = tx.begin(); !r) return std::unexpected(fromStorage(r.error()));
    struct Code {
        std::string office;
        std::int64_t expires;
        bool used;
    };
    auto found = m_db->readOne(
        "SELECT office, expires_at, used_at FROM enroll_codes WHERE code_hash = ?",
        [](const storage::Stmt& s) {
            return Code{s.text(0), s.integer(1), !s.isNull(2)};
        },
        hashSecret(normalized));
    if (!found) return std::unexpected(fromStorage(found.error()));
    if (!*found)
        return syncFail(SyncErrorCode::EnrollCodeInvalid, "the enrollment code is not valid; ask for a new one");
    const auto& [office, expires, used] = **found;
    if (used || expires < m_clock.nowMs())
        return syncFail(SyncErrorCode::EnrollCodeInvalid,
                        "the enrollment code was already used or has expired; ask for a new one");
    if (!expectedOffice.empty() && expectedOffice != office)
        return syncFail(SyncErrorCode::EnrollCodeInvalid,
                        fmt::format("this code is for office {}, but the kiosk belongs to {}; ask for a code for {}",
                                    office, expectedOffice, expectedOffice));
    struct Known {
        std::string office;
        std::int64_t number;
        bool unsignedDevice;
    };
    // Enrolled before batches were signed: the code (an administrator's
    // decision, like any enrollment) registers its keys now. A token alone never can.
    auto existing = m_db->readOne(
        "SELECT office, number, revoked, signing_key FROM devices WHERE id = ?",
        [](const storage::Stmt& s) {
            return Known{s.text(0), s.integer(1), s.integer(2) == 0 && s.text(3).empty()};
        },
        deviceId);
    if (!existing) return std::unexpected(fromStorage(existing.error()));
    const bool known = existing->has_value();
    const std::string knownOffice = known ? (*existing)->office : std::string();
    const std::int64_t knownNumber = known ? (*existing)->number : 0;
    const bool unsignedDevice = known && (*existing)->unsignedDevice;
    if (known && !unsignedDevice)
        return syncFail(SyncErrorCode::AlreadyEnrolled,
                        "this device is already enrolled; revoke it first to enroll again");
    if (unsignedDevice && knownOffice != office)
        return syncFail(
            SyncErrorCode::EnrollCodeInvalid,
            fmt::format("this device belongs to office {}; ask for a code for {}", knownOffice, knownOffice));
    auto number =
        m_db->scalarInt(fmt::format("SELECT coalesce(max(number), 0) + 1 FROM devices WHERE office = '{}'", office));
    if (!number) return std::unexpected(fromStorage(number.error()));
    if (unsignedDevice) *number = knownNumber;
    std::array<unsigned char, 32> raw{};
    randombytes_buf(raw.data(), raw.size());
    std::string token(sodium_base64_encoded_len(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(token.data(), token.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    token.resize(token.size() - 1);
    // REPLACE only ever replaces an unsigned device's row (checked above).
    auto insert = m_db->prepare(
        "INSERT OR REPLACE INTO devices (id, office, number, token_hash, public_key, signing_key, enrolled_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!insert) return std::unexpected(fromStorage(insert.error()));
    insert->bind(1, deviceId).bind(2, office).bind(3, *number).bind(4, hashSecret(token)).bind(5, keys.box);
    insert->bind(6, keys.signing).bind(7, m_clock.nowMs());
    if (auto r = insert->run(); !r) return std::unexpected(fromStorage(r.error()));
    auto mark = m_db->prepare("UPDATE enroll_codes SET used_at = ?, device_id = ? WHERE code_hash = ?");
    if (!mark) return std::unexpected(fromStorage(mark.error()));
    mark->bind(1, m_clock.nowMs()).bind(2, deviceId).bind(3, hashSecret(normalized));
    if (auto r = mark->run(); !r) return std::unexpected(fromStorage(r.error()));
    if (auto r = tx.commit(); !r) return std::unexpected(fromStorage(r.error()));
    return Enrollment{deviceId, office, static_cast<int>(*number), token};
}

SyncResult<DeviceInfo> ServerStore::authenticate(const std::string& token) {
    if (token.empty() || token.size() > 128)
        return syncFail(SyncErrorCode::Unauthorized, "this device is not enrolled; enroll it with a code");
    auto reading = reader();
    if (!reading) return std::unexpected(reading.error());
    auto row = (*reading)->readOne(
        "SELECT id, office, number, public_key, revoked, enrolled_at, last_seen_at, signing_key FROM devices "
        "WHERE token_hash = ?",
        deviceRow, hashSecret(token));
    if (!row) return std::unexpected(fromStorage(row.error()));
    if (!*row) return syncFail(SyncErrorCode::Unauthorized, "this device is not enrolled; enroll it with a code");
    DeviceInfo d = std::move(**row);
    reading->reset();  // back to the pool before waiting for the writer
    if (d.revoked)
        return syncFail(SyncErrorCode::Revoked,
                        "this device was revoked: its sync queue and personal data must be wiped");
    // Not on every request: each write is a commit (an fsync) that a pull would
    // otherwise wait for behind the pushes of every other device.
    const std::int64_t now = m_clock.nowMs();
    if (now - d.lastSeenAt >= kLastSeenResolutionMs || now < d.lastSeenAt) {
        std::lock_guard lock(m_writeMutex);
        auto seen = m_db->prepare("UPDATE devices SET last_seen_at = ? WHERE id = ?");
        if (seen) {
            seen->bind(1, now).bind(2, d.id);
            if (seen->run()) d.lastSeenAt = now;
        }
    }
    return d;
}

SyncResult<std::vector<DeviceInfo>> ServerStore::devices() {
    auto reading = reader();
    if (!reading) return std::unexpected(reading.error());
    auto stmt = (*reading)->prepare(
        "SELECT id, office, number, public_key, revoked, enrolled_at, last_seen_at, signing_key FROM devices "
        "ORDER BY office, number");
    if (!stmt) return std::unexpected(fromStorage(stmt.error()));
    std::vector<DeviceInfo> out;
    for (;;) {
        auto row = stmt->step();
        if (!row) return std::unexpected(fromStorage(row.error()));
        if (!*row) break;
        out.push_back(deviceRow(*stmt));
    }
    return out;
}

SyncResult<void> ServerStore::revoke(const std::string& deviceId) {
    std::lock_guard lock(m_writeMutex);
    auto stmt = m_db->prepare("UPDATE devices SET revoked = 1 WHERE id = ?");
    if (!stmt) return std::unexpected(fromStorage(stmt.error()));
    stmt->bind(1, deviceId);
    if (auto r = stmt->run(); !r) return std::unexpected(fromStorage(r.error()));
    if (m_db->changes() == 0) return syncFail(SyncErrorCode::NotFound, "no device with that id");
    return {};
}

}  // namespace chasqui::sync
