#pragma once
// Applies changes pulled from the server to a kiosk's personal-data store:
// per-field last-writer-wins with the merge rule, append-only entities created
// once, tombstones as the `deleted` field, the search index refreshed, and a
// disabled staff member's credential removed from this kiosk's keyring.
// Conflicts are detected and recorded by the server (it sees every change of
// the office); kiosks receive them as `conflict` records.
// Runs in one transaction for the whole page, inside which the caller also
// saves the pull cursor.
#include <string>
#include <vector>

#include "storage/db/personal_store.hpp"
#include "sync/protocol/change_codec.hpp"

namespace chasqui::sync {

struct ApplyReport {
    int applied = 0;                                          // changes that set at least one field
    int ignored = 0;                                          // duplicates and older values
    std::vector<std::pair<std::string, SyncError>> rejected;  // change id -> why (kept out, never blocking)
    std::vector<std::string> disabledStaff;                   // staff ids whose account was disabled by this page
};

// Applies `changes` inside the caller's open transaction on `store.db()`.
storage::Result<ApplyReport> applyRemoteChanges(storage::PersonalStore& store,
                                                const std::vector<ChangeRecord>& changes);

}  // namespace chasqui::sync
