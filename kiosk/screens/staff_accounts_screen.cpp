#include "kiosk/screens/staff_accounts_screen.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include <fmt/format.h>

#include "kiosk/screens/supervisor_common.hpp"
#include "kiosk/ui/icons.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/secret.hpp"

namespace chasqui::kiosk {

namespace {

std::string trimmedLower(std::string_view text, bool lower) {
    const auto begin = text.find_first_not_of(' ');
    if (begin == std::string_view::npos) return {};
    const auto end = text.find_last_not_of(' ');
    std::string out(text.substr(begin, end - begin + 1));
    if (lower)
        std::transform(out.begin(), out.end(), out.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// One heap copy of a PIN goes to the worker and is wiped there after use.
std::shared_ptr<std::string> pinCopy(const std::string& pin) {
    return std::make_shared<std::string>(pin);
}

}  // namespace

StaffAccountsScreen::~StaffAccountsScreen() {
    clearForm();
}

void StaffAccountsScreen::clearForm() {
    storage::wipeString(m_pin);
    storage::wipeString(m_pin2);
    m_pin.clear();
    m_pin2.clear();
    m_name.clear();
    m_login.clear();
    m_role = "staff";
    m_localError.clear();
    m_localField.clear();
}

void StaffAccountsScreen::onEnter() {
    setMode(Mode::List);
    m_noticeKey.clear();
    m_error.reset();
    load();
}

void StaffAccountsScreen::dropPersonalData() {
    ++m_generation;
    clearForm();
    m_staff.clear();
    m_target.clear();
    m_error.reset();
    m_noticeKey.clear();
    m_noticeValue.clear();
    m_mode = Mode::List;
    m_loading = m_working = false;
}

bool StaffAccountsScreen::holdsPersonalData() const {
    return !m_staff.empty() || !m_name.empty() || !m_login.empty() || !m_pin.empty() || !m_pin2.empty() ||
           !m_target.empty() || !m_noticeValue.empty() || !m_tappedLogin.empty();
}

void StaffAccountsScreen::setMode(Mode mode) {
    if (mode == Mode::List || mode == Mode::Add) m_target.clear();
    clearForm();
    m_error.reset();
    m_mode = mode;
    m_closeKeyboard = true;
}

bool StaffAccountsScreen::mayManage(const StaffSummary& m) const {
    return AccountsService::mayManage(m_ctx.session, m);
}

const StaffSummary* StaffAccountsScreen::member(const std::string& login) const {
    for (const auto& m : m_staff)
        if (m.login == login) return &m;
    return nullptr;
}

std::string StaffAccountsScreen::pinRole() const {
    if (m_mode == Mode::Reset)
        if (const auto* m = member(m_target)) return m->role;
    return m_role;
}

void StaffAccountsScreen::load() {
    if (!m_ctx.session.isSupervisor()) return;
    m_loading = true;
    const std::uint64_t generation = ++m_generation;
    m_ctx.tasks.post([this, generation]() -> TaskRunner::Continuation {
        storage::Result<std::vector<StaffSummary>> list = m_accounts.list();
        return [this, generation, list = std::move(list)]() mutable {
            if (generation != m_generation) return;
            m_loading = false;
            if (list)
                m_staff = std::move(*list);
            else
                m_error = list.error();
        };
    });
}

void StaffAccountsScreen::save() {
    m_localError.clear();
    m_localField.clear();
    m_error.reset();
    const std::string name = trimmedLower(m_name, false);
    const std::string login = trimmedLower(m_login, true);
    if (m_mode == Mode::Add && name.empty()) {
        m_localField = "name";
        m_localError = "staffadmin.error.name";
    } else if (m_mode == Mode::Add && login.empty()) {
        m_localField = "login";
        m_localError = "staffadmin.error.login";
    } else if (m_pin.empty()) {
        m_localField = "pin";
        m_localError = "staffadmin.error.pin";
    } else if (m_pin != m_pin2) {
        m_localField = "pin2";
        m_localError = "staffadmin.error.pin_mismatch";
    }
    if (!m_localError.empty()) {
        // Both PINs are typed again: a person cannot see which one slipped.
        if (m_localField == "pin2") {
            storage::wipeString(m_pin);
            m_pin.clear();
        }
        storage::wipeString(m_pin2);
        m_pin2.clear();
        return;
    }
    auto pin = pinCopy(m_pin);
    storage::wipeString(m_pin);
    storage::wipeString(m_pin2);
    m_pin.clear();
    m_pin2.clear();
    m_working = true;
    m_closeKeyboard = true;
    const bool adding = m_mode == Mode::Add;
    const std::string role = m_role;
    const std::string target = adding ? login : m_target;
    const std::uint64_t generation = ++m_generation;
    m_ctx.tasks.post([this, generation, adding, name, role, target, pin]() -> TaskRunner::Continuation {
        AccountsOutcome out = adding ? m_accounts.add(name, target, role, *pin) : m_accounts.resetPin(target, *pin);
        storage::wipeString(*pin);
        storage::Result<void> done = std::move(out.done);
        std::vector<StaffSummary> list = std::move(out.list);
        return [this, generation, adding, name, target, done = std::move(done), list = std::move(list)]() mutable {
            if (generation != m_generation) return;
            m_working = false;
            if (!list.empty()) m_staff = std::move(list);
            if (!done) {
                m_error = done.error();
                return;
            }
            m_noticeKey = adding ? "staffadmin.added" : "staffadmin.reset_done";
            const auto* m = member(target);
            m_noticeValue = m ? m->name : (adding ? name : target);
            setMode(Mode::List);
        };
    });
}

void StaffAccountsScreen::disable() {
    m_working = true;
    m_error.reset();
    const std::string target = m_target;
    const std::uint64_t generation = ++m_generation;
    m_ctx.tasks.post([this, generation, target]() -> TaskRunner::Continuation {
        AccountsOutcome out = m_accounts.disable(target);
        storage::Result<void> done = std::move(out.done);
        std::vector<StaffSummary> list = std::move(out.list);
        return [this, generation, target, done = std::move(done), list = std::move(list)]() mutable {
            if (generation != m_generation) return;
            m_working = false;
            if (!list.empty()) m_staff = std::move(list);
            if (!done) {
                m_error = done.error();
                return;
            }
            m_noticeKey = "staffadmin.disabled_done";
            const auto* m = member(target);
            m_noticeValue = m ? m->name : target;
            setMode(Mode::List);
        };
    });
}

StaffAccountsScreen::FieldError StaffAccountsScreen::currentError(const Ui& ui) const {
    const auto pinText = [&] { return fill(ui.tr("staffadmin.error.pin"), {pinRole() == "staff" ? "6" : "8"}); };
    if (!m_localError.empty())
        return {m_localField, m_localError == "staffadmin.error.pin" ? pinText() : std::string(ui.tr(m_localError))};
    if (!m_error) return {};
    const storage::Error& e = *m_error;
    switch (e.code) {
        case storage::ErrorCode::InvalidInput:
            if (e.field == "pin") return {"pin", pinText()};
            if (e.field == "name" || e.field == "login" || e.field == "role")
                return {e.field, ui.tr(fmt::format("staffadmin.error.{}", e.field))};
            break;
        case storage::ErrorCode::AlreadyExists:
            return {"login", ui.tr("staffadmin.error.login_taken")};
        case storage::ErrorCode::PermissionDenied:
            return {"", ui.tr("staffadmin.error.permission")};
        case storage::ErrorCode::AccountLocked:
            return {"", ui.tr("staffadmin.error.disabled")};
        case storage::ErrorCode::NotFound:
            return {"", ui.tr("staffadmin.error.not_found")};
        default:
            break;
    }
    return {"", super::errorText(ui, e)};
}

void StaffAccountsScreen::drawContent(Ui& ui) {
    bool back = false;
    if (super::drawRefusal(ui, m_ctx.session, back)) {
        if (back) m_intent = Intent::Back;
        return;
    }
    if (m_closeKeyboard) {
        ui.entry.close();
        m_closeKeyboard = false;
    }
    switch (m_mode) {
        case Mode::List:
            drawList(ui);
            break;
        case Mode::Add:
        case Mode::Reset:
            drawForm(ui);
            break;
        case Mode::ConfirmDisable:
            drawConfirmDisable(ui);
            break;
    }
}

void StaffAccountsScreen::drawStatus(Ui& ui) {
    if (m_working) super::workingBanner(ui, ui.tr("staffadmin.working"));
    const FieldError error = currentError(ui);
    if (!error.text.empty() && error.field.empty()) banner(ui, icon::kWarning, error.text, Tone::Danger);
}

void StaffAccountsScreen::drawList(Ui& ui) {
    const float pad = ui.px(ui.theme.spacing);
    if (button(ui, fmt::format("{}  {}", icon::kUserPlus, ui.tr("staffadmin.add")), "staffadmin.add",
               ImVec2(0.f, ui.px(88.f)), Tone::Primary, !m_working))
        m_intent = Intent::OpenAdd;
    ImGui::SameLine(0.f, pad * 2.f);
    ImGui::BeginGroup();
    muted(ui, ui.tr(m_ctx.session.role == "admin" ? "staffadmin.hint_admin" : "staffadmin.hint_supervisor"));
    ImGui::EndGroup();
    if (!m_noticeKey.empty())
        successText(ui, fmt::format("{}  {}", icon::kCheck, fill(ui.tr(m_noticeKey), {m_noticeValue})));
    drawStatus(ui);
    if (m_loading && m_staff.empty()) {
        super::workingBanner(ui, ui.tr("staffadmin.loading"));
        return;
    }
    ImGui::Dummy(ImVec2(0.f, pad * 0.25f));
    beginScrollArea(ui, "staffadmin.list", ImVec2(0.f, ImGui::GetContentRegionAvail().y));
    ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(pad * 0.75f, pad * 0.5f));
    ImGui::PushStyleColor(ImGuiCol_TableRowBg, ui.theme.surface);
    ImGui::PushStyleColor(ImGuiCol_TableRowBgAlt, ui.theme.background);
    ImGui::PushStyleColor(ImGuiCol_TableHeaderBg, ui.theme.secondary);
    if (ImGui::BeginTable("##staff", 4,
                          ImGuiTableFlags_RowBg | ImGuiTableFlags_PadOuterX | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::PushFont(ui.fonts.bold);
        for (const char* key :
             {"staffadmin.col.person", "staffadmin.col.role", "staffadmin.col.state", "staffadmin.col.actions"}) {
            ImGui::TableSetupColumn(ui.tr(key), 0, key == std::string_view("staffadmin.col.actions") ? 2.2f : 1.f);
            ui.probe.text(ui.tr(key));
        }
        ImGui::TableHeadersRow();
        ImGui::PopFont();
        for (const auto& m : m_staff) {
            ImGui::PushID(m.id.c_str());
            ImGui::TableNextRow(0, ui.px(88.f));
            ImGui::TableNextColumn();
            label(ui, m.name);
            muted(ui, m.login);
            ImGui::TableNextColumn();
            text(ui, super::vocabLabel(ui, "roles", m.role));
            ImGui::TableNextColumn();
            const char* state = !m.active          ? "staffadmin.state.disabled"
                                : m.locked         ? "staffadmin.state.locked"
                                : !m.hasCredential ? "staffadmin.state.no_pin"
                                                   : "staffadmin.state.active";
            if (m.active && !m.locked && m.hasCredential)
                successText(ui, fmt::format("{}  {}", icon::kCheck, ui.tr(state)));
            else
                text(ui, fmt::format("{}  {}", m.active ? icon::kWarning : icon::kBan, ui.tr(state)));
            ImGui::TableNextColumn();
            if (m.active && mayManage(m)) {
                const std::string reset = fmt::format("staffadmin.{}.reset", m.login);
                const std::string off = fmt::format("staffadmin.{}.disable", m.login);
                if (button(ui, fmt::format("{}  {}", icon::kKey, ui.tr("staffadmin.reset")), reset.c_str(),
                           ImVec2(0.f, 0.f), Tone::Secondary, !m_working)) {
                    m_intent = Intent::OpenReset;
                    m_tappedLogin = m.login;
                }
                ImGui::SameLine(0.f, pad);
                if (button(ui, fmt::format("{}  {}", icon::kBan, ui.tr("staffadmin.disable")), off.c_str(),
                           ImVec2(0.f, 0.f), Tone::Danger, !m_working)) {
                    m_intent = Intent::OpenDisable;
                    m_tappedLogin = m.login;
                }
            } else if (m.id == m_ctx.session.staffId) {
                muted(ui, ui.tr("staffadmin.you"));
            }
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    ImGui::PopStyleColor(3);
    ImGui::PopStyleVar();
    endScrollArea(ui);
}

void StaffAccountsScreen::afterDraw() {
    const Intent intent = m_intent;
    m_intent = Intent::None;
    switch (intent) {
        case Intent::Back:
            m_ctx.nav.back();
            break;
        case Intent::OpenAdd:
            m_noticeKey.clear();
            setMode(Mode::Add);
            m_role = "staff";
            break;
        case Intent::OpenReset:
        case Intent::OpenDisable:
            m_noticeKey.clear();
            setMode(intent == Intent::OpenReset ? Mode::Reset : Mode::ConfirmDisable);
            m_target = m_tappedLogin;
            break;
        case Intent::Save:
            if (!m_working) save();
            break;
        case Intent::ConfirmDisable:
            if (!m_working) disable();
            break;
        case Intent::Cancel:
            if (!m_working) setMode(Mode::List);
            break;
        case Intent::None:
            break;
    }
    m_tappedLogin.clear();
}

}  // namespace chasqui::kiosk
