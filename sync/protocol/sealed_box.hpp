#pragma once
// Batches are compressed (zstd) and then sealed to the receiver's X25519
// public key (libsodium sealed boxes: anonymous sender, authenticated
// encryption). Compression comes first because ciphertext does not compress.
#include <cstddef>
#include <string>
#include <string_view>

#include "storage/base/secret.hpp"
#include "sync/protocol/sync_error.hpp"

namespace chasqui::sync {

constexpr std::size_t kMaxOpenedBytes = 32u * 1024u * 1024u;  // refuses zip bombs

struct BoxKeyPair {
    std::string publicKey;           // 32 raw bytes
    storage::SecretBytes secretKey;  // 32 bytes, guarded memory
    static BoxKeyPair generate();
};

SyncResult<std::string> sealCompressed(std::string_view plaintext, std::string_view publicKey);
// Internal for a public key of the wrong size.
// BadRequest when the box does not open with this key pair (wrong receiver,
// truncated, tampered) or is not valid compressed data; TooLarge when it does
// not decompress within kMaxOpenedBytes. The receiver decides what that means
// (a server refuses the request, a kiosk the page).
SyncResult<std::string> openCompressed(std::string_view sealed, std::string_view publicKey,
                                       const storage::SecretBytes& secretKey);

std::string compress(std::string_view data);
// BadRequest for data that is not a whole zstd frame, TooLarge past `maxBytes`.
SyncResult<std::string> decompress(std::string_view data, std::size_t maxBytes);

}  // namespace chasqui::sync
