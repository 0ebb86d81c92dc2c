#include "kiosk/screens/service_detail_screen.hpp"

#include <algorithm>
#include <cfloat>

#include <fmt/format.h>
#include <imgui.h>

#include "kiosk/screens/self_service_common.hpp"
#include "kiosk/screens/service_contact_card.hpp"
#include "kiosk/screens/spoken_text.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

namespace {

// One labelled piece of information: an icon and a short label in bold, the
// value under it. Nothing at all when the catalog has no value.
void fact(Ui& ui, const char* iconText, const char* labelKey, std::string_view value, bool large = false) {
    if (value.empty()) return;
    const float pad = ui.px(ui.theme.spacing);
    label(ui, fmt::format("{}  {}", iconText, ui.tr(labelKey)));
    ImGui::Indent(ui.fonts.bold->FontSize * 1.6f);
    if (large)
        label(ui, value);
    else
        text(ui, value);
    ImGui::Unindent(ui.fonts.bold->FontSize * 1.6f);
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
}

// "2026-09-14" -> "14/09/2026", the way dates are written in Peru.
std::string shownDate(const std::string& iso) {
    if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return iso;
    return fmt::format("{}/{}/{}", iso.substr(8, 2), iso.substr(5, 2), iso.substr(0, 4));
}

}  // namespace

void ServiceDetailScreen::onEnter() {
    m_titleKey = self_service::categoryKey(m_ctx.state.category);
    m_loading = true;
    m_errorKey = "";
    m_scrollToTop = true;  // a page opens at its top, never where the last visitor left it
    const std::string id = m_ctx.state.serviceId;
    const std::string language = m_ctx.i18n.language();
    if (m_service && (m_service->id != id || m_language != language)) {
        m_service.reset();  // never show another service's page while this one loads
        m_qr.reset();
    }
    const std::uint64_t generation = ++m_generation;
    CatalogService& catalog = m_ctx.catalog;
    m_ctx.tasks.post([this, &catalog, generation, id, language]() -> TaskRunner::Continuation {
        // Worker thread: the read and the QR encoding.
        auto service = catalog.get(id);
        std::optional<QrMatrix> qr;
        if (service && *service) {
            if (auto encoded = encodeQr(contactCard(**service, language))) qr = std::move(*encoded);
        }
        return [this, generation, service = std::move(service), qr = std::move(qr), language] {
            if (generation != m_generation) return;
            m_loading = false;
            m_language = language;
            if (!service) {
                m_errorKey = self_service::errorKey(service.error());
                m_service.reset();
            } else if (!*service) {
                m_errorKey = "services.error.gone";  // a newer catalog dropped it
                m_service.reset();
            } else {
                m_service = **service;
            }
            m_qr = qr;
        };
    });
}

void ServiceDetailScreen::drawContent(Ui& ui) {
    if (*m_errorKey != '\0') {
        self_service::drawNotice(ui, icon::kWarning, ui.tr(m_errorKey));
        return;
    }
    if (!m_service) {
        self_service::drawWorking(ui);
        return;
    }
    const storage::Service& service = *m_service;
    const storage::ServiceText* words = storage::textFor(service, m_language);
    if (words == nullptr) return;  // the catalog validates that every service has Spanish text

    const float pad = ui.px(ui.theme.spacing);
    const ImVec2 area = ImGui::GetContentRegionAvail();
    // The QR column is as wide as a comfortable code; the text gets the rest.
    const float qrWidth = std::clamp(area.x * 0.36f, ui.px(420.f), std::max(ui.px(420.f), area.x * 0.45f));
    const float textWidth = area.x - qrWidth - pad * 2.f;

    beginScrollArea(ui, "service.body", ImVec2(textWidth, area.y));
    if (m_scrollToTop) {
        ImGui::SetScrollY(0.f);
        m_scrollToTop = false;
    }
    if (self_service::titleWithSpeaker(ui, words->name, "service.speak")) m_speak = true;
    label(ui, service.organization);
    if (service.texts.find(m_language) == service.texts.end())
        muted(ui, fmt::format("{}  {}", icon::kInfo, ui.tr("service.only_spanish")));
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
    if (!words->description.empty()) {
        text(ui, words->description);
        ImGui::Dummy(ImVec2(0.f, pad));
    }
    drawFacts(ui, service, *words);
    endScrollArea(ui);

    ImGui::SameLine(0.f, pad * 2.f);
    drawQrPanel(ui, service, ImVec2(qrWidth, area.y));
}

void ServiceDetailScreen::drawFacts(Ui& ui, const storage::Service& service, const storage::ServiceText& words) {
    std::string where = service.address;
    if (!service.districtName.empty()) where += where.empty() ? service.districtName : ", " + service.districtName;
    fact(ui, icon::kMapMarker, "service.address", where);
    fact(ui, icon::kClock, "service.hours", words.hours);
    fact(ui, icon::kFile, "service.requirements", words.requirements);
    fact(ui, icon::kCash, "service.cost", words.cost);
    std::string spoken;
    for (const auto& code : service.languagesSpoken) {
        if (!spoken.empty()) spoken += ", ";
        spoken += ui.tr(fmt::format("service.language.{}", code));
    }
    fact(ui, icon::kGlobe, "service.languages", spoken);
    fact(ui, icon::kPhone, "service.phone", service.phone, true);
    fact(ui, icon::kWhatsapp, "service.whatsapp", service.whatsapp, true);
    fact(ui, icon::kEnvelope, "service.email", service.email);
    if (!service.lastVerified.empty())
        muted(ui,
              fmt::format("{}  {}", icon::kCheck, fill(ui.tr("service.verified"), {shownDate(service.lastVerified)})));
}

void ServiceDetailScreen::drawQrPanel(Ui& ui, const storage::Service& service, ImVec2 size) {
    const float pad = ui.px(ui.theme.spacing);
    const ImVec2 min = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(min, ImVec2(min.x + size.x, min.y + size.y), toU32(ui.theme.surface), ui.theme.rounding);
    draw->AddRect(min, ImVec2(min.x + size.x, min.y + size.y), toU32(ui.theme.border), ui.theme.rounding, 0, 2.f);
    ImGui::BeginGroup();
    const float inner = size.x - pad * 3.f;
    ImGui::SetCursorScreenPos(ImVec2(min.x + pad * 1.5f, min.y + pad * 1.5f));
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + inner);
    const char* caption = m_qr ? ui.tr("service.qr_caption") : ui.tr("service.qr_unavailable");
    ImGui::PushFont(ui.fonts.heading);
    const std::string captionLine = fmt::format("{}  {}", icon::kQr, caption);
    ui.probe.text(captionLine);
    ImGui::TextUnformatted(captionLine.c_str());
    ImGui::PopFont();
    ImGui::PopTextWrapPos();
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));

    // The phone number under the code, large, for whoever has no camera phone.
    const std::string phone =
        service.phone.empty() ? std::string() : fmt::format("{}  {}", icon::kPhone, service.phone);
    const float phoneHeight = phone.empty() ? 0.f : ui.fonts.heading->FontSize + pad * 2.f;
    if (m_qr) {
        const float room = min.y + size.y - ImGui::GetCursorScreenPos().y - pad * 1.5f - phoneHeight;
        const float side = std::max(ui.px(200.f), std::min(inner, room));
        ImGui::SetCursorScreenPos(ImVec2(min.x + (size.x - side) * 0.5f, ImGui::GetCursorScreenPos().y));
        // Pure black on white: the most a phone camera can ask for.
        drawQr(*m_qr, side, IM_COL32(0, 0, 0, 255), IM_COL32(255, 255, 255, 255));
        // The whole panel, with the phone under the code: nothing may cover it.
        ui.keepClear = KeepClear{min, ImVec2(min.x + size.x, min.y + size.y)};
        ui.probe.item("service.qr", ImGui::GetID("service.qr"), ImGui::GetItemRectMin(), ImGui::GetItemRectMax(),
                      ImGui::IsItemVisible());
    }
    if (!phone.empty()) {
        ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
        ImGui::PushFont(ui.fonts.heading);
        const float w = ImGui::CalcTextSize(phone.c_str()).x;
        ImGui::SetCursorScreenPos(ImVec2(min.x + std::max(pad, (size.x - w) * 0.5f), ImGui::GetCursorScreenPos().y));
        ui.probe.text(phone);
        ImGui::TextUnformatted(phone.c_str());
        ImGui::PopFont();
    }
    ImGui::EndGroup();
    ImGui::SetCursorScreenPos(ImVec2(min.x, min.y + size.y));
    ImGui::Dummy(ImVec2(size.x, 0.f));
}

void ServiceDetailScreen::afterDraw() {
    if (!m_speak) return;
    m_speak = false;
    if (!m_service) return;
    // Read in the language the page is written in: Spanish when the service has no text in the person's.
    const std::string lang = m_service->texts.count(m_language) > 0 ? m_language : std::string("es");
    if (const storage::ServiceText* words = storage::textFor(*m_service, lang))
        m_ctx.speech.speak(lang, self_service::spokenService(m_ctx.i18n, lang, *m_service, *words));
}

void ServiceDetailScreen::dropPersonalData() {
    m_service.reset();
    m_qr.reset();
    m_errorKey = "";
    m_speak = false;
    ++m_generation;  // a read still on the worker is for the last person
}

}  // namespace chasqui::kiosk
