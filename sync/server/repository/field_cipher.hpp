#pragma once
// The server's field key: encrypts personal fields before they reach
// PostgreSQL, and hashes document numbers for lookups, so that a database
// dump or a stolen backup reveals no one (sync/server/SECURITY.md).
//
// The key is 32 random bytes in DATA/server.fields.key (mode 0600), kept
// outside the database and its backups; every process of one server reads
// the same file. Two subkeys are derived from it (crypto_kdf): one for
// XChaCha20-Poly1305-IETF, one for the keyed document-number hash.
//
// A sealed value is: version byte (1) | 24-byte nonce | ciphertext and tag.
// Its associated data is the version byte and the value's place (table,
// entity, record, field...), so a ciphertext moved to another row or field
// no longer opens.
//
// Threading: every const method may be called from any thread at once.
#include <filesystem>
#include <string>
#include <string_view>

#include "storage/base/secret.hpp"
#include "sync/protocol/sync_error.hpp"

namespace chasqui::sync {

class FieldCipher {
public:
    // DATA/server.fields.key.
    static std::filesystem::path keyPath(const std::filesystem::path& dataDir);
    // Reads the key file, creating it with a random key on first use. Several
    // processes starting at once end up with the same key (the file is
    // created without ever replacing one). Internal, naming the file, when it
    // is unreadable or not 32 bytes.
    static SyncResult<FieldCipher> openOrCreate(const std::filesystem::path& dataDir);
    // From raw key bytes (32); Internal when the size is wrong.
    static SyncResult<FieldCipher> fromKey(const storage::SecretBytes& key);

    FieldCipher(FieldCipher&&) noexcept = default;
    FieldCipher& operator=(FieldCipher&&) noexcept = default;

    // The sealed bytes of `plaintext` bound to `place`.
    std::string seal(std::string_view plaintext, std::string_view place) const;
    // The plaintext, or Internal ("field key does not match the database")
    // when the bytes were sealed with another key, for another place, or
    // were damaged. The message never holds the value.
    SyncResult<std::string> open(std::string_view sealed, std::string_view place) const;
    // The keyed hash (32 bytes, lower-case hex) of a document number,
    // normalized first: the same number typed "ab-123 45" or "AB12345"
    // has the same hash.
    std::string lookupHash(std::string_view docNumber) const;
    // Upper case, without spaces and dashes.
    static std::string normalizeDocNumber(std::string_view docNumber);

private:
    FieldCipher() = default;
    storage::SecretBytes m_sealKey;
    storage::SecretBytes m_lookupKey;
};

// The message of a value that does not open.
inline constexpr std::string_view kFieldKeyMismatch =
    "field key does not match the database: check DATA/server.fields.key (every server process must use the same "
    "file, and a restored database needs the key file it was written with)";

}  // namespace chasqui::sync
