#include "sync/client/enrollment_client.hpp"

#include <fmt/format.h>

#include "storage/db/meta_table.hpp"
#include "storage/keys/keyring.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/client/device_link.hpp"
#include "sync/client/kiosk_sync.hpp"

namespace chasqui::sync {

namespace {

std::unexpected<SyncError> storageFailure(const storage::Error& error) {
    return std::unexpected(fromStorage(error));
}

// Device number assigned by the server: case codes made from now on use it.
storage::Result<void> adoptDeviceNumber(storage::PersonalStore& store, int number) {
    auto saved = store.writeVoid([&](storage::RecordWriter&) {
        return storage::writeMeta(store.db(), "device_number", std::to_string(number));
    });
    if (!saved) return saved;
    auto keyring = storage::loadKeyring(store.dataDir().keyring());
    if (!keyring) return std::unexpected(keyring.error());
    keyring->deviceNumber = number;
    return storage::saveKeyring(store.dataDir().keyring(), *keyring);
}

}  // namespace

SyncResult<EnrollmentRequest> enrollmentRequest(storage::PersonalStore& store) {
    if (!store.isOpen() || !store.session().isSupervisor())
        return syncFail(SyncErrorCode::PermissionDenied, "only a supervisor or administrator may enroll the kiosk");
    auto keys = devicePublicKeys(store);
    if (!keys) return storageFailure(keys.error());
    const storage::Session& session = store.session();
    return EnrollmentRequest{session.deviceId, std::move(*keys), session.officeCode};
}

SyncResult<EnrollmentAnswer> sendEnrollment(HttpServerChannel& channel, const EnrollmentRequest& request,
                                            const std::string& code) {
    auto answer = channel.enroll(code, request.deviceId, request.keys, request.office);
    if (!answer) return std::unexpected(answer.error());
    answer->serverTimeMs = channel.serverTimeMs();
    return std::move(*answer);
}

SyncResult<EnrollmentResult> applyEnrollment(storage::PersonalStore& store, const EnrollmentRequest& request,
                                             const EnrollmentAnswer& answer, const std::string& serverUrl) {
    // Enrollment is the kiosk's first contact: from now on it dates work by the
    // server's clock (PROTOCOL.md 3.1), whatever the office of the code.
    if (answer.serverTimeMs > 0) store.clock().observeServerTime(answer.serverTimeMs);
    if (answer.office != request.office) {
        SyncError e = syncError(SyncErrorCode::WrongOffice,
                                fmt::format("the code is for office {}, but this kiosk belongs to {}; ask for a code "
                                            "for the right office",
                                            answer.office, request.office));
        e.office = answer.office;
        return std::unexpected(std::move(e));
    }
    // One write after the other, stopping at the first that fails. device.json
    // comes last: until it exists the kiosk is not enrolled for the sync
    // worker, and the two writes before it are simply made again by the next
    // enrollment (they overwrite, they do not add).
    const auto kept = [&](const storage::Error& error) {
        return storageFailure(
            {error.code,
             fmt::format("the server enrolled this kiosk, but the kiosk could not keep the "
                         "enrollment ({}). The kiosk stays unenrolled: fix this and enroll again (if the "
                         "server then answers that the device is already enrolled, an "
                         "administrator revokes device {} and gives a new code)",
                         error.message, request.deviceId),
             error.field});
    };
    if (auto r = setServerPublicKey(store, answer.serverPublicKey); !r) return kept(r.error());
    if (auto r = adoptDeviceNumber(store, answer.deviceNumber); !r) return kept(r.error());
    if (auto r = saveDeviceLink(store.dataDir(), {serverUrl, answer.deviceToken, answer.deviceNumber, answer.office});
        !r)
        return kept(r.error());
    return EnrollmentResult{answer.deviceNumber, answer.office, serverUrl};
}

SyncResult<EnrollmentResult> enrollDevice(storage::PersonalStore& store, HttpServerChannel& channel,
                                          const std::string& serverUrl, const std::string& code) {
    auto request = enrollmentRequest(store);
    if (!request) return std::unexpected(request.error());
    auto answer = sendEnrollment(channel, *request, code);
    if (!answer) return std::unexpected(answer.error());
    return applyEnrollment(store, *request, *answer, serverUrl);
}

SyncResult<EnrollmentResult> enrollDevice(storage::PersonalStore& store, const std::string& serverUrl,
                                          const std::string& code, const std::string& pinnedPublicKey) {
    CurlTransport transport(CurlOptions{.caFile = {}, .pinnedPublicKey = pinnedPublicKey});
    HttpServerChannel channel(transport, serverUrl);
    return enrollDevice(store, channel, serverUrl, code);
}

}  // namespace chasqui::sync
