#include "kiosk/screens/supervisor_common.hpp"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk::super {

bool drawRefusal(Ui& ui, const SessionView& session, bool& back) {
    if (session.isSupervisor()) return false;
    const float pad = ui.px(ui.theme.spacing);
    ImGui::Dummy(ImVec2(0.f, pad * 2.f));
    heading(ui, fmt::format("{}  {}", icon::kLock, ui.tr("super.refused.title")));
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
    text(ui, ui.tr("super.refused.body"));
    ImGui::Dummy(ImVec2(0.f, pad));
    if (button(ui, fmt::format("{}  {}", icon::kBack, ui.tr("super.refused.back")), "super.refused.back",
               ImVec2(0.f, ui.px(88.f))))
        back = true;
    return true;
}

std::string labelOr(const Ui& ui, const std::string& key, std::string_view fallback) {
    if (ui.i18n.has(key, ui.i18n.language()) || ui.i18n.has(key, "es")) return ui.tr(key);
    return std::string(fallback);
}

std::string vocabLabel(const Ui& ui, std::string_view list, std::string_view code) {
    return labelOr(ui, fmt::format("vocab.{}.{}", list, code), code);
}

std::string errorText(const Ui& ui, const storage::Error& error) {
    return ui.tr(fmt::format("super.error.{}", storage::errorCodeName(error.code)));
}

std::string syncErrorText(const Ui& ui, sync::SyncErrorCode code, std::string_view serverCode) {
    if (!serverCode.empty()) {
        const std::string key = fmt::format("sync.error.server.{}", serverCode);
        if (ui.i18n.has(key, "es")) return ui.tr(key);
    }
    return ui.tr(fmt::format("sync.error.{}", sync::syncErrorCodeName(code)));
}

std::string localDateTime(std::int64_t epochMs) {
    if (epochMs <= 0) return {};
    const std::time_t seconds = static_cast<std::time_t>(epochMs / 1000);
    std::tm local{};
    if (localtime_r(&seconds, &local) == nullptr) return {};
    return fmt::format("{:02}/{:02}/{:04} {:02}:{:02}", local.tm_mday, local.tm_mon + 1, local.tm_year + 1900,
                       local.tm_hour, local.tm_min);
}

std::string agoText(const Ui& ui, std::int64_t nowMs, std::int64_t thenMs) {
    const std::int64_t minutes = std::max<std::int64_t>(0, nowMs - thenMs) / 60'000;
    if (minutes < 1) return ui.tr("super.ago.now");
    if (minutes == 1) return ui.tr("super.ago.minute");
    if (minutes < 60) return fill(ui.tr("super.ago.minutes"), {std::to_string(minutes)});
    const std::int64_t hours = minutes / 60;
    if (hours == 1) return ui.tr("super.ago.hour");
    if (hours < 48) return fill(ui.tr("super.ago.hours"), {std::to_string(hours)});
    return fill(ui.tr("super.ago.days"), {std::to_string(hours / 24)});
}

std::string monthLabel(const Ui& ui, std::string_view month) {
    if (month.size() != 7) return std::string(month);
    return fill(ui.tr("super.month_year"),
                {ui.tr(fmt::format("super.month.{}", month.substr(5, 2))), std::string(month.substr(0, 4))});
}

void beginColumn(Ui& ui, const char* key, float maxWidth) {
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float width = std::min(avail.x, ui.px(maxWidth));
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail.x - width) * 0.5f);
    ImGui::BeginChild(key, ImVec2(width, avail.y), false, ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoScrollbar);
}

void endColumn() {
    ImGui::EndChild();
}

void workingBanner(Ui& ui, std::string_view message) {
    banner(ui, icon::kRefresh, message);
}

}  // namespace chasqui::kiosk::super
