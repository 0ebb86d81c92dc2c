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

}  // namespace

SyncResult<std::string> ServerCore::issueEnrollCode(const std::string& office, std::int64_t validForMs) {
    if (office.size() != 3 || !std::all_of(office.begin(), office.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        return syncFail(SyncErrorCode::BadRequest, "office must be a 3-letter code such as TUM");
    storage::ensureSodium();
    std::string code;
    for (int i = 0; i < 10; ++i)
        code.push_back(kCodeAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kCodeAlphabet.size()))]);
    if (auto r = m_repo->addEnrollCode(hashSecret(code), office, m_clock.nowMs() + validForMs); !r)
        return std::unexpected(r.error());
    return code.substr(0, 5) + "-" + code.substr(5);
}

SyncResult<Enrollment> ServerCore::enroll(const std::string& code, const std::string& deviceId,
                                          const DevicePublicKeys& keys, const std::string& expectedOffice) {
    if (!storage::isUuid(deviceId)) return syncFail(SyncErrorCode::BadRequest, "device_id must be a lower-case UUID");
    if (keys.box.size() != crypto_box_PUBLICKEYBYTES)
        return syncFail(SyncErrorCode::BadRequest, "device_public_key must be 32 bytes");
    if (keys.signing.size() != crypto_sign_PUBLICKEYBYTES)
        return syncFail(SyncErrorCode::BadRequest, "device_signing_key must be 32 bytes");
    const std::string normalized = normalizeCode(code);
    if (normalized.size() != 10)
        return syncFail(SyncErrorCode::EnrollCodeInvalid, "the enrollment code is not valid; ask for a new one");
    const std::string codeHash = hashSecret(normalized);
    auto tx = m_repo->beginEnrollment();
    if (!tx) return std::unexpected(tx.error());
    auto found = (*tx)->code(codeHash);
    if (!found) return std::unexpected(found.error());
    if (!*found)
        return syncFail(SyncErrorCode::EnrollCodeInvalid, "the enrollment code is not valid; ask for a new one");
    const EnrollCodeRow& issued = **found;
    if (issued.used || issued.expiresAt < m_clock.nowMs())
        return syncFail(SyncErrorCode::EnrollCodeInvalid,
                        "the enrollment code was already used or has expired; ask for a new one");
    const std::string& office = issued.office;
    if (!expectedOffice.empty() && expectedOffice != office)
        return syncFail(SyncErrorCode::EnrollCodeInvalid,
                        fmt::format("this code is for office {}, but the kiosk belongs to {}; ask for a code for {}",
                                    office, expectedOffice, expectedOffice));
    // Enrolled before batches were signed: the code (an administrator's
    // decision, like any enrollment) registers its keys now. A token alone never can.
    auto existing = (*tx)->device(deviceId);
    if (!existing) return std::unexpected(existing.error());
    const bool known = existing->has_value();
    const bool unsignedDevice = known && !(*existing)->revoked && (*existing)->signingKey.empty();
    if (known && !unsignedDevice)
        return syncFail(SyncErrorCode::AlreadyEnrolled,
                        "this device is already enrolled; revoke it first to enroll again");
    if (unsignedDevice && (*existing)->office != office)
        return syncFail(SyncErrorCode::EnrollCodeInvalid,
                        fmt::format("this device belongs to office {}; ask for a code for {}", (*existing)->office,
                                    (*existing)->office));
    DeviceInfo device;
    device.id = deviceId;
    device.office = office;
    device.publicKey = keys.box;
    device.signingKey = keys.signing;
    device.enrolledAt = m_clock.nowMs();
    if (unsignedDevice) {
        device.number = (*existing)->number;
    } else {
        auto highest = (*tx)->highestNumber(office);
        if (!highest) return std::unexpected(highest.error());
        device.number = *highest + 1;
    }
    std::array<unsigned char, 32> raw{};
    randombytes_buf(raw.data(), raw.size());
    std::string token(sodium_base64_encoded_len(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(token.data(), token.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    token.resize(token.size() - 1);
    // Replacing only ever replaces an unsigned device's row (checked above).
    if (auto r = (*tx)->commit(device, hashSecret(token), unsignedDevice, codeHash, m_clock.nowMs()); !r)
        return std::unexpected(r.error());
    return Enrollment{deviceId, office, device.number, token};
}

SyncResult<DeviceInfo> ServerCore::authenticate(const std::string& token) {
    if (token.empty() || token.size() > 128)
        return syncFail(SyncErrorCode::Unauthorized, "this device is not enrolled; enroll it with a code");
    auto row = m_repo->deviceByToken(hashSecret(token));
    if (!row) return std::unexpected(row.error());
    if (!*row) return syncFail(SyncErrorCode::Unauthorized, "this device is not enrolled; enroll it with a code");
    DeviceInfo d = std::move(**row);
    if (d.revoked)
        return syncFail(SyncErrorCode::Revoked,
                        "this device was revoked: its sync queue and personal data must be wiped");
    // Not on every request: each write is a commit (an fsync) that a pull would
    // otherwise wait for behind the pushes of every other device.
    const std::int64_t now = m_clock.nowMs();
    if (now - d.lastSeenAt >= kLastSeenResolutionMs || now < d.lastSeenAt) {
        if (m_repo->markSeen(d.id, now)) d.lastSeenAt = now;
    }
    return d;
}

SyncResult<std::vector<DeviceInfo>> ServerCore::devices() {
    return m_repo->devices();
}

SyncResult<void> ServerCore::revoke(const std::string& deviceId) {
    auto revoked = m_repo->revoke(deviceId);
    if (!revoked) return std::unexpected(revoked.error());
    if (!*revoked) return syncFail(SyncErrorCode::NotFound, "no device with that id");
    return {};
}

}  // namespace chasqui::sync
