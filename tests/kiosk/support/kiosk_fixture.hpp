#pragma once
// A kiosk data directory like `chasqui init` makes (office TUM, administrator
// ana.admin), with the demo service catalog, a staff member and a
// supervisor, opened by a HeadlessKiosk. The store the fixture used to set
// things up is closed before the kiosk starts.

#include <condition_variable>
#include <memory>
#include <mutex>

#include "tests/kiosk/support/headless_kiosk.hpp"
#include "tests/kiosk/support/recording_speech.hpp"
#include "tests/support/test_store.hpp"

namespace chasqui::test {

constexpr const char* kStaffLogin = "luis.staff";
constexpr const char* kStaffPin = "13572468";
constexpr const char* kSupervisorLogin = "rosa.super";
constexpr const char* kSupervisorPin = "97531864";

struct KioskFixture {
    explicit KioskFixture(kiosk::KioskConfig config = {});
    TestStore setup;  // setup.store is closed once the fixture is ready
    std::unique_ptr<HeadlessKiosk> kiosk;
    RecordingSpeech* speech = nullptr;  // owned by the kiosk: what its speaker buttons asked to read

    // Signs in through the real sign-in screen (login field, PIN pad).
    void signIn(const char* login, const char* pin);
    // Lets the inactivity timeout pass and draws one frame: the lock fires in it.
    void expireSession();
    // The name of a screen that still holds personal data, or "none".
    std::string screenHoldingPersonalData();
};

// Holds the kiosk's worker thread on a job until release() (or destruction),
// so that work posted meanwhile queues up behind it: how tests make a search
// slow without sleeping.
class WorkerGate {
public:
    explicit WorkerGate(HeadlessKiosk& kiosk);
    ~WorkerGate() { release(); }
    WorkerGate(const WorkerGate&) = delete;
    WorkerGate& operator=(const WorkerGate&) = delete;
    void release();

private:
    struct State {
        std::mutex mutex;
        std::condition_variable cv;
        bool released = false;
    };
    std::shared_ptr<State> m_state = std::make_shared<State>();  // shared with the job
};

}  // namespace chasqui::test
