#pragma once
// One screen of the kiosk: a small unit with its own state. The frame (top
// bar, back button, keyboard, countdown) is drawn around it by KioskFrame;
// drawContent() draws the screen's content and only records what the person
// asked for; afterDraw() then acts on it (navigation, posting work to the
// worker). Screens that show personal data drop it in dropPersonalData(),
// which SessionLife calls on sign-out and on the inactivity lock, and say in
// holdsPersonalData() whether their state still holds any
// (SessionLife::personalDataInMemory() asks every screen).

namespace chasqui::kiosk {

struct Ui;

enum class ScreenId {
    Welcome,
    Categories,
    ServiceList,
    ServiceDetail,
    SignIn,
    StaffHome,
    Register,
    CaseView,
    Assistance,
    Referral,
    SupervisorHome,
    SyncPanel,
    Conflicts,
    Report,
    StaffAccounts,
    Enrollment,
};

// ASCII name of a screen, for tests and logs.
const char* screenName(ScreenId id);

// How a person asked to leave a screen from the top bar.
enum class LeaveBy { Back, Home };

class Screen {
public:
    virtual ~Screen() = default;
    virtual ScreenId id() const = 0;
    virtual const char* titleKey() const = 0;
    // Staff screens need a signed-in session; the app never shows them without one.
    virtual bool needsSession() const { return false; }
    virtual void onEnter() {}
    virtual void drawContent(Ui& ui) = 0;
    virtual void afterDraw() {}
    virtual void dropPersonalData() {}
    virtual bool holdsPersonalData() const { return false; }
    // The top bar's back or home was tapped. A screen with unsaved changes
    // answers false, asks "discard changes?" and moves on by itself if told
    // to; sign-out and the inactivity lock never ask.
    virtual bool mayLeave(LeaveBy by) {
        (void)by;
        return true;
    }
};

// Where screens ask to go. Changes take effect after the current frame.
class Navigator {
public:
    virtual ~Navigator() = default;
    virtual void go(ScreenId id) = 0;
    virtual void back() = 0;
    // `id` in place of the current screen: "back" from it skips the one left
    // (a saved registration's case goes back to where the wizard was opened from).
    virtual void replace(ScreenId id) = 0;
    virtual void home() = 0;     // the welcome screen, keeping the session
    virtual void signOut() = 0;  // drop personal data, lock, welcome screen
};

}  // namespace chasqui::kiosk
