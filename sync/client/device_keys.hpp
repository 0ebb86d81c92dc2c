#pragma once
// The device's own key pairs, made on first use and kept inside the encrypted
// personal-data store (meta table), never in a plain file: the X25519 box key
// that opens pulled pages, and the Ed25519 key that signs pushed batches
// (sync/protocol/batch_signature.hpp). Both are usable only while a session is open.
#include <string>

#include "storage/base/secret.hpp"
#include "storage/db/personal_store.hpp"
#include "sync/protocol/batch_signature.hpp"

namespace chasqui::sync {

struct DeviceKeys {
    std::string boxPublic;  // 32 raw bytes
    storage::SecretBytes boxSecret;
    std::string signingPublic;  // 32 raw bytes
    storage::SecretBytes signingSecret;
};

// Makes and saves whichever pair is missing (a kiosk from before signed
// batches gets its signing pair here). Damaged when a stored key is unreadable.
storage::Result<DeviceKeys> deviceKeys(storage::PersonalStore& store);
storage::Result<DevicePublicKeys> devicePublicKeys(storage::PersonalStore& store);

}  // namespace chasqui::sync
