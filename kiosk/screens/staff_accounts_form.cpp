// The add / new-PIN form and the disable confirmation of StaffAccountsScreen.
#include <fmt/format.h>

#include "kiosk/screens/staff_accounts_screen.hpp"
#include "kiosk/screens/supervisor_common.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/vocabulary.hpp"

namespace chasqui::kiosk {

namespace {
constexpr std::size_t kMaxName = 120;
constexpr std::size_t kMaxLogin = 32;
constexpr std::size_t kMaxPin = 32;
}  // namespace

void StaffAccountsScreen::drawForm(Ui& ui) {
    const float pad = ui.px(ui.theme.spacing);
    const bool adding = m_mode == Mode::Add;
    const StaffSummary* target = adding ? nullptr : member(m_target);
    const FieldError error = currentError(ui);
    const auto errorFor = [&](std::string_view field) { return error.field == field ? error.text : std::string(); };

    beginScrollArea(ui, "staffadmin.form", ImVec2(0.f, ImGui::GetContentRegionAvail().y));
    heading(ui, adding ? fmt::format("{}  {}", icon::kUserPlus, ui.tr("staffadmin.add.title"))
                       : fmt::format("{}  {}", icon::kKey,
                                     fill(ui.tr("staffadmin.reset.title"), {target ? target->name : m_target})));
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
    // Room for the scroll bar from the first frame, so the columns never jump.
    const float width = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize;
    const float column = (width - pad * 3.f) * 0.5f;
    const float top = ImGui::GetCursorPosY();
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + column);
    if (adding) {
        textField(ui, ui.tr("staffadmin.name"), "staffadmin.name", m_name, EntryMode::Text, kMaxName, errorFor("name"),
                  column);
        ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
        textField(ui, ui.tr("staffadmin.login"), "staffadmin.login", m_login, EntryMode::Text, kMaxLogin,
                  errorFor("login"), column);
        muted(ui, ui.tr("staffadmin.login_hint"));
        // Logins are lower case: no capital first letter on the keyboard.
        if (ui.entry.isFocused("staffadmin.login")) ui.entry.setShift(false);
    } else {
        text(ui, fill(ui.tr("staffadmin.reset.body"), {target ? target->login : m_target}));
    }
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    ImGui::SameLine(0.f, pad * 3.f);
    ImGui::SetCursorPosY(top);
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + column);
    textField(ui, ui.tr("staffadmin.pin"), "staffadmin.pin", m_pin, EntryMode::Numeric, kMaxPin, errorFor("pin"),
              column, true);
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
    textField(ui, ui.tr("staffadmin.pin2"), "staffadmin.pin2", m_pin2, EntryMode::Numeric, kMaxPin, errorFor("pin2"),
              column, true);
    muted(ui, fill(ui.tr("staffadmin.pin_hint"), {pinRole() == "staff" ? "6" : "8"}));
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    if (adding) {
        // The roles get the whole width: their buttons wrap at large text sizes.
        ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
        std::vector<Option> roles;
        for (const auto code : storage::vocab::roles()) {
            if (m_ctx.session.role != "admin" && code != "staff") continue;
            roles.push_back({std::string(code), super::vocabLabel(ui, "roles", code)});
        }
        choice(ui, ui.tr("staffadmin.role"), "staffadmin.role", roles, m_role, errorFor("role"));
    }

    ImGui::Dummy(ImVec2(0.f, pad));
    drawStatus(ui);
    if (!m_working) {
        const float w = std::min(ui.px(420.f), (width - pad) * 0.5f);
        if (button(ui, fmt::format("{}  {}", icon::kCheck, ui.tr("staffadmin.save")), "staffadmin.save",
                   ImVec2(w, ui.px(88.f))))
            m_intent = Intent::Save;
        ImGui::SameLine(0.f, pad);
        if (button(ui, fmt::format("{}  {}", icon::kClose, ui.tr("staffadmin.cancel")), "staffadmin.cancel",
                   ImVec2(w, ui.px(88.f)), Tone::Secondary))
            m_intent = Intent::Cancel;
    }
    endScrollArea(ui);
}

void StaffAccountsScreen::drawConfirmDisable(Ui& ui) {
    const float pad = ui.px(ui.theme.spacing);
    const StaffSummary* target = member(m_target);
    const std::string name = target ? target->name : m_target;
    super::beginColumn(ui, "staffadmin.confirm", 1100.f);
    const float width = ImGui::GetContentRegionAvail().x;
    ImGui::Dummy(ImVec2(0.f, pad));
    heading(ui, fmt::format("{}  {}", icon::kBan, fill(ui.tr("staffadmin.disable.title"), {name})));
    ImGui::Dummy(ImVec2(0.f, pad * 0.5f));
    text(ui, fill(ui.tr("staffadmin.disable.body"), {name}));
    ImGui::Dummy(ImVec2(0.f, pad));
    drawStatus(ui);
    if (!m_working) {
        const float half = (width - pad) * 0.5f;
        if (button(ui, fmt::format("{}  {}", icon::kBan, ui.tr("staffadmin.disable.yes")), "staffadmin.disable.yes",
                   ImVec2(half, ui.px(88.f)), Tone::Danger))
            m_intent = Intent::ConfirmDisable;
        ImGui::SameLine(0.f, pad);
        if (button(ui, fmt::format("{}  {}", icon::kClose, ui.tr("staffadmin.disable.no")), "staffadmin.disable.no",
                   ImVec2(half, ui.px(88.f)), Tone::Secondary))
            m_intent = Intent::Cancel;
    }
    super::endColumn();
}

}  // namespace chasqui::kiosk
