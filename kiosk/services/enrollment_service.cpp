#include "kiosk/services/enrollment_service.hpp"

#include "sync/client/curl_transport.hpp"
#include "sync/client/http_server_channel.hpp"

namespace chasqui::kiosk {

std::optional<sync::DeviceLink> EnrollmentService::link() {
    auto link = sync::loadDeviceLink(m_staff.dataDir());
    if (!link) return std::nullopt;
    return std::move(*link);
}

std::optional<sync::SyncResult<sync::EnrollmentRequest>> EnrollmentService::request() {
    storage::PersonalStore* store = m_staff.store();
    if (store == nullptr) return std::nullopt;
    return sync::enrollmentRequest(*store);
}

std::optional<sync::SyncResult<sync::EnrollmentAnswer>> EnrollmentService::send(std::uint64_t epoch,
                                                                                const sync::EnrollmentRequest& request,
                                                                                const std::string& server,
                                                                                const std::string& code) {
    if (m_staff.epoch() != epoch) return std::nullopt;
    sync::CurlTransport transport(sync::CurlOptions{.caFile = {}, .pinnedPublicKey = m_pin});
    sync::HttpServerChannel channel(transport, server);
    return sync::sendEnrollment(channel, request, code);
}

std::optional<sync::SyncResult<sync::EnrollmentResult>> EnrollmentService::apply(std::uint64_t epoch,
                                                                                 const sync::EnrollmentRequest& request,
                                                                                 const sync::EnrollmentAnswer& answer,
                                                                                 const std::string& server) {
    storage::PersonalStore* store = m_staff.store();
    if (store == nullptr || m_staff.epoch() != epoch) {
        // Not written into another session's store, nor dropped: the server has enrolled this kiosk.
        m_staff.keepEnrollment({request, answer, server});
        return std::nullopt;
    }
    auto result = sync::applyEnrollment(*store, request, answer, server);
    if (result && m_worker != nullptr) m_worker->requestSync();
    return result;
}

}  // namespace chasqui::kiosk
