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

// zstd levels, measured on the demo's 10 000 cases with zstd's own
// benchmark (zstd -b):
// - a push batch (1 000 changes; 52 batches, 22.8 MB of JSON) packs into
//   2 098 968 bytes at level 12 (81 MB/s), 2 132 155 at 8 (119 MB/s) and
//   2 223 388 at 6 (167 MB/s): a kiosk's 2G uplink is where bytes count;
// - a pull page (500 changes; 103 pages, 23.0 MB) packs into 2 354 067 bytes
//   at level 12 (21 MB/s) and 2 325 643 at 6 (157 MB/s): smaller and 7x
//   cheaper, and the server packs a page for every kiosk that pulls it.
constexpr int kBatchLevel = 12;
constexpr int kPageLevel = 6;

SyncResult<std::string> sealCompressed(std::string_view plaintext, std::string_view publicKey, int level = kBatchLevel);
// Internal for a public key of the wrong size.
// BadRequest when the box does not open with this key pair (wrong receiver,
// truncated, tampered) or is not valid compressed data; TooLarge when it does
// not decompress within kMaxOpenedBytes. The receiver decides what that means
// (a server refuses the request, a kiosk the page).
SyncResult<std::string> openCompressed(std::string_view sealed, std::string_view publicKey,
                                       const storage::SecretBytes& secretKey);

std::string compress(std::string_view data, int level = kBatchLevel);
// BadRequest for data that is not a whole zstd frame, TooLarge past `maxBytes`.
SyncResult<std::string> decompress(std::string_view data, std::size_t maxBytes);

}  // namespace chasqui::sync
