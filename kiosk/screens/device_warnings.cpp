#include "kiosk/screens/device_warnings.hpp"

#include <cstdlib>

#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/ui_context.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk {

namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

std::string unit(const Ui& ui, std::int64_t n, const char* oneKey, const char* manyKey) {
    return n == 1 ? std::string(ui.tr(oneKey)) : fill(ui.tr(manyKey), {std::to_string(n)});
}

std::string days(const Ui& ui, std::int64_t n) {
    return unit(ui, n, "device.unit.day_one", "device.unit.days");
}
std::string hours(const Ui& ui, std::int64_t n) {
    return unit(ui, n, "device.unit.hour_one", "device.unit.hours");
}
std::string minutes(const Ui& ui, std::int64_t n) {
    return unit(ui, n, "device.unit.minute_one", "device.unit.minutes");
}

}  // namespace

std::string clockOffsetText(const Ui& ui, std::int64_t offsetMs) {
    const std::int64_t ms = std::llabs(offsetMs);
    const std::int64_t d = ms / kDay;
    const std::int64_t h = ms % kDay / kHour;
    const std::int64_t m = ms % kHour / kMinute;
    if (d > 0) return h == 0 ? days(ui, d) : fill(ui.tr("device.unit.and"), {days(ui, d), hours(ui, h)});
    if (h > 0) return m == 0 ? hours(ui, h) : fill(ui.tr("device.unit.and"), {hours(ui, h), minutes(ui, m)});
    return minutes(ui, m);
}

std::string freeSpaceText(const Ui& ui, std::uint64_t bytes) {
    constexpr std::uint64_t kMiB = 1024 * 1024;
    // Under a megabyte in kilobytes: "0 MB" free would read as nothing at all.
    if (bytes < kMiB) return fill(ui.tr("device.unit.kb"), {std::to_string(bytes / 1024)});
    return fill(ui.tr("device.unit.mb"), {std::to_string(bytes / kMiB)});
}

bool drawDeviceWarnings(Ui& ui, const DeviceStatusView& view) {
    if (!view.clockOff() && !view.diskLow) return false;
    const ImVec2 min = ImGui::GetCursorScreenPos();
    const float width = ImGui::GetContentRegionAvail().x;
    if (view.clockOff()) {
        const char* key =
            view.clock == storage::ClockCheck::State::Ahead ? "device.clock_ahead" : "device.clock_behind";
        banner(ui, icon::kClock, fill(ui.tr(key), {clockOffsetText(ui, view.clockOffsetMs)}), Tone::Danger);
    }
    if (view.diskLow)
        banner(ui, icon::kWarning, fill(ui.tr("device.disk_low"), {freeSpaceText(ui, view.diskFreeBytes)}),
               Tone::Danger);
    // Recorded like an item so tests can check the warnings stay on screen.
    const float bottom = ImGui::GetItemRectMax().y;
    ui.probe.item("device.warnings", ImGui::GetID("device.warnings"), min, ImVec2(min.x + width, bottom), true);
    return true;
}

}  // namespace chasqui::kiosk
