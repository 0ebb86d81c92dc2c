#pragma once
// Enrolling this kiosk with a server, in three steps so the store is never
// held while the server is awaited (the inactivity lock closes it at once):
// the request is read from the store (request(), store runner), sent with the
// one-time code (send(), network runner), and the answer written into the
// store (apply(), store runner) only if the same session is still open.
// Otherwise the answer is kept whole and applied at the next sign-in: the
// server already counts the kiosk as enrolled, so it must not be lost.
//
// Threading as above; link() reads DIR/sync/device.json (store runner).
// Errors are sync::SyncError (the server's, the store's, a code of another
// office: see sync/client/enrollment_client.hpp).
#include <cstdint>
#include <optional>
#include <string>

#include "kiosk/services/staff_session.hpp"
#include "sync/client/device_link.hpp"
#include "sync/client/enrollment_client.hpp"
#include "sync/client/sync_worker.hpp"

namespace chasqui::kiosk {

class EnrollmentService {
public:
    // `pinnedPublicKey`: the TLS pin of the kiosk's configuration (may be
    // empty). `worker` is read at each call, like the sync panel's.
    EnrollmentService(StaffSession& staff, const std::string& pinnedPublicKey, sync::SyncWorker* const& worker)
        : m_staff(staff), m_pin(pinnedPublicKey), m_worker(worker) {}

    // The kiosk's current link to a server; nullopt when not enrolled.
    std::optional<sync::DeviceLink> link();

    // The session the steps belong to (StaffSession::epoch).
    std::uint64_t epoch() const { return m_staff.epoch(); }

    // nullopt when nobody is signed in any more (the screen was cleared).
    std::optional<sync::SyncResult<sync::EnrollmentRequest>> request();
    // nullopt when the session `epoch` ended before anything was sent.
    std::optional<sync::SyncResult<sync::EnrollmentAnswer>> send(std::uint64_t epoch,
                                                                 const sync::EnrollmentRequest& request,
                                                                 const std::string& server, const std::string& code);
    // nullopt when the session `epoch` ended meanwhile: the answer is kept
    // for the next sign-in. On success the sync worker looks for the new link
    // at once instead of at its next interval.
    std::optional<sync::SyncResult<sync::EnrollmentResult>> apply(std::uint64_t epoch,
                                                                  const sync::EnrollmentRequest& request,
                                                                  const sync::EnrollmentAnswer& answer,
                                                                  const std::string& server);

private:
    StaffSession& m_staff;
    const std::string& m_pin;
    sync::SyncWorker* const& m_worker;
};

}  // namespace chasqui::kiosk
