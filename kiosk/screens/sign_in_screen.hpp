#pragma once
// Staff sign-in: a login field (on-screen keyboard) and a PIN field typed on
// a large numeric pad drawn on the screen itself. The PIN field takes the pad
// as soon as a login is there, so a returning staff member only taps digits.
// The check (Argon2id, slow on purpose) runs on the worker with a calm
// "checking" state; the PIN buffer is wiped as soon as it is handed over and
// never drawn or logged. The kiosk's own warnings (a clock off from the
// server's, low disk space; services/device_status.hpp) sit under the fields,
// and the sign-in's own message then moves under the pad.

#include <cstdint>
#include <string>

#include "kiosk/core/kiosk_context.hpp"
#include "storage/base/error.hpp"

namespace chasqui::kiosk {

class SignInScreen final : public Screen {
public:
    explicit SignInScreen(StaffContext& ctx) : m_ctx(ctx) {}
    ~SignInScreen() override;
    ScreenId id() const override { return ScreenId::SignIn; }
    const char* titleKey() const override { return "signin.title"; }
    void onEnter() override;
    void drawContent(Ui& ui) override;
    void afterDraw() override;
    void dropPersonalData() override;
    bool holdsPersonalData() const override;

private:
    enum class Intent { None, Continue, SignOut };
    void drawSignedIn(Ui& ui);
    void drawForm(Ui& ui, float width, float pad);
    void drawStatus(Ui& ui);
    void submit();
    void showError(const storage::Error& error);
    void clearPin();

    StaffContext& m_ctx;
    std::string m_login;
    std::string m_pin;               // wiped after posting and on leave
    bool m_pinActive = false;        // the pad types into the PIN field
    bool m_focusLogin = false;       // open the keyboard on the login at the next draw
    bool m_submit = false;           // tapped this frame
    Intent m_intent = Intent::None;  // tapped this frame (already signed in)
    bool m_checking = false;
    std::uint64_t m_attempt = 0;  // results of an older attempt are ignored
    std::string m_errorKey;       // translated message of the last failure
    std::string m_errorValue;     // {0} of that message (seconds, attempts)
};

}  // namespace chasqui::kiosk
