#pragma once
// Which screen is shown: a stack of screen ids, starting at Welcome. Screens
// are registered once and live as long as the app; navigation requested
// during a frame is applied by commit() after it. UI thread only.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "kiosk/core/screen.hpp"

namespace chasqui::kiosk {

class Router {
public:
    void add(std::unique_ptr<Screen> screen);
    Screen& current();
    ScreenId currentId() const { return m_stack.back(); }
    bool canGoBack() const { return m_stack.size() > 1; }
    Screen* find(ScreenId id);
    const std::map<ScreenId, std::unique_ptr<Screen>>& screens() const { return m_screens; }

    void requestGo(ScreenId id) { m_pending = Pending{Kind::Go, id}; }
    void requestBack() { m_pending = Pending{Kind::Back, ScreenId::Welcome}; }
    void requestReplace(ScreenId id) { m_pending = Pending{Kind::Replace, id}; }
    void requestHome() { m_pending = Pending{Kind::Home, ScreenId::Welcome}; }
    bool hasPending() const { return m_pending.has_value(); }
    // Applies the pending change; returns true when the screen changed.
    // `onLeave` runs before the new screen's onEnter (the app closes the keyboard there).
    bool commit(const std::function<void()>& onLeave);

private:
    enum class Kind { Go, Back, Home, Replace };
    struct Pending {
        Kind kind;
        ScreenId id;
    };
    std::map<ScreenId, std::unique_ptr<Screen>> m_screens;
    std::vector<ScreenId> m_stack{ScreenId::Welcome};
    std::optional<Pending> m_pending;
};

}  // namespace chasqui::kiosk
