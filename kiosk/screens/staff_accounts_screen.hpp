#pragma once
// Staff accounts of this kiosk: the list (name, login, role, whether the
// account is active), adding a member (name, login, role, PIN typed twice on
// the numeric pad), a new PIN for a member, and disabling one after a
// confirmation. Supervisors manage staff accounts; administrators manage every
// account (AccountsService). Key derivation is slow on purpose
// (Argon2id), so every change runs on the worker while a calm "working" line shows.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/services/accounts_service.hpp"

namespace chasqui::kiosk {

class StaffAccountsScreen final : public Screen {
public:
    explicit StaffAccountsScreen(StaffContext& ctx) : m_ctx(ctx), m_accounts(ctx.staff) {}
    ~StaffAccountsScreen() override;
    ScreenId id() const override { return ScreenId::StaffAccounts; }
    const char* titleKey() const override { return "staffadmin.title"; }
    bool needsSession() const override { return true; }
    void onEnter() override;
    void drawContent(Ui& ui) override;
    void afterDraw() override;
    void dropPersonalData() override;
    bool holdsPersonalData() const override;

private:
    enum class Mode { List, Add, Reset, ConfirmDisable };
    enum class Intent { None, OpenAdd, OpenReset, OpenDisable, Save, Cancel, ConfirmDisable, Back };
    struct FieldError {
        std::string field;  // name | login | role | pin | pin2 | "" (a banner)
        std::string text;   // translated
    };

    void load();
    void save();
    void disable();
    void setMode(Mode mode);
    void clearForm();
    bool mayManage(const StaffSummary& member) const;
    const StaffSummary* member(const std::string& login) const;
    FieldError currentError(const Ui& ui) const;
    std::string pinRole() const;  // role whose PIN rules apply to the form

    void drawList(Ui& ui);
    void drawForm(Ui& ui);
    void drawConfirmDisable(Ui& ui);
    void drawStatus(Ui& ui);

    StaffContext& m_ctx;
    AccountsService m_accounts;  // worker thread only
    Mode m_mode = Mode::List;
    std::vector<StaffSummary> m_staff;
    std::uint64_t m_generation = 0;
    bool m_loading = false;
    bool m_working = false;
    bool m_closeKeyboard = false;

    // The form (add, or a new PIN for m_target).
    std::string m_name;
    std::string m_login;
    std::string m_role = "staff";
    std::string m_pin;
    std::string m_pin2;
    std::string m_target;  // login of the member being reset or disabled

    std::optional<storage::Error> m_error;  // of the last action, translated when drawn
    std::string m_localError;               // a key: checks made before asking the store
    std::string m_localField;
    std::string m_noticeKey;  // success line: key and its value
    std::string m_noticeValue;

    Intent m_intent = Intent::None;
    std::string m_tappedLogin;
};

}  // namespace chasqui::kiosk
