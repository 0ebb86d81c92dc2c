#pragma once
// The window: GLFW + OpenGL 3 + Dear ImGui's backends (inside Debian's
// libimgui.a). Kept apart from everything else so the app runs headless too.

#include <string>

#include "kiosk/core/kiosk_frame.hpp"
#include "kiosk/ui/fonts.hpp"

struct GLFWwindow;

namespace chasqui::kiosk {

struct WindowOptions {
    bool fullscreen = false;  // undecorated, on the whole primary monitor, cursor hidden
    int width = 1920;
    int height = 1080;
};

class GlfwPlatform {
public:
    // Opens the window and ImGui's backends; an error says what is missing
    // (no display, no OpenGL 3).
    static storage::Result<std::unique_ptr<GlfwPlatform>> open(const WindowOptions& options, const FontFiles& fonts);
    ~GlfwPlatform();
    // Runs until the window is closed. Draws only when something changed:
    // input, a worker's result (wake()), an animation or the countdown.
    void run(KioskFrame& kiosk);
    // Thread-safe: makes the loop draw a frame now.
    static void wake();

private:
    GlfwPlatform(GLFWwindow* window, FontFiles fonts) : m_window(window), m_fontFiles(std::move(fonts)) {}
    bool rebuildFonts(KioskFrame& kiosk);
    GLFWwindow* m_window;
    FontFiles m_fontFiles;
};

}  // namespace chasqui::kiosk
