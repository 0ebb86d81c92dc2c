// The kiosk re-reads the server's time once per sync run that ended, also
// when the run started and ended between two frames.
#include "kiosk/core/sync_run_watch.hpp"

#include <doctest/doctest.h>

using chasqui::kiosk::SyncRunWatch;
using chasqui::sync::SyncState;
using chasqui::sync::SyncStatus;

TEST_CASE("sync run watch: a run seen running ends once") {
    SyncRunWatch watch;
    SyncStatus s;
    s.state = SyncState::Idle;
    CHECK_FALSE(watch.runEnded(s));
    s.state = SyncState::Sending;
    CHECK_FALSE(watch.runEnded(s));
    s.state = SyncState::Receiving;
    CHECK_FALSE(watch.runEnded(s));
    s.state = SyncState::Idle;
    s.lastAttemptMs = s.lastSuccessMs = 1'000;
    CHECK(watch.runEnded(s));
    CHECK_FALSE(watch.runEnded(s));
}

TEST_CASE("sync run watch: a run between two frames is seen in what it left") {
    SyncRunWatch watch;
    SyncStatus s;
    s.state = SyncState::WaitingToRetry;
    CHECK_FALSE(watch.runEnded(s));
    s.lastAttemptMs = 2'000;
    s.failedAttempts = 1;
    CHECK(watch.runEnded(s));
    CHECK_FALSE(watch.runEnded(s));
    s.failedAttempts = 2;  // another failed run, same second
    CHECK(watch.runEnded(s));
}
