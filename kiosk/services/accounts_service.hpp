#pragma once
// Staff accounts for a supervisor or an administrator: the list, adding a
// member, a new PIN, disabling, and who may manage whom (the same rule
// storage::StaffAdmin enforces, asked before a button is offered). PINs use
// KdfParams::kiosk(): the slow, real parameters.
//
// Threading: list(), add(), resetPin() and disable() on the worker thread
// only; mayManage() is pure (UI thread). Each change answers with the list
// read after it, so the screen shows what the store holds even when the
// change was refused. Errors are storage's: PermissionDenied (not allowed or
// signed out), InvalidInput naming the field, AlreadyExists (the login),
// NotFound, AccountLocked.
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/services/staff_session.hpp"
#include "storage/base/error.hpp"
#include "storage/keys/staff_admin.hpp"

namespace chasqui::kiosk {

using StaffSummary = storage::StaffSummary;

struct AccountsOutcome {
    storage::Result<void> done;
    std::vector<StaffSummary> list;  // empty when it could not be read
};

class AccountsService {
public:
    explicit AccountsService(StaffSession& staff) : m_staff(staff) {}

    // Whether the signed-in `session` may add a PIN to or disable `member`:
    // never themselves; an administrator anyone else; a supervisor staff only.
    static bool mayManage(const SessionView& session, const StaffSummary& member);

    storage::Result<std::vector<StaffSummary>> list();
    AccountsOutcome add(const std::string& name, const std::string& login, const std::string& role,
                        std::string_view pin);
    AccountsOutcome resetPin(const std::string& login, std::string_view pin);
    AccountsOutcome disable(const std::string& login);

private:
    StaffSession& m_staff;
};

}  // namespace chasqui::kiosk
