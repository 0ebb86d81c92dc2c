#pragma once
// Self-service, last step: one service's page. Left, what a person needs to
// go there (description, address, hours, what to bring, cost, languages,
// phone, WhatsApp, email, when the information was last checked); right, a
// large QR code of the contact details to keep on their phone (see
// service_contact_card.hpp for what it holds and why). A service with no text
// in the person's language is shown in Spanish, with a small note saying so.
// Reads only the public catalog, on the worker thread; the QR code is
// encoded there too.

#include <cstdint>
#include <optional>
#include <string>

#include "kiosk/core/self_service_context.hpp"
#include "kiosk/ui/qr_code.hpp"
#include "storage/catalog/catalog_store.hpp"

namespace chasqui::kiosk {

class ServiceDetailScreen final : public Screen {
public:
    explicit ServiceDetailScreen(SelfServiceContext& ctx) : m_ctx(ctx) {}
    ScreenId id() const override { return ScreenId::ServiceDetail; }
    const char* titleKey() const override { return m_titleKey.c_str(); }
    void onEnter() override;
    void drawContent(Ui& ui) override;
    void afterDraw() override;
    void dropPersonalData() override;

private:
    void drawFacts(Ui& ui, const storage::Service& service, const storage::ServiceText& words);
    void drawQrPanel(Ui& ui, const storage::Service& service, ImVec2 size);

    SelfServiceContext& m_ctx;
    std::string m_titleKey = "categories.title";
    bool m_loading = true;
    const char* m_errorKey = "";  // empty: no error
    std::optional<storage::Service> m_service;
    std::string m_language;        // the person's language when the page was read
    std::optional<QrMatrix> m_qr;  // nullopt: the details did not fit in a code
    std::uint64_t m_generation = 0;
    bool m_speak = false;        // the speaker button was tapped this frame
    bool m_scrollToTop = false;  // set on entering: the body is drawn from its top
};

}  // namespace chasqui::kiosk
