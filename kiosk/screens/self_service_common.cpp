#include "kiosk/screens/self_service_common.hpp"

#include <fmt/format.h>
#include <imgui.h>

#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"

namespace chasqui::kiosk::self_service {

std::string categoryKey(std::string_view category) {
    return fmt::format("category.{}", category);
}

const char* errorKey(const storage::Error& error) {
    switch (error.code) {
        case storage::ErrorCode::NotFound:
            return "services.error.gone";
        default:
            return "services.error.unreadable";
    }
}

std::string countText(const Ui& ui, int count) {
    if (count == 1) return ui.tr("services.count_one");
    return fill(ui.tr("services.count"), {std::to_string(count)});
}

void drawWorking(Ui& ui) {
    ImGui::Dummy(ImVec2(0.f, ui.px(ui.theme.spacing) * 2.f));
    muted(ui, fmt::format("{}  {}", icon::kClock, ui.tr("services.loading")));
}

void drawNotice(Ui& ui, const char* iconText, std::string_view message) {
    const float width = ImGui::GetContentRegionAvail().x;
    const float pad = ui.px(ui.theme.spacing);
    ImGui::Dummy(ImVec2(0.f, pad * 3.f));
    const ImVec2 iconSize = ui.fonts.icons->CalcTextSizeA(ui.fonts.icons->FontSize, 1e9f, 0.f, iconText);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddText(ui.fonts.icons, ui.fonts.icons->FontSize,
                                        ImVec2(at.x + (width - iconSize.x) * 0.5f, at.y), toU32(ui.theme.primary),
                                        iconText);
    ImGui::Dummy(ImVec2(width, iconSize.y + pad));
    // Narrower than the screen so the lines stay short enough to read.
    const float column = std::min(width, ui.px(1000.f));
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (width - column) * 0.5f);
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + column);
    ImGui::PushFont(ui.fonts.heading);
    ui.probe.text(message);
    ImGui::TextUnformatted(message.data(), message.data() + message.size());
    ImGui::PopFont();
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
}

}  // namespace chasqui::kiosk::self_service
