#include "kiosk/app/glfw_platform.hpp"

#include <algorithm>
#include <chrono>

#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <fmt/core.h>
#include <imgui.h>
#define GLFW_INCLUDE_NONE
#include <GL/gl.h>
#include <GLFW/glfw3.h>

namespace chasqui::kiosk {

storage::Result<std::unique_ptr<GlfwPlatform>> GlfwPlatform::open(const WindowOptions& options,
                                                                  const FontFiles& fonts) {
    if (!glfwInit())
        return storage::fail(storage::ErrorCode::Io,
                             "cannot open a window: no display (is DISPLAY set, or Xvfb running?)");
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    GLFWmonitor* monitor = nullptr;
    int width = options.width;
    int height = options.height;
    if (options.fullscreen) {
        monitor = glfwGetPrimaryMonitor();
        if (const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr) {
            width = mode->width;
            height = mode->height;
        }
        glfwWindowHint(GLFW_DECORATED, GLFW_FALSE);
    } else if (GLFWmonitor* primary = glfwGetPrimaryMonitor()) {
        // A window larger than the screen hides part of every screen (on a
        // 1366x768 laptop the default 1920x1080 would): fit the work area.
        int x = 0, y = 0, areaWidth = 0, areaHeight = 0;
        glfwGetMonitorWorkarea(primary, &x, &y, &areaWidth, &areaHeight);
        if (areaWidth > 0 && areaHeight > 0) {
            width = std::min(width, areaWidth);
            height = std::min(height, areaHeight);
        }
    }
    GLFWwindow* window = glfwCreateWindow(width, height, "Chasqui", monitor, nullptr);
    if (window == nullptr) {
        glfwTerminate();
        return storage::fail(storage::ErrorCode::Io,
                             "cannot open a window with OpenGL 3.3; check the graphics driver (Mesa)");
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);
    if (options.fullscreen) glfwSetInputMode(window, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // a kiosk keeps no window layout on disk
    io.LogFilename = nullptr;
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    return std::unique_ptr<GlfwPlatform>(new GlfwPlatform(window, fonts));
}

GlfwPlatform::~GlfwPlatform() {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(m_window);
    glfwTerminate();
}

void GlfwPlatform::wake() {
    glfwPostEmptyEvent();
}

bool GlfwPlatform::rebuildFonts(KioskFrame& kiosk) {
    auto set = loadFonts(*ImGui::GetIO().Fonts, m_fontFiles, kiosk.theme().bodyPx, kiosk.textScale());
    if (!set) {
        fmt::print(stderr, "chasqui-kiosk: {}\n", set.error().message);
        return false;
    }
    ImGui::GetIO().Fonts->Build();
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    kiosk.setFonts(*set);
    return true;
}

void GlfwPlatform::run(KioskFrame& kiosk) {
    using Clock = std::chrono::steady_clock;
    if (!rebuildFonts(kiosk)) return;
    auto last = Clock::now();
    bool first = true;
    const auto started = last;
    while (!glfwWindowShouldClose(m_window)) {
        if (!first) {
            const std::int64_t ms = kiosk.msUntilNextFrame();
            if (ms < 0)
                glfwWaitEvents();
            else if (ms == 0)
                glfwPollEvents();
            else
                glfwWaitEventsTimeout(static_cast<double>(ms) / 1000.0);
        } else {
            glfwPollEvents();
        }
        if (kiosk.takeFontsChanged()) rebuildFonts(kiosk);
        const auto now = Clock::now();
        const float dt = std::chrono::duration<float>(now - last).count();
        last = now;
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        kiosk.draw(dt > 0.f ? dt : 1.f / 60.f);
        ImGui::Render();
        int width = 0, height = 0;
        glfwGetFramebufferSize(m_window, &width, &height);
        glViewport(0, 0, width, height);
        const ImVec4 bg = kiosk.theme().background;
        glClearColor(bg.x, bg.y, bg.z, 1.f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        glfwSwapBuffers(m_window);
        kiosk.afterPresent();
        if (first) {
            first = false;
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
            fmt::print(stderr, "chasqui-kiosk: first frame after {} ms\n", ms);
        }
    }
}

}  // namespace chasqui::kiosk
