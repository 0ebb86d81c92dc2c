#pragma once
// Wrapping of the data key by one staff credential: Argon2id turns the PIN into
// a key-encryption key, a device secret kept apart from the database is mixed
// in (keyed BLAKE2b), and XChaCha20-Poly1305 seals the data key with the staff
// id as associated data (so a wrap cannot be moved to another account).
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/base/error.hpp"
#include "storage/base/secret.hpp"

namespace chasqui::storage {

struct KdfParams {
    std::uint64_t opsLimit = 3;
    std::size_t memLimit = 64u * 1024u * 1024u;  // 64 MiB: ~0.3 s on a kiosk-class CPU
    static KdfParams kiosk() { return {}; }
    // Smallest allowed by libsodium; for tests only, never written by the CLI.
    static KdfParams minimumForTests();
};

struct WrappedKey {
    std::string salt;        // base64
    std::string nonce;       // base64
    std::string ciphertext;  // base64: 32-byte key + 16-byte tag
    KdfParams kdf;
};

Result<WrappedKey> wrapDataKey(const SecretBytes& dataKey, std::string_view pin, const SecretBytes& deviceSecret,
                               std::string_view staffId, const KdfParams& params);
// WrongCredential when the PIN (or the device secret) does not match.
Result<SecretBytes> unwrapDataKey(const WrappedKey& wrapped, std::string_view pin, const SecretBytes& deviceSecret,
                                  std::string_view staffId);

std::string toBase64(const unsigned char* data, std::size_t size);
bool fromBase64(std::string_view text, std::string& out);

}  // namespace chasqui::storage
