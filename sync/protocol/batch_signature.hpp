#pragma once
// Pushed batches are signed by the device that made them (Ed25519, libsodium
// crypto_sign), so a device token alone cannot push anything: the signing
// secret lives inside the kiosk's encrypted personal-data store, and only a
// session opened with a PIN (or the sign-out that seals the last batch) can
// use it. A push body is the signature followed by the sealed batch:
//   body = signature (64 bytes) || crypto_box_seal(server_pk, zstd(JSON))
// What is signed is domain-separated, so a signature is worth nothing for
// another device, another purpose or another protocol version:
//   "chasqui push batch" NUL, protocol version (1 byte), length of the
//   device id (1 byte), device id, BLAKE2b-256(sealed batch)
// Replaying a signed body with its own device's token changes nothing:
// changes are idempotent by id (PROTOCOL.md, principle 2).
#include <cstddef>
#include <string>
#include <string_view>

#include "storage/base/secret.hpp"
#include "sync/protocol/sync_error.hpp"

namespace chasqui::sync {

constexpr std::size_t kSigningPublicKeyBytes = 32;
constexpr std::size_t kSigningSecretKeyBytes = 64;
constexpr std::size_t kBatchSignatureBytes = 64;

struct SigningKeyPair {
    std::string publicKey;           // 32 raw bytes
    storage::SecretBytes secretKey;  // 64 bytes, guarded memory
    static SigningKeyPair generate();
};

// What a device hands the server when it enrolls (raw bytes).
struct DevicePublicKeys {
    std::string box;      // X25519, 32 bytes: pulled pages are sealed to it
    std::string signing;  // Ed25519, 32 bytes: pushed batches are signed with it
};

// The push body for `sealed`, made by `deviceId`. Internal for a key of the wrong size.
SyncResult<std::string> signBatch(std::string_view sealed, std::string_view deviceId,
                                  const storage::SecretBytes& signingSecret);
// The sealed batch inside `body` when its signature is `deviceId`'s under
// `signingPublicKey`; BadSignature otherwise (unsigned, cut, altered, another
// device's, no key known). Reads nothing of the sealed batch but its hash.
SyncResult<std::string_view> verifySignedBatch(std::string_view body, std::string_view deviceId,
                                               std::string_view signingPublicKey);

}  // namespace chasqui::sync
