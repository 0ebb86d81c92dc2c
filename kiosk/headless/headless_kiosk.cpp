#include "kiosk/headless/headless_kiosk.hpp"

#include <stdexcept>

#include <imgui.h>

#include "kiosk/ui/fonts.hpp"

namespace chasqui::kiosk {

namespace {
constexpr float kDt = 1.f / 60.f;
}

HeadlessKiosk::HeadlessKiosk(const std::filesystem::path& dataDir, storage::ManualClock& clock, KioskConfig config,
                             std::function<std::unique_ptr<speech::Speech>()> makeSpeech)
    : m_clock(clock), m_boot(clock), m_trusted(storage::DataDir(dataDir), clock, m_boot) {
    ImGuiContext* context = ImGui::CreateContext();
    m_context = context;
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.DisplaySize = ImVec2(1920.f, 1080.f);
    io.KeyMap[ImGuiKey_Backspace] = 1;
    io.KeyMap[ImGuiKey_Enter] = 2;
    io.KeyMap[ImGuiKey_Escape] = 3;
    config.dataDir = dataDir;
    auto app = wireKiosk(config, m_trusted, m_boot, {},
                         WiringOptions{.startSyncWorker = false, .makeSpeech = std::move(makeSpeech)});
    if (!app) throw std::runtime_error("kiosk did not start: " + app.error().message);
    m_app = std::move(*app);
    m_api = std::make_unique<KioskTestApi>(*m_app);
    auto files = findFontFiles();
    if (!files) throw std::runtime_error(files.error().message);
    auto fonts = loadFonts(*io.Fonts, *files, m_app->frame.theme().bodyPx, m_app->frame.textScale());
    if (!fonts) throw std::runtime_error(fonts.error().message);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    m_app->frame.setFonts(*fonts);
    frame();
}

HeadlessKiosk::~HeadlessKiosk() {
    m_api.reset();
    m_app.reset();
    ImGui::DestroyContext(static_cast<ImGuiContext*>(m_context));
}

void HeadlessKiosk::frame() {
    ImGuiIO& io = ImGui::GetIO();
    io.DeltaTime = kDt;
    KioskFrame& kiosk = m_app->frame;
    if (kiosk.takeFontsChanged()) {
        auto files = findFontFiles();
        auto fonts = loadFonts(*io.Fonts, *files, kiosk.theme().bodyPx, kiosk.textScale());
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
        kiosk.setFonts(*fonts);
    }
    ImGui::NewFrame();
    kiosk.draw(kDt);
    ImGui::Render();
}

void HeadlessKiosk::settle() {
    for (int round = 0; round < 50; ++round) {
        m_app->services.tasks.waitIdle();
        m_app->services.network.waitIdle();
        frame();
        if (!m_app->services.tasks.busy() && !m_app->services.network.busy()) {
            frame();
            break;
        }
    }
    // A list released mid-drag keeps gliding: a finger waits for it to stop
    // before tapping what it sees, and so does a test (a tap aimed at where a
    // gliding button was would land beside it). Ten seconds of frames at most.
    for (int i = 0; i < 600 && m_app->frame.animating(); ++i) frame();
}

bool HeadlessKiosk::tap(std::string_view key) {
    if (!press(key)) return false;
    settle();
    return true;
}

bool HeadlessKiosk::press(std::string_view key) {
    auto item = probe().find(key);
    if (!item) return false;
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2((item->min.x + item->max.x) * 0.5f, (item->min.y + item->max.y) * 0.5f);
    frame();  // hover
    io.MouseDown[0] = true;
    frame();
    io.MouseDown[0] = false;
    frame();
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    return true;
}

bool HeadlessKiosk::drag(std::string_view key, float dy) {
    auto item = probe().find(key);
    if (!item) return false;
    dragFrom((item->min.x + item->max.x) * 0.5f, (item->min.y + item->max.y) * 0.5f, dy);
    return true;
}

void HeadlessKiosk::dragFrom(float x, float y, float dy) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(x, y);
    frame();
    io.MouseDown[0] = true;
    frame();
    for (int i = 1; i <= 10; ++i) {
        io.MousePos = ImVec2(x, y + dy * static_cast<float>(i) / 10.f);
        frame();
    }
    io.MouseDown[0] = false;
    frame();
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    settle();
}

void HeadlessKiosk::type(std::string_view utf8) {
    ImGui::GetIO().AddInputCharactersUTF8(std::string(utf8).c_str());
    frame();
    settle();
}

std::vector<std::string> HeadlessKiosk::smallTargets() {
    std::vector<std::string> out;
    for (const auto& item : probe().items())
        if (item.width() < 47.5f || item.height() < 47.5f) out.push_back(item.key);
    return out;
}

}  // namespace chasqui::kiosk
