#include "kiosk/core/router.hpp"

#include <algorithm>
#include <cassert>

namespace chasqui::kiosk {

const char* screenName(ScreenId id) {
    switch (id) {
        case ScreenId::Welcome:
            return "welcome";
        case ScreenId::Categories:
            return "categories";
        case ScreenId::ServiceList:
            return "service_list";
        case ScreenId::ServiceDetail:
            return "service_detail";
        case ScreenId::SignIn:
            return "sign_in";
        case ScreenId::StaffHome:
            return "staff_home";
        case ScreenId::Register:
            return "register";
        case ScreenId::CaseView:
            return "case_view";
        case ScreenId::Assistance:
            return "assistance";
        case ScreenId::Referral:
            return "referral";
        case ScreenId::SupervisorHome:
            return "supervisor_home";
        case ScreenId::SyncPanel:
            return "sync_panel";
        case ScreenId::Conflicts:
            return "conflicts";
        case ScreenId::Report:
            return "report";
        case ScreenId::StaffAccounts:
            return "staff_accounts";
        case ScreenId::Enrollment:
            return "enrollment";
    }
    return "unknown";
}

void Router::add(std::unique_ptr<Screen> screen) {
    const ScreenId id = screen->id();
    m_screens[id] = std::move(screen);
}

Screen& Router::current() {
    Screen* screen = find(m_stack.back());
    assert(screen != nullptr && "every ScreenId the router shows must be registered");  // i18n: not UI
    return *screen;
}

Screen* Router::find(ScreenId id) {
    auto it = m_screens.find(id);
    return it == m_screens.end() ? nullptr : it->second.get();
}

bool Router::commit(const std::function<void()>& onLeave) {
    if (!m_pending) return false;
    const Pending pending = *m_pending;
    m_pending.reset();
    const std::vector<ScreenId> before = m_stack;
    switch (pending.kind) {
        case Kind::Go:
        case Kind::Replace: {
            if (find(pending.id) == nullptr) return false;
            if (pending.kind == Kind::Replace && m_stack.size() > 1) m_stack.pop_back();
            // Going to a screen already in the stack returns to it (no loops of screens).
            auto it = std::find(m_stack.begin(), m_stack.end(), pending.id);
            if (it != m_stack.end())
                m_stack.erase(it + 1, m_stack.end());
            else
                m_stack.push_back(pending.id);
            break;
        }
        case Kind::Back:
            if (m_stack.size() > 1) m_stack.pop_back();
            break;
        case Kind::Home:
            m_stack.assign(1, ScreenId::Welcome);
            break;
    }
    if (m_stack == before) return false;
    if (onLeave) onLeave();
    current().onEnter();
    return true;
}

}  // namespace chasqui::kiosk
