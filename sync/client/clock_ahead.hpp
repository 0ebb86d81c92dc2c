#pragma once
// Changes stamped by a clock that ran ahead (sync/PROTOCOL.md section 3.1).
//
// The server refuses a change whose stamp is more than 5 minutes past its own
// clock (`clock_ahead`): it would win every merge until the world caught up.
// Such a change never reached any other replica, so its stamp is still this
// kiosk's to change. The kiosk keeps the refused ids (noteClockAhead, needs no
// key) and, once the store is open and its TrustedClock knows the true time,
// re-stamps them (restampAheadChanges): a new change id and a stamp from now,
// above every other clock of the records they touch, in their original
// order, and queued again. Nothing leaves the outbox without being applied or
// kept; a corrected clock stops blocking sync at the next sign-in or sync.
#include <string>
#include <vector>

#include "storage/base/data_dir.hpp"
#include "storage/db/personal_store.hpp"
#include "sync/client/server_channel.hpp"

namespace chasqui::sync {

// Records the ids of the changes a push answer refused with `clock_ahead`
// (DIR/sync/clock_ahead.ids; ids only, no personal data).
storage::Result<void> noteClockAhead(const storage::DataDir& dir, const std::vector<PushItem>& problems);

struct RestampSummary {
    int restamped = 0;  // changes given a new stamp and queued again
};

// Inside one transaction: every change of this device stamped more than
// storage::kClockToleranceMs past the store's clock, every change the server
// refused as clock_ahead, and every later change of this device to the same
// records, get new ids and stamps; the merge clocks and the bases of queued
// changes follow; unsent outbox files are dropped so they are sealed again.
// A no-op (one query) when nothing is ahead.
storage::Result<RestampSummary> restampAheadChanges(storage::PersonalStore& store);

}  // namespace chasqui::sync
