#include "sync/enrollment_client.hpp"

#include <fmt/format.h>

#include "storage/keyring.hpp"
#include "storage/meta_table.hpp"
#include "sync/curl_transport.hpp"
#include "sync/device_link.hpp"
#include "sync/kiosk_sync.hpp"

namespace chasqui::sync {

namespace {

std::unexpected<EnrollmentError> storageFailure(storage::Error error) {
    EnrollmentError e;
    e.kind = EnrollmentError::Kind::Storage;
    e.storage = std::move(error);
    return std::unexpected(std::move(e));
}

// Device number assigned by the server: case codes made from now on use it.
storage::Result<void> adoptDeviceNumber(storage::PersonalStore& store, int number) {
    auto saved = store.writeVoid(
        [&](storage::RecordWriter&) { return storage::writeMeta(store.db(), "device_number", std::to_string(number)); });
    if (!saved) return saved;
    auto keyring = storage::loadKeyring(store.dataDir().keyring());
    if (!keyring) return std::unexpected(keyring.error());
    keyring->deviceNumber = number;
    return storage::saveKeyring(store.dataDir().keyring(), *keyring);
}

}  // namespace

EnrollmentOutcome<EnrollmentResult> enrollDevice(storage::PersonalStore& store, HttpServerChannel& channel,
                                                 const std::string& serverUrl, const std::string& code) {
    if (!store.isOpen() || !store.session().isSupervisor())
        return storageFailure({storage::ErrorCode::PermissionDenied,
                               "only a supervisor or administrator may enroll the kiosk", {}});
    auto devicePk = devicePublicKey(store);
    if (!devicePk) return storageFailure(devicePk.error());
    const storage::Session& session = store.session();
    auto answer = channel.enroll(code, session.deviceId, *devicePk, session.officeCode);
    if (!answer) {
        EnrollmentError e;
        e.kind = EnrollmentError::Kind::Sync;
        e.sync = answer.error();
        return std::unexpected(std::move(e));
    }
    if (answer->office != session.officeCode) {
        EnrollmentError e;
        e.kind = EnrollmentError::Kind::WrongOffice;
        e.codeOffice = answer->office;
        e.storage = {storage::ErrorCode::InvalidInput,
                     fmt::format("the code is for office {}, but this kiosk belongs to {}; ask for a code "
                                 "for the right office",
                                 answer->office, session.officeCode),
                     {}};
        return std::unexpected(std::move(e));
    }
    for (auto r : {setServerPublicKey(store, answer->serverPublicKey), adoptDeviceNumber(store, answer->deviceNumber),
                   saveDeviceLink(store.dataDir(), {serverUrl, answer->deviceToken, answer->deviceNumber, answer->office})}) {
        if (!r) return storageFailure(r.error());
    }
    return EnrollmentResult{answer->deviceNumber, answer->office, serverUrl};
}

EnrollmentOutcome<EnrollmentResult> enrollDevice(storage::PersonalStore& store, const std::string& serverUrl,
                                                 const std::string& code, const std::string& pinnedPublicKey) {
    CurlTransport transport(CurlOptions{.caFile = {}, .pinnedPublicKey = pinnedPublicKey});
    HttpServerChannel channel(transport, serverUrl);
    return enrollDevice(store, channel, serverUrl, code);
}

}  // namespace chasqui::sync
