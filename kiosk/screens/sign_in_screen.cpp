#include "kiosk/screens/sign_in_screen.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include <fmt/format.h>

#include "kiosk/screens/device_warnings.hpp"
#include "kiosk/screens/staff_text.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/keyboard_view.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/secret.hpp"

namespace chasqui::kiosk {

namespace {

constexpr std::size_t kMaxLogin = 32;
constexpr std::size_t kMaxPin = 32;
constexpr const char* kLoginKey = "signin.login";
constexpr const char* kPinKey = "signin.pin";

// The number that follows `word` in a storage message ("wait 40 seconds",
// "3 attempts left"); empty when there is none. Storage messages are English
// for developers: only the number is shown, inside a translated sentence.
std::string numberAfter(const std::string& message, std::string_view word) {
    const auto at = message.find(word);
    if (at == std::string::npos) return {};
    std::size_t i = at + word.size();
    std::string digits;
    while (i < message.size() && std::isdigit(static_cast<unsigned char>(message[i])) != 0) digits += message[i++];
    return digits;
}

std::string numberBefore(const std::string& message, std::string_view word) {
    const auto at = message.find(word);
    if (at == std::string::npos || at < 2) return {};
    std::size_t end = at - 1;  // the space before the word
    std::size_t begin = end;
    while (begin > 0 && std::isdigit(static_cast<unsigned char>(message[begin - 1])) != 0) --begin;
    return message.substr(begin, end - begin);
}

std::string normalizedLogin(std::string_view typed) {
    std::string out = staff::trimmed(typed);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

SignInScreen::~SignInScreen() {
    clearPin();
}

void SignInScreen::clearPin() {
    storage::wipeString(m_pin);
    m_pin.clear();
}

void SignInScreen::onEnter() {
    clearPin();
    m_submit = false;
    m_pinActive = !m_login.empty();
    m_focusLogin = m_login.empty();
    if (!m_checking) {
        m_errorKey.clear();
        m_errorValue.clear();
    }
}

void SignInScreen::drawSignedIn(Ui& ui) {
    // Back from the staff area while signed in: carry on, or hand the kiosk
    // to a colleague.
    const float width = ImGui::GetContentRegionAvail().x;
    const float pad = ui.px(ui.theme.spacing);
    const float boxWidth = std::min(width, ui.px(900.f));
    ImGui::Dummy(ImVec2(0.f, pad * 2.f));
    ImGui::SetCursorPosX((width - boxWidth) * 0.5f);
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + boxWidth);
    heading(ui, fmt::format("{}  {}", icon::kUser, fill(ui.tr("signin.signed_in_as"), {m_ctx.session.name})));
    ImGui::Dummy(ImVec2(0.f, pad));
    const float half = (boxWidth - pad) * 0.5f;
    if (button(ui, fmt::format("{}  {}", icon::kNext, ui.tr("signin.continue")), "signin.continue",
               ImVec2(half, ui.px(96.f))))
        m_intent = Intent::Continue;
    ImGui::SameLine(0.f, pad);
    if (button(ui, fmt::format("{}  {}", icon::kSignOut, ui.tr("signin.switch_user")), "signin.switch_user",
               ImVec2(half, ui.px(96.f)), Tone::Secondary))
        m_intent = Intent::SignOut;
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
}

void SignInScreen::drawContent(Ui& ui) {
    if (m_ctx.session.signedIn && !m_checking) {
        drawSignedIn(ui);
        return;
    }
    if (m_checking) {
        if (ui.entry.isOpen()) ui.entry.close();
    } else if (m_focusLogin) {
        ui.entry.focus(kLoginKey, &m_login, EntryMode::Text, kMaxLogin);
        m_focusLogin = false;
    } else if (!ui.entry.isOpen() && (m_pinActive || !m_login.empty())) {
        // The PIN takes the pad; a physical keyboard types into it too, and
        // its Enter signs in.
        ui.entry.focus(kPinKey, &m_pin, EntryMode::Numeric, kMaxPin, true);
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter))) m_submit = true;
        takePhysicalKeys(ui);
        if (!ui.entry.isOpen()) ui.entry.focus(kPinKey, &m_pin, EntryMode::Numeric, kMaxPin, true);
    }
    // Logins are lower case: no capital first letter on the keyboard.
    if (ui.entry.isFocused(kLoginKey) && m_login.empty()) ui.entry.setShift(false);

    const float width = ImGui::GetContentRegionAvail().x;
    const float pad = ui.px(ui.theme.spacing);
    const float keyHeight = std::max(ui.theme.minTouch, ui.px(76.f)) + ImGui::GetStyle().ItemSpacing.y;
    const float padHeight = ui.fonts.bold->FontSize * 1.5f + keyHeight * 4.f;
    if (ImGui::GetContentRegionAvail().y < padHeight) {
        // Large text with the keyboard open: only the two fields, side by
        // side, so the login being typed stays in sight.
        if (ImGui::BeginTable("##signin_compact", 2, ImGuiTableFlags_SizingStretchSame)) {
            ImGui::TableNextColumn();
            textField(ui, ui.tr("signin.login_label"), kLoginKey, m_login, EntryMode::Text, kMaxLogin);
            ImGui::TableNextColumn();
            textField(ui, ui.tr("signin.pin_label"), kPinKey, m_pin, EntryMode::Numeric, kMaxPin, {}, 0.f, true);
            ImGui::EndTable();
        }
    } else {
        drawForm(ui, width, pad);
    }
    // Whatever was typed, the PIN field keeps the pad but never the bottom
    // keyboard: the pad on the screen is the PIN's keyboard.
    if (ui.entry.isFocused(kPinKey)) {
        m_pinActive = true;
        ui.entry.close();
    } else if (ui.entry.isFocused(kLoginKey)) {
        m_pinActive = false;
    }
}

void SignInScreen::drawForm(Ui& ui, float width, float pad) {
    const float padWidth = std::min(ui.px(560.f), width * 0.42f);
    const float formWidth = std::min(width - padWidth - pad * 4.f, ui.px(760.f));
    const float left = std::max(0.f, (width - formWidth - padWidth - pad * 4.f) * 0.5f);

    // With the keyboard closed there is room: not glued to the top bar
    // (unless the kiosk's own warnings need that room).
    const DeviceStatusView& device = m_ctx.device.view();
    const bool warnings = device.clockOff() || device.diskLow;
    if (!warnings && (!ui.entry.isOpen() || ui.entry.isFocused(kPinKey)))
        ImGui::Dummy(ImVec2(0.f, std::max(0.f, (ImGui::GetContentRegionAvail().y - ui.px(520.f)) * 0.3f)));
    // Two columns: the form on the left, the pad on the right. A table keeps
    // each column's width (a banner takes the whole width it is given).
    ImGui::SetCursorPosX(left);
    if (ImGui::BeginTable("##signin", 3, ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("##form", ImGuiTableColumnFlags_WidthFixed, formWidth);
        ImGui::TableSetupColumn("##gap", ImGuiTableColumnFlags_WidthFixed, pad * 3.f);
        ImGui::TableSetupColumn("##pad", ImGuiTableColumnFlags_WidthFixed, padWidth);
        ImGui::TableNextColumn();
        ImGui::PushItemWidth(formWidth);
        heading(ui, fmt::format("{}  {}", icon::kLock, ui.tr("signin.heading")));
        // At the largest text the kiosk's warnings need the hint's line.
        if (!warnings || ui.scale < 1.4f) muted(ui, ui.tr("signin.hint"));
        ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
        textField(ui, ui.tr("signin.login_label"), kLoginKey, m_login, EntryMode::Text, kMaxLogin, {}, formWidth);
        ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
        textField(ui, ui.tr("signin.pin_label"), kPinKey, m_pin, EntryMode::Numeric, kMaxPin, {}, formWidth, true);
        // Less space above the warnings: with 20 px body text both fit whole at the largest text.
        ImGui::Dummy(ImVec2(0.f, warnings ? pad * 0.5f : pad));
        // The kiosk's own warnings (clock, disk) under the fields, where staff
        // look while signing in; the sign-in's own message then goes under
        // the pad, so both fit at the largest text.
        if (warnings)
            drawDeviceWarnings(ui, device);
        else
            drawStatus(ui);
        ImGui::PopItemWidth();
        ImGui::TableNextColumn();
        ImGui::TableNextColumn();
        label(ui, ui.tr("signin.pad_label"));
        if (drawKeypad(ui, "signin.pad", padWidth, ui.tr("signin.enter"))) m_submit = true;
        if (warnings && (m_checking || !m_errorKey.empty())) {
            ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
            drawStatus(ui);
        }
        ImGui::EndTable();
    }
}

// "Checking", or why the last attempt failed.
void SignInScreen::drawStatus(Ui& ui) {
    if (m_checking) {
        banner(ui, icon::kClock, ui.tr("signin.checking"));
        ui.animate = true;
    } else if (!m_errorKey.empty()) {
        banner(ui, icon::kWarning, fill(ui.tr(m_errorKey), {m_errorValue}), Tone::Danger);
    }
}

void SignInScreen::afterDraw() {
    const Intent intent = m_intent;
    m_intent = Intent::None;
    if (intent == Intent::Continue) m_ctx.nav.go(ScreenId::StaffHome);
    if (intent == Intent::SignOut) m_ctx.nav.signOut();
    if (m_submit && !m_checking) submit();
    m_submit = false;
}

void SignInScreen::submit() {
    const std::string login = normalizedLogin(m_login);
    if (login.empty()) {
        m_errorKey = "signin.error.no_login";
        m_errorValue.clear();
        m_focusLogin = true;
        clearPin();
        return;
    }
    if (m_pin.empty()) {
        m_errorKey = "signin.error.no_pin";
        m_errorValue.clear();
        m_pinActive = true;
        return;
    }
    // One heap copy goes to the worker and is wiped there after use; the
    // screen's buffer is wiped now.
    auto pin = std::make_shared<std::string>(m_pin);
    clearPin();
    m_checking = true;
    m_errorKey.clear();
    const std::uint64_t attempt = ++m_attempt;
    StaffSession& session = m_ctx.staff;
    m_ctx.tasks.post([this, &session, login, pin, attempt]() -> TaskRunner::Continuation {
        auto result = session.signIn(login, *pin);
        storage::wipeString(*pin);
        return [this, &session, result = std::move(result), attempt] {
            if (attempt != m_attempt) {
                // The screen was cleared (lock, sign-out) while checking: do
                // not leave a store open that nobody sees.
                if (result)
                    m_ctx.tasks.post([&session] {
                        session.signOut();
                        return TaskRunner::Continuation{};
                    });
                return;
            }
            m_checking = false;
            if (!result) {
                showError(result.error());
                m_pinActive = true;
                return;
            }
            m_ctx.session = *result;
            m_login.clear();
            m_pinActive = false;
            m_errorKey.clear();
            m_ctx.nav.go(ScreenId::StaffHome);
        };
    });
}

void SignInScreen::showError(const storage::Error& error) {
    m_errorValue.clear();
    switch (error.code) {
        case storage::ErrorCode::WrongCredential:
            m_errorValue = numberBefore(error.message, "attempts left");  // i18n: not UI (storage's wording)
            m_errorKey = m_errorValue.empty() ? "signin.error.wrong" : "signin.error.wrong_left";
            break;
        case storage::ErrorCode::Throttled:
            m_errorValue = numberAfter(error.message, "wait ");  // i18n: not UI (storage's wording)
            m_errorKey = m_errorValue.empty() ? "signin.error.throttled" : "signin.error.throttled_wait";
            break;
        case storage::ErrorCode::AccountLocked:
            m_errorKey = "signin.error.locked";
            break;
        case storage::ErrorCode::NotFound:
            m_errorKey = "signin.error.not_set_up";
            break;
        case storage::ErrorCode::Damaged:
            m_errorKey = "signin.error.damaged";
            break;
        case storage::ErrorCode::Io:
            m_errorKey = "signin.error.disk";
            break;
        default:
            m_errorKey = "signin.error.unexpected";
            break;
    }
}

void SignInScreen::dropPersonalData() {
    clearPin();
    m_login.clear();
    m_pinActive = false;
    m_focusLogin = false;
    m_submit = false;
    m_intent = Intent::None;
    m_checking = false;
    m_errorKey.clear();
    m_errorValue.clear();
    ++m_attempt;
}

bool SignInScreen::holdsPersonalData() const {
    return !m_pin.empty() || !m_login.empty() || m_checking;
}

}  // namespace chasqui::kiosk
