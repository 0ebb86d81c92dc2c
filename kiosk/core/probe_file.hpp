#pragma once
// For the end-to-end test under Xvfb only: when CHASQUI_UI_PROBE_FILE names a
// file, the kiosk writes there, whenever it changes, the current screen and
// every interactive item's key and rectangle, so a script can tap items with
// xdotool by key. Items only: never any text (texts may be personal data).
// UI thread only.

#include <cstdint>
#include <filesystem>
#include <string>

#include "kiosk/ui/ui_probe.hpp"

namespace chasqui::kiosk {

class ProbeFile {
public:
    explicit ProbeFile(std::filesystem::path path) : m_path(std::move(path)) {}
    bool enabled() const { return !m_path.empty(); }
    // Writes atomically when the screen or the items changed since the last write.
    // `taps` counts pointer releases seen, so a script knows its tap was handled.
    void update(const char* screen, const UiProbe& probe, bool keyboardOpen, std::uint64_t taps);

private:
    std::filesystem::path m_path;
    std::uint64_t m_lastHash = 0;
};

}  // namespace chasqui::kiosk
