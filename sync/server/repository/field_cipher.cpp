#include "sync/server/repository/field_cipher.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "storage/base/data_dir.hpp"

namespace chasqui::sync {

namespace fs = std::filesystem;

namespace {

constexpr unsigned char kVersion = 1;
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "ChqField";
constexpr std::uint64_t kSealSubkey = 1;
constexpr std::uint64_t kLookupSubkey = 2;
constexpr std::size_t kHeader = 1 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;

std::string associatedData(std::string_view place) {
    std::string ad(1, static_cast<char>(kVersion));
    ad.append(place);
    return ad;
}

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

bool syncDirectory(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

// Creates `path` with a fresh random key unless it exists. The key is written
// to a file of this process alone and then hard-linked to its name: link()
// never replaces a file, so two processes starting at once cannot each keep
// a key of their own (a rename would let the second overwrite the first's).
SyncResult<void> createKeyFileIfAbsent(const fs::path& path) {
    std::error_code ec;
    if (fs::exists(path, ec)) return {};
    storage::SecretBytes fresh = storage::SecretBytes::random(crypto_kdf_KEYBYTES);
    std::array<unsigned char, 8> suffix{};
    randombytes_buf(suffix.data(), suffix.size());
    std::array<char, 17> hex{};
    sodium_bin2hex(hex.data(), hex.size(), suffix.data(), suffix.size());
    const fs::path temporary = path.parent_path() / fmt::format(".{}.{}", path.filename().string(), hex.data());
    if (auto r = storage::writeFileAtomically(
            temporary, std::string_view(reinterpret_cast<const char*>(fresh.data()), fresh.size()));
        !r)
        return std::unexpected(fromStorage(r.error(), fmt::format("cannot create {}", path.string())));
    const int linked = ::link(temporary.c_str(), path.c_str());
    const int linkError = errno;
    fs::remove(temporary, ec);
    if (linked != 0 && linkError != EEXIST)
        return syncFail(SyncErrorCode::Internal,
                        fmt::format("cannot create {}: {}", path.string(), std::strerror(linkError)));
    if (!syncDirectory(path.parent_path()))
        return syncFail(SyncErrorCode::Internal, fmt::format("cannot sync {}", path.parent_path().string()));
    return {};
}

}  // namespace

fs::path FieldCipher::keyPath(const fs::path& dataDir) {
    return dataDir / "server.fields.key";
}

SyncResult<FieldCipher> FieldCipher::openOrCreate(const fs::path& dataDir) {
    storage::ensureSodium();
    const fs::path path = keyPath(dataDir);
    if (auto r = createKeyFileIfAbsent(path); !r) return std::unexpected(r.error());
    auto content = storage::readSmallFile(path, 64);
    if (!content || content->size() != crypto_kdf_KEYBYTES) {
        if (content) storage::wipeString(*content);
        return syncFail(SyncErrorCode::Internal,
                        fmt::format("{} is missing or damaged (it must hold 32 bytes); restore it from where the "
                                    "server's keys are kept",
                                    path.string()));
    }
    storage::SecretBytes key(crypto_kdf_KEYBYTES);
    std::memcpy(key.data(), content->data(), key.size());
    storage::wipeString(*content);
    return fromKey(key);
}

SyncResult<FieldCipher> FieldCipher::fromKey(const storage::SecretBytes& key) {
    storage::ensureSodium();
    if (key.size() != crypto_kdf_KEYBYTES) return syncFail(SyncErrorCode::Internal, "the field key must be 32 bytes");
    FieldCipher cipher;
    cipher.m_sealKey = storage::SecretBytes(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
    cipher.m_lookupKey = storage::SecretBytes(crypto_generichash_KEYBYTES);
    crypto_kdf_derive_from_key(cipher.m_sealKey.data(), cipher.m_sealKey.size(), kSealSubkey, kKdfContext, key.data());
    crypto_kdf_derive_from_key(cipher.m_lookupKey.data(), cipher.m_lookupKey.size(), kLookupSubkey, kKdfContext,
                               key.data());
    return cipher;
}

std::string FieldCipher::seal(std::string_view plaintext, std::string_view place) const {
    const std::string ad = associatedData(place);
    std::string out(kHeader + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    o[0] = kVersion;
    randombytes_buf(o + 1, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(o + kHeader, &written, bytes(plaintext), plaintext.size(), bytes(ad),
                                               ad.size(), nullptr, o + 1, m_sealKey.data());
    out.resize(kHeader + written);
    return out;
}

SyncResult<std::string> FieldCipher::open(std::string_view sealed, std::string_view place) const {
    if (sealed.size() < kHeader + crypto_aead_xchacha20poly1305_ietf_ABYTES ||
        static_cast<unsigned char>(sealed[0]) != kVersion)
        return syncFail(SyncErrorCode::Internal, std::string(kFieldKeyMismatch));
    const std::string ad = associatedData(place);
    std::string out(sealed.size() - kHeader - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
    unsigned long long written = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(out.data()), &written, nullptr,
                                                   bytes(sealed) + kHeader, sealed.size() - kHeader, bytes(ad),
                                                   ad.size(), bytes(sealed) + 1, m_sealKey.data()) != 0)
        return syncFail(SyncErrorCode::Internal, std::string(kFieldKeyMismatch));
    out.resize(written);
    return out;
}

std::string FieldCipher::normalizeDocNumber(std::string_view docNumber) {
    std::string out;
    out.reserve(docNumber.size());
    for (char c : docNumber) {
        if (c == ' ' || c == '-' || c == '\t') continue;
        out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
    return out;
}

std::string FieldCipher::lookupHash(std::string_view docNumber) const {
    std::string normalized = normalizeDocNumber(docNumber);
    std::array<unsigned char, 32> digest{};
    crypto_generichash(digest.data(), digest.size(), bytes(normalized), normalized.size(), m_lookupKey.data(),
                       m_lookupKey.size());
    storage::wipeString(normalized);
    std::array<char, 65> hex{};
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    return {hex.data(), 64};
}

}  // namespace chasqui::sync
