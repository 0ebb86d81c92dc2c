#pragma once
// The first screen: the greeting in the four languages, choose a language,
// then service information (no sign-in) or the staff area. Also the
// text-size setting and a speaker button that reads the screen aloud.

#include "kiosk/core/self_service_context.hpp"
#include "kiosk/core/session_view.hpp"

namespace chasqui::kiosk {

class WelcomeScreen final : public Screen {
public:
    WelcomeScreen(SelfServiceContext& ctx, const SessionView& session) : m_ctx(ctx), m_session(session) {}
    ScreenId id() const override { return ScreenId::Welcome; }
    const char* titleKey() const override { return "welcome.title"; }
    void drawContent(Ui& ui) override;
    void afterDraw() override;
    void dropPersonalData() override;

private:
    enum class Intent { None, Services, Staff };
    SelfServiceContext& m_ctx;
    const SessionView& m_session;
    Intent m_intent = Intent::None;
    std::string m_language;   // tapped this frame
    float m_textScale = 0.f;  // tapped this frame
    bool m_speak = false;     // the speaker button was tapped this frame
};

}  // namespace chasqui::kiosk
