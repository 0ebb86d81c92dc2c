#include "kiosk/screens/enrollment_screen.hpp"

#include <fmt/format.h>

#include "kiosk/screens/supervisor_common.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

namespace {
constexpr std::size_t kMaxUrl = 200;
constexpr std::size_t kMaxCode = 40;

std::string trimmed(const std::string& text) {
    const auto begin = text.find_first_not_of(' ');
    if (begin == std::string::npos) return {};
    return text.substr(begin, text.find_last_not_of(' ') - begin + 1);
}
}  // namespace

void EnrollmentScreen::onEnter() {
    m_done.reset();
    m_error.reset();
    m_localError.clear();
    m_code.clear();
    if (m_server.empty()) m_server = m_ctx.config.serverUrl;
    loadLink();
}

void EnrollmentScreen::dropPersonalData() {
    ++m_generation;
    m_code.clear();
    m_done.reset();
    m_error.reset();
    m_working = false;
}

bool EnrollmentScreen::holdsPersonalData() const {
    return !m_code.empty() || m_working;  // a one-time code; an answer still to be applied
}

void EnrollmentScreen::loadLink() {
    const std::uint64_t generation = ++m_generation;
    m_ctx.tasks.post([this, generation]() -> TaskRunner::Continuation {
        auto link = m_enrollment.link();
        return [this, generation, link = std::move(link)] {
            if (generation != m_generation) return;
            m_linkLoaded = true;
            if (link) {
                m_link = *link;
                if (m_server.empty()) m_server = link->serverUrl;
            } else {
                m_link.reset();
            }
        };
    });
}

void EnrollmentScreen::submit() {
    m_done.reset();
    m_error.reset();
    m_localError.clear();
    const std::string server = trimmed(m_server);
    const std::string code = trimmed(m_code);
    if (server.empty())
        m_localError = "enroll.error.no_server";
    else if (code.empty())
        m_localError = "enroll.error.no_code";
    if (!m_localError.empty()) return;
    m_working = true;
    const std::uint64_t generation = ++m_generation;
    // Store runner, then network runner, then store runner (EnrollmentService).
    m_ctx.tasks.post([this, generation, server, code]() -> TaskRunner::Continuation {
        auto request = m_enrollment.request();
        if (!request) return {};  // signed out meanwhile: the screen was cleared
        if (!*request)
            return [this, generation, error = request->error()] { finish(generation, std::unexpected(error)); };
        sendEnrollment(generation, m_enrollment.epoch(), std::move(**request), server, code);
        return {};
    });
}

// Network runner. Nothing is sent when the session ended before the request left.
void EnrollmentScreen::sendEnrollment(std::uint64_t generation, std::uint64_t epoch, sync::EnrollmentRequest request,
                                      std::string server, std::string code) {
    m_ctx.network.post(
        [this, generation, epoch, request = std::move(request), server, code]() -> TaskRunner::Continuation {
            auto answer = m_enrollment.send(epoch, request, server, code);
            if (!answer) return {};  // the session ended before anything was sent
            if (!*answer)
                return [this, generation, error = answer->error()] { finish(generation, std::unexpected(error)); };
            applyAnswer(generation, epoch, request, std::move(**answer), server);
            return {};
        });
}

// Store runner. A session that ended while the server answered gets nothing
// written for it: the answer is kept whole and applied at the next sign-in.
void EnrollmentScreen::applyAnswer(std::uint64_t generation, std::uint64_t epoch, sync::EnrollmentRequest request,
                                   sync::EnrollmentAnswer answer, std::string server) {
    m_ctx.tasks.post([this, generation, epoch, request = std::move(request), answer = std::move(answer),
                      server]() -> TaskRunner::Continuation {
        auto result = m_enrollment.apply(epoch, request, answer, server);
        if (!result) return {};  // kept for the next sign-in
        return [this, generation, result = std::move(*result)] { finish(generation, result); };
    });
}

void EnrollmentScreen::finish(std::uint64_t generation, const sync::SyncResult<sync::EnrollmentResult>& result) {
    if (generation != m_generation) return;
    m_working = false;
    if (result) {
        m_done = *result;
        m_code.clear();
    } else {
        m_error = result.error();
    }
    loadLink();
}

std::string EnrollmentScreen::errorText(const Ui& ui) const {
    if (!m_localError.empty()) return ui.tr(m_localError);
    if (!m_error) return {};
    const sync::SyncError& e = *m_error;
    if (e.code == sync::SyncErrorCode::WrongOffice)
        return fill(ui.tr("enroll.error.wrong_office"), {e.office, m_ctx.session.officeCode});
    if (e.code == sync::SyncErrorCode::PermissionDenied) return ui.tr("enroll.error.permission");
    if (e.store) return super::errorText(ui, *e.store);
    if (e.serverCode == "enroll_code_invalid") return ui.tr("enroll.error.code_invalid");
    if (e.serverCode == "already_enrolled") return ui.tr("enroll.error.already_enrolled");
    return super::syncErrorText(ui, e.code, e.serverCode);
}

void EnrollmentScreen::drawContent(Ui& ui) {
    if (super::drawRefusal(ui, m_ctx.session, m_back)) return;
    const float pad = ui.px(ui.theme.spacing);
    super::beginColumn(ui, "enroll.column", 1200.f);
    const float width = ImGui::GetContentRegionAvail().x;
    beginScrollArea(ui, "enroll.area", ImVec2(0.f, ImGui::GetContentRegionAvail().y));
    // Where this kiosk stands now.
    if (!m_linkLoaded) {
        super::workingBanner(ui, ui.tr("enroll.status.loading"));
    } else if (m_link) {
        banner(ui, icon::kCheck,
               fill(ui.tr("enroll.status.enrolled"),
                    {std::to_string(m_link->deviceNumber), m_link->office, m_link->serverUrl}));
    } else {
        banner(ui, icon::kInfo, ui.tr("enroll.status.not_enrolled"), Tone::Danger);
    }
    ImGui::Dummy(ImVec2(0.f, pad));
    heading(ui, fmt::format("{}  {}", icon::kTablet, ui.tr(m_link ? "enroll.heading_again" : "enroll.heading")));
    muted(ui, fill(ui.tr("enroll.intro"), {m_ctx.session.officeCode}));
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
    const float fieldWidth = ImGui::GetContentRegionAvail().x;
    textField(ui, ui.tr("enroll.server_label"), "enroll.server", m_server, EntryMode::Text, kMaxUrl, {}, fieldWidth);
    muted(ui, ui.tr("enroll.server_hint"));
    // An address is lower case: no capital first letter on the keyboard.
    if (ui.entry.isFocused("enroll.server") && m_server.empty()) ui.entry.setShift(false);
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
    textField(ui, ui.tr("enroll.code_label"), "enroll.code", m_code, EntryMode::Text, kMaxCode, {}, fieldWidth);
    muted(ui, ui.tr("enroll.code_hint"));
    ImGui::Dummy(ImVec2(0.f, pad));
    if (m_working) {
        super::workingBanner(ui, ui.tr("enroll.working"));
    } else {
        if (button(ui, fmt::format("{}  {}", icon::kKey, ui.tr("enroll.submit")), "enroll.submit",
                   ImVec2(std::min(width, ui.px(520.f)), ui.px(88.f))))
            m_submit = true;
    }
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
    if (m_done)
        successText(ui,
                    fmt::format("{}  {}", icon::kCheck,
                                fill(ui.tr("enroll.done"), {std::to_string(m_done->deviceNumber), m_done->office})));
    if (const std::string error = errorText(ui); !error.empty()) banner(ui, icon::kWarning, error, Tone::Danger);
    endScrollArea(ui);
    super::endColumn();
    if (m_submit || m_working) ui.entry.close();
}

void EnrollmentScreen::afterDraw() {
    if (m_back) m_ctx.nav.back();
    m_back = false;
    if (m_submit && !m_working) submit();
    m_submit = false;
}

}  // namespace chasqui::kiosk
