#include "sync/client/device_keys.hpp"

#include <algorithm>

#include "storage/db/meta_table.hpp"
#include "storage/keys/key_wrap.hpp"
#include "sync/protocol/sealed_box.hpp"

namespace chasqui::sync {

namespace {

using storage::Result;

std::string encoded(const unsigned char* data, std::size_t size) {
    return storage::toBase64(data, size);
}
std::string encoded(const std::string& raw) {
    return encoded(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

// A stored pair, or an empty one when the store holds none yet.
Result<bool> readPair(storage::Db& db, const char* publicName, const char* secretName, std::size_t publicSize,
                      std::size_t secretSize, std::string& publicKey, storage::SecretBytes& secretKey) {
    auto pub = storage::readMeta(db, publicName);
    if (!pub) return std::unexpected(pub.error());
    auto sec = storage::readMeta(db, secretName);
    if (!sec) return std::unexpected(sec.error());
    if (pub->empty()) return false;
    std::string rawSecret;
    const bool ok = storage::fromBase64(*pub, publicKey) && publicKey.size() == publicSize &&
                    storage::fromBase64(*sec, rawSecret) && rawSecret.size() == secretSize;
    if (ok) {
        secretKey = storage::SecretBytes(secretSize);
        std::copy(rawSecret.begin(), rawSecret.end(), secretKey.data());
    }
    storage::wipeString(rawSecret);
    if (!ok)
        return storage::fail(storage::ErrorCode::Damaged, "the device's sync key is damaged; re-enroll the device");
    return true;
}

}  // namespace

Result<DeviceKeys> deviceKeys(storage::PersonalStore& store) {
    storage::Db& db = store.db();
    DeviceKeys keys;
    auto haveBox = readPair(db, "device_box_public", "device_box_secret", 32, 32, keys.boxPublic, keys.boxSecret);
    if (!haveBox) return std::unexpected(haveBox.error());
    auto haveSigning = readPair(db, "device_sign_public", "device_sign_secret", kSigningPublicKeyBytes,
                                kSigningSecretKeyBytes, keys.signingPublic, keys.signingSecret);
    if (!haveSigning) return std::unexpected(haveSigning.error());
    if (*haveBox && *haveSigning) return keys;
    if (!*haveBox) {
        BoxKeyPair pair = BoxKeyPair::generate();
        keys.boxPublic = std::move(pair.publicKey);
        keys.boxSecret = std::move(pair.secretKey);
    }
    if (!*haveSigning) {
        SigningKeyPair pair = SigningKeyPair::generate();
        keys.signingPublic = std::move(pair.publicKey);
        keys.signingSecret = std::move(pair.secretKey);
    }
    auto saved = store.writeVoid([&](storage::RecordWriter&) -> Result<void> {
        const std::pair<const char*, std::string> values[] = {
            {"device_box_public", encoded(keys.boxPublic)},
            {"device_box_secret", encoded(keys.boxSecret.data(), keys.boxSecret.size())},
            {"device_sign_public", encoded(keys.signingPublic)},
            {"device_sign_secret", encoded(keys.signingSecret.data(), keys.signingSecret.size())}};
        for (const auto& [name, value] : values) {
            if (auto r = storage::writeMeta(db, name, value); !r) return r;
        }
        return {};
    });
    if (!saved) return std::unexpected(saved.error());
    return keys;
}

Result<DevicePublicKeys> devicePublicKeys(storage::PersonalStore& store) {
    auto keys = deviceKeys(store);
    if (!keys) return std::unexpected(keys.error());
    return DevicePublicKeys{keys->boxPublic, keys->signingPublic};
}

}  // namespace chasqui::sync
