#pragma once
// What the UI keeps of a staff session: no key, no personal data of
// beneficiaries. StaffSession::signIn() makes it; the UI thread keeps its
// copy. A header of its own so self-service screens (the welcome screen
// shows whether someone is signed in) see it without the store's headers.

#include <string>

namespace chasqui::kiosk {

struct SessionView {
    bool signedIn = false;
    std::string staffId;
    std::string login;
    std::string name;
    std::string role;
    std::string officeCode;
    bool isSupervisor() const { return role == "supervisor" || role == "admin"; }
};

}  // namespace chasqui::kiosk
