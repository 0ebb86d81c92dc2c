#include "kiosk/services/accounts_service.hpp"

#include <utility>

#include "kiosk/services/store_access.hpp"

namespace chasqui::kiosk {

namespace {

// Runs `change` with the store's StaffAdmin, then reads the list again.
template <class Change>
AccountsOutcome changeAndList(StaffSession& staff, Change&& change) {
    AccountsOutcome out;
    storage::PersonalStore* store = staff.store();
    if (store == nullptr) {
        out.done = storage::fail(storage::ErrorCode::PermissionDenied, "signed out");  // i18n: not UI
        return out;
    }
    storage::StaffAdmin admin(*store);
    out.done = change(admin);
    if (auto list = admin.list()) out.list = std::move(*list);
    return out;
}

}  // namespace

bool AccountsService::mayManage(const SessionView& session, const StaffSummary& member) {
    if (member.id == session.staffId) return false;
    return session.role == "admin" || (session.role == "supervisor" && member.role == "staff");
}

storage::Result<std::vector<StaffSummary>> AccountsService::list() {
    return withStore<std::vector<StaffSummary>>(
        m_staff, [](storage::PersonalStore& store) { return storage::StaffAdmin(store).list(); });
}

AccountsOutcome AccountsService::add(const std::string& name, const std::string& login, const std::string& role,
                                     std::string_view pin) {
    return changeAndList(m_staff, [&](storage::StaffAdmin& admin) -> storage::Result<void> {
        auto id = admin.add(name, login, role, pin);
        if (!id) return std::unexpected(id.error());
        return {};
    });
}

AccountsOutcome AccountsService::resetPin(const std::string& login, std::string_view pin) {
    return changeAndList(m_staff, [&](storage::StaffAdmin& admin) { return admin.resetPin(login, pin); });
}

AccountsOutcome AccountsService::disable(const std::string& login) {
    return changeAndList(m_staff, [&](storage::StaffAdmin& admin) { return admin.disable(login); });
}

}  // namespace chasqui::kiosk
