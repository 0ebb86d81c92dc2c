#pragma once
// Staff accounts: the staff record lives in the encrypted store (and syncs),
// the credential (a wrap of the data key) in this kiosk's keyring. Adding,
// resetting and disabling touch only that member's wrap. Supervisors manage
// `staff` accounts; administrators manage every account.
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/db/personal_store.hpp"
#include "storage/keys/key_wrap.hpp"

namespace chasqui::storage {

struct StaffSummary {
    std::string id;
    std::string login;
    std::string name;
    std::string role;
    bool active = true;
    bool hasCredential = false;  // can sign in on this kiosk
    bool locked = false;         // locked by failed sign-ins
    int failures = 0;
};

class StaffAdmin {
public:
    explicit StaffAdmin(PersonalStore& store, KdfParams kdf = KdfParams::kiosk()) : m_store(store), m_kdf(kdf) {}
    Result<std::string> add(const std::string& name, const std::string& login, const std::string& role,
                            std::string_view pin);
    // New PIN for a member: replaces their wrap and unlocks the account.
    Result<void> resetPin(const std::string& login, std::string_view pin);
    // Marks the member inactive (synced) and removes their wrap from this kiosk.
    Result<void> disable(const std::string& login);
    Result<std::vector<StaffSummary>> list();
    Result<StaffSummary> find(const std::string& login);

private:
    Result<void> requireManager(const std::string& targetRole) const;
    PersonalStore& m_store;
    KdfParams m_kdf;
};

}  // namespace chasqui::storage
