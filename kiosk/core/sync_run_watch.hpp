#pragma once
// Notices that a sync run ended, from the sync thread's status read once a
// frame. A run leaves a new sample of the server's time behind
// (DIR/sync/clock.json), so the kiosk re-reads its clock then. A run can start
// and end between two frames, so an end is also seen in the times and the
// failure count it leaves behind. Pure logic on a status snapshot; UI thread.

#include <cstdint>

#include "sync/client/sync_worker.hpp"

namespace chasqui::kiosk {

class SyncRunWatch {
public:
    // True when a run ended since the previous call (at most once per run seen).
    bool runEnded(const sync::SyncStatus& status) {
        const bool running = status.state == sync::SyncState::Connecting || status.state == sync::SyncState::Sending ||
                             status.state == sync::SyncState::Receiving;
        const Mark mark{status.lastAttemptMs, status.lastSuccessMs, status.failedAttempts};
        const bool ended = !running && (m_wasRunning || mark != m_mark);
        if (ended) m_mark = mark;
        m_wasRunning = running;
        return ended;
    }

private:
    struct Mark {
        std::int64_t attemptMs = 0;
        std::int64_t successMs = 0;
        int failed = 0;
        bool operator==(const Mark&) const = default;
    };
    Mark m_mark;  // of the last run whose end was seen
    bool m_wasRunning = false;
};

}  // namespace chasqui::kiosk
