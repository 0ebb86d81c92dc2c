#pragma once
// The signed-in staff member's personal-data store. Worker thread only: the
// store is single-threaded and every call into it (SQL, key unwrapping) is
// slow enough that it must never run on the UI thread. Screens reach it from
// jobs posted to the TaskRunner and copy what they show into their own state.
//
// signIn() also merges what the sync worker received while the kiosk was
// locked; signOut() first seals the outbox for the sync worker (so changes go
// up while nobody is signed in), then closes the store and wipes the data key.

#include <memory>
#include <string>

#include "storage/clock.hpp"
#include "storage/data_dir.hpp"
#include "storage/personal_store.hpp"

namespace chasqui::kiosk {

// What the UI keeps of a session: no key, no personal data of beneficiaries.
struct SessionView {
    bool signedIn = false;
    std::string staffId;
    std::string login;
    std::string name;
    std::string role;
    std::string officeCode;
    bool isSupervisor() const { return role == "supervisor" || role == "admin"; }
};

class StaffSession {
public:
    StaffSession(storage::DataDir dir, const storage::Clock& clock) : m_dir(std::move(dir)), m_clock(clock) {}

    storage::Result<SessionView> signIn(const std::string& login, std::string pin);
    void signOut();  // never fails: a failure to spool is retried at the next sign-out
    bool signedIn() const { return m_store != nullptr; }
    // nullptr when nobody is signed in.
    storage::PersonalStore* store() { return m_store.get(); }
    const storage::DataDir& dataDir() const { return m_dir; }
    const storage::Clock& clock() const { return m_clock; }

private:
    storage::DataDir m_dir;
    const storage::Clock& m_clock;
    std::unique_ptr<storage::PersonalStore> m_store;
};

}  // namespace chasqui::kiosk
