#pragma once
// Device enrollment: whether this kiosk is linked to a server (as device N of
// its office), and a form to enroll it with a one-time code from the server's
// administrator: server address (prefilled from the configuration or the
// current link) and the code. Enrolling goes through EnrollmentService's
// three steps (network bounded by the transport's timeouts) and shows the
// device number and office, or what went wrong in plain words by its error
// code. The exchange with the server runs on the network runner without the
// store, so the inactivity lock never waits for it.

#include <cstdint>
#include <optional>
#include <string>

#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/services/enrollment_service.hpp"

namespace chasqui::kiosk {

class EnrollmentScreen final : public Screen {
public:
    explicit EnrollmentScreen(StaffContext& ctx)
        : m_ctx(ctx), m_enrollment(ctx.staff, ctx.config.pinnedPublicKey, ctx.syncWorker) {}
    ScreenId id() const override { return ScreenId::Enrollment; }
    const char* titleKey() const override { return "enroll.title"; }
    bool needsSession() const override { return true; }
    void onEnter() override;
    void drawContent(Ui& ui) override;
    void afterDraw() override;
    void dropPersonalData() override;
    bool holdsPersonalData() const override;

private:
    void loadLink();
    void submit();
    void sendEnrollment(std::uint64_t generation, std::uint64_t epoch, sync::EnrollmentRequest request,
                        std::string server, std::string code);
    void applyAnswer(std::uint64_t generation, std::uint64_t epoch, sync::EnrollmentRequest request,
                     sync::EnrollmentAnswer answer, std::string server);
    void finish(std::uint64_t generation, const sync::SyncResult<sync::EnrollmentResult>& result);
    std::string errorText(const Ui& ui) const;

    StaffContext& m_ctx;
    EnrollmentService m_enrollment;          // its steps run on the store and network runners
    std::optional<sync::DeviceLink> m_link;  // nullopt: not enrolled (or not read yet)
    bool m_linkLoaded = false;
    std::string m_server;
    std::string m_code;
    std::uint64_t m_generation = 0;
    bool m_working = false;
    std::optional<sync::EnrollmentResult> m_done;
    std::optional<sync::SyncError> m_error;
    std::string m_localError;  // a key
    bool m_submit = false;
    bool m_back = false;
};

}  // namespace chasqui::kiosk
