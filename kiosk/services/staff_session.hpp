#pragma once
// The signed-in staff member's personal-data store. Worker thread only: the
// store is single-threaded and every call into it (SQL, key unwrapping) is
// slow enough that it must never run on the UI thread. Screens reach it from
// jobs posted to the TaskRunner and copy what they show into their own state.
//
// signIn() first re-reads the server's time (so the session dates its work
// from the newest sample), merges what the sync worker received while the kiosk was
// locked, and applies an enrollment answer that came after its session ended; signOut() first seals the outbox for the
// sync worker (so changes go up while nobody is signed in), then closes the store and wipes the data key.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "kiosk/core/session_view.hpp"
#include "storage/base/clock.hpp"
#include "storage/base/data_dir.hpp"
#include "storage/base/trusted_clock.hpp"
#include "storage/db/personal_store.hpp"
#include "sync/client/enrollment_client.hpp"

namespace chasqui::kiosk {

class StaffSession {
public:
    StaffSession(storage::DataDir dir, const storage::TrustedClock& clock) : m_dir(std::move(dir)), m_clock(clock) {}

    storage::Result<SessionView> signIn(const std::string& login, std::string pin);
    void signOut();  // never fails: a failure to spool is retried at the next sign-out
    bool signedIn() const { return m_store != nullptr; }
    // An enrollment the server accepted after the session that asked for it
    // had ended (the inactivity lock): the server counts this kiosk as
    // enrolled, so the answer is kept (in memory, no personal data) and
    // applied whole at the next sign-in instead of being lost, which would
    // leave the kiosk refused as "already enrolled".
    struct PendingEnrollment {
        sync::EnrollmentRequest request;
        sync::EnrollmentAnswer answer;
        std::string serverUrl;
    };
    void keepEnrollment(PendingEnrollment pending) { m_pendingEnrollment = std::move(pending); }
    // Any thread: whether a store is open (its key in memory).
    bool storeOpen() const { return m_open.load(); }
    // Any thread: changes at every sign-in and sign-out. A network job notes it
    // before it leaves the store and writes its answer only if it is unchanged
    // (the same session is still open).
    std::uint64_t epoch() const { return m_epoch.load(); }
    // nullptr when nobody is signed in.
    storage::PersonalStore* store() { return m_store.get(); }
    const storage::DataDir& dataDir() const { return m_dir; }
    const storage::Clock& clock() const { return m_clock; }

private:
    void applyPendingEnrollment();

    storage::DataDir m_dir;
    const storage::TrustedClock& m_clock;
    std::unique_ptr<storage::PersonalStore> m_store;
    std::optional<PendingEnrollment> m_pendingEnrollment;
    std::atomic<bool> m_open{false};
    std::atomic<std::uint64_t> m_epoch{0};
};

}  // namespace chasqui::kiosk
