#include "storage/keys/key_wrap.hpp"

#include <sodium.h>

#include <vector>

namespace chasqui::storage {

namespace {

constexpr const char* kContext = "chasqui-data-key-wrap-v1";

Result<SecretBytes> deriveKek(std::string_view pin, const unsigned char* salt, const SecretBytes& deviceSecret,
                              const KdfParams& params) {
    if (params.opsLimit < crypto_pwhash_OPSLIMIT_MIN || params.memLimit < crypto_pwhash_MEMLIMIT_MIN ||
        params.opsLimit > 20 || params.memLimit > (1ull << 31))
        return fail(ErrorCode::Damaged,
                    "the keyring holds key-derivation settings out of range; restore it from a backup");
    SecretBytes stretched(32);
    if (crypto_pwhash(stretched.data(), stretched.size(), pin.data(), pin.size(), salt, params.opsLimit,
                      params.memLimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return fail(ErrorCode::Internal, "not enough memory to check the PIN; close other programs and retry");
    }
    SecretBytes kek(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
    crypto_generichash(kek.data(), kek.size(), stretched.data(), stretched.size(), deviceSecret.data(),
                       deviceSecret.size());
    return kek;
}

}  // namespace

KdfParams KdfParams::minimumForTests() {
    return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

std::string toBase64(const unsigned char* data, std::size_t size) {
    std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);  // drop the terminating NUL
    return out;
}

bool fromBase64(std::string_view text, std::string& out) {
    out.assign(text.size(), '\0');
    std::size_t length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                          &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
        return false;
    out.resize(length);
    return true;
}

Result<WrappedKey> wrapDataKey(const SecretBytes& dataKey, std::string_view pin, const SecretBytes& deviceSecret,
                               std::string_view staffId, const KdfParams& params) {
    ensureSodium();
    unsigned char salt[crypto_pwhash_SALTBYTES];
    unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
    randombytes_buf(salt, sizeof salt);
    randombytes_buf(nonce, sizeof nonce);
    auto kek = deriveKek(pin, salt, deviceSecret, params);
    if (!kek) return std::unexpected(kek.error());
    const std::string ad = std::string(kContext) + ":" + std::string(staffId);
    std::vector<unsigned char> sealed(dataKey.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    unsigned long long sealedLength = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(sealed.data(), &sealedLength, dataKey.data(), dataKey.size(),
                                               reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr,
                                               nonce, kek->data());
    WrappedKey out;
    out.salt = toBase64(salt, sizeof salt);
    out.nonce = toBase64(nonce, sizeof nonce);
    out.ciphertext = toBase64(sealed.data(), static_cast<std::size_t>(sealedLength));
    out.kdf = params;
    return out;
}

Result<SecretBytes> unwrapDataKey(const WrappedKey& wrapped, std::string_view pin, const SecretBytes& deviceSecret,
                                  std::string_view staffId) {
    ensureSodium();
    std::string salt, nonce, sealed;
    if (!fromBase64(wrapped.salt, salt) || !fromBase64(wrapped.nonce, nonce) ||
        !fromBase64(wrapped.ciphertext, sealed) || salt.size() != crypto_pwhash_SALTBYTES ||
        nonce.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
        sealed.size() != 32 + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
        return fail(ErrorCode::Damaged,
                    "this staff member's key entry in the keyring is damaged; "
                    "an administrator must reset their PIN");
    }
    auto kek = deriveKek(pin, reinterpret_cast<const unsigned char*>(salt.data()), deviceSecret, wrapped.kdf);
    if (!kek) return std::unexpected(kek.error());
    const std::string ad = std::string(kContext) + ":" + std::string(staffId);
    SecretBytes key(32);
    unsigned long long keyLength = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            key.data(), &keyLength, nullptr, reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(),
            reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
            reinterpret_cast<const unsigned char*>(nonce.data()), kek->data()) != 0) {
        return fail(ErrorCode::WrongCredential, "wrong PIN");
    }
    return key;
}

}  // namespace chasqui::storage
