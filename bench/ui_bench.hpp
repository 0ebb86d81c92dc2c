#pragma once
// chasqui-bench ui: frame times of the kiosk's heaviest screens with a large
// population (headless: the real app in a windowless ImGui context, CPU side
// of a frame), and idle CPU of the real chasqui-kiosk window under X (Xvfb in
// CI) over 10 s after the last input, plus launch-to-first-frame.

#include <string>

namespace chasqui::bench {

struct UiBenchOptions {
    int persons = 100000;
    int frames = 240;  // frames measured per screen
    int idleSeconds = 10;
    bool window = true;  // also run the real window when DISPLAY is set
    std::string workDir;
    bool json = false;
};

int runUiBench(const UiBenchOptions& options);

}  // namespace chasqui::bench
