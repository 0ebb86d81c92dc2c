#include "sync/protocol/batch_signature.hpp"

#include <sodium.h>

#include <array>

namespace chasqui::sync {

namespace {

constexpr std::string_view kContext{"chasqui push batch\0", 19};
constexpr unsigned char kSignedVersion = 1;  // the protocol version the signature belongs to

// The domain-separated message: small and fixed in size whatever the batch.
std::string signedMessage(std::string_view sealed, std::string_view deviceId) {
    std::array<unsigned char, 32> digest{};
    crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(sealed.data()),
                       sealed.size(), nullptr, 0);
    std::string message(kContext);
    message.push_back(static_cast<char>(kSignedVersion));
    message.push_back(static_cast<char>(deviceId.size()));
    message.append(deviceId);
    message.append(reinterpret_cast<const char*>(digest.data()), digest.size());
    return message;
}

}  // namespace

SigningKeyPair SigningKeyPair::generate() {
    storage::ensureSodium();
    SigningKeyPair pair;
    pair.publicKey.resize(crypto_sign_PUBLICKEYBYTES);
    pair.secretKey = storage::SecretBytes(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(reinterpret_cast<unsigned char*>(pair.publicKey.data()), pair.secretKey.data());
    return pair;
}

SyncResult<std::string> signBatch(std::string_view sealed, std::string_view deviceId,
                                  const storage::SecretBytes& signingSecret) {
    static_assert(crypto_sign_BYTES == kBatchSignatureBytes && crypto_sign_SECRETKEYBYTES == kSigningSecretKeyBytes &&
                  crypto_sign_PUBLICKEYBYTES == kSigningPublicKeyBytes);
    storage::ensureSodium();
    if (signingSecret.size() != crypto_sign_SECRETKEYBYTES)
        return syncFail(SyncErrorCode::Internal, "the device's signing key has the wrong size");
    if (deviceId.empty() || deviceId.size() > 255)
        return syncFail(SyncErrorCode::Internal, "the device id is not valid");
    const std::string message = signedMessage(sealed, deviceId);
    std::string body(crypto_sign_BYTES, '\0');
    crypto_sign_detached(reinterpret_cast<unsigned char*>(body.data()), nullptr,
                         reinterpret_cast<const unsigned char*>(message.data()), message.size(), signingSecret.data());
    body.append(sealed);
    return body;
}

SyncResult<std::string_view> verifySignedBatch(std::string_view body, std::string_view deviceId,
                                               std::string_view signingPublicKey) {
    storage::ensureSodium();
    if (signingPublicKey.size() != crypto_sign_PUBLICKEYBYTES)
        return syncFail(SyncErrorCode::BadSignature, "no signing key is known for this device");
    if (deviceId.empty() || deviceId.size() > 255)
        return syncFail(SyncErrorCode::BadSignature, "the device id is not valid");
    if (body.size() < crypto_sign_BYTES) return syncFail(SyncErrorCode::BadSignature, "the batch carries no signature");
    const std::string_view sealed = body.substr(crypto_sign_BYTES);
    const std::string message = signedMessage(sealed, deviceId);
    if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(body.data()),
                                    reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                    reinterpret_cast<const unsigned char*>(signingPublicKey.data())) != 0)
        return syncFail(SyncErrorCode::BadSignature, "the batch's signature is not this device's");
    return sealed;
}

}  // namespace chasqui::sync
