// chasqui-kiosk: wires the services and the window, then runs the loop.
#include <cstdlib>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "kiosk/app/glfw_platform.hpp"
#include "kiosk/core/kiosk_app.hpp"
#include "storage/base/clock.hpp"
#include "storage/base/trusted_clock.hpp"

int main(int argc, char** argv) {
    using namespace chasqui;
    CLI::App cli{"Chasqui kiosk: service information for the public, case work for staff"};
    kiosk::KioskConfig config;
    kiosk::WindowOptions window;
    int idleSeconds = 120;
    int warningSeconds = 30;
    std::string data;
    cli.add_option("--data", data, "Data directory made by `chasqui init`")->required();
    cli.add_option("--server", config.serverUrl, "Sync server URL (default: the one saved at enrollment)");
    cli.add_option("--pin-public-key", config.pinnedPublicKey, "Pin the server's TLS public key (sha256//BASE64)");
    cli.add_flag("--fullscreen", window.fullscreen, "Full screen and undecorated (kiosk mode)");
    cli.add_option("--width", window.width, "Window width when not full screen")->check(CLI::Range(640, 7680));
    cli.add_option("--height", window.height, "Window height when not full screen")->check(CLI::Range(480, 4320));
    cli.add_option("--idle-seconds", idleSeconds, "Back to the welcome screen after this long without a touch")
        ->check(CLI::Range(25, 3600));
    cli.add_option("--warning-seconds", warningSeconds, "Countdown shown before that (at least 20 s)")
        ->check(CLI::Range(20, 600));
    cli.add_option("--export-dir", config.exportDir, "Folder offered for report exports");
    cli.add_option("--assets", config.assetsDir, "Folder with translations and the demo catalog");
    CLI11_PARSE(cli, argc, argv);
    if (warningSeconds >= idleSeconds) {
        fmt::print(stderr, "chasqui-kiosk: --warning-seconds must be shorter than --idle-seconds\n");
        return 2;
    }
    config.dataDir = data;
    config.idleTimeoutMs = idleSeconds * 1000LL;
    config.idleWarningMs = warningSeconds * 1000LL;
    if (const char* probe = std::getenv("CHASQUI_UI_PROBE_FILE")) config.probeFile = probe;
    if (config.exportDir.empty()) config.exportDir = config.dataDir / "exports";

    auto fonts = kiosk::findFontFiles();
    if (!fonts) {
        fmt::print(stderr, "chasqui-kiosk: {}\n", fonts.error().message);
        return 1;
    }
    // Outlive the app below. The kiosk dates everything by the server's time
    // as last seen (storage/base/trusted_clock.hpp), not by a wall clock that may
    // be wrong; the boot clock times the inactivity lock.
    storage::SystemClock wall;
    storage::SystemBootClock boot;
    storage::TrustedClock clock(storage::DataDir(config.dataDir), wall, boot);
    auto platform = kiosk::GlfwPlatform::open(window, *fonts);
    if (!platform) {
        fmt::print(stderr, "chasqui-kiosk: {}\n", platform.error().message);
        return 1;
    }
    // The same wiring as the headless driver's (kiosk/headless), with the sync thread.
    auto app = kiosk::wireKiosk(config, clock, boot, &kiosk::GlfwPlatform::wake);
    if (!app) {
        fmt::print(stderr, "chasqui-kiosk: {}\n", app.error().message);
        return 1;
    }
    (*platform)->run((*app)->frame);
    return 0;
}
