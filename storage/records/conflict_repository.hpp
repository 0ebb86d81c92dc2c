#pragma once
// Conflicts kept for a supervisor: a field that two devices changed
// concurrently. The server detects them and sends them to every kiosk of the
// office as `conflict` records (sync/client/change_applier.cpp); the merge already
// chose a value (the "kept" one, on every device alike) and the other value is
// never dropped. A supervisor reads them here and either confirms the kept
// value or brings the other one back; both decisions are ordinary synced writes
// (the conflict record's `resolved`, and for the other value an update of that
// one field with a fresh clock, so it wins everywhere).
// Same threading rule as PersonalStore: call from its owning thread.
#include <cstdint>
#include <string>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/db/personal_store.hpp"

namespace chasqui::storage {

// One side of a conflict: the value and who wrote it, when, on which device.
struct ConflictSide {
    std::string value;      // readable text of the value ("" for an empty or null value)
    std::int64_t atMs = 0;  // wall time of the write's hybrid logical clock; 0 if unreadable
    std::string deviceId;
    bool thisDevice = false;  // written on this kiosk
    std::string staffId;      // "" when not known (a kept side recorded before kept_author existed)
    std::string staffName;    // "" when not known here
    std::string staffLogin;
};

// An open conflict, described for a person to decide.
struct ConflictView {
    std::string id;
    std::string entity;  // person | case | household | ...
    std::string recordId;
    std::string caseCode;     // of the person the record belongs to, when there is one
    std::string personName;   // "given family1 family2" of that person
    std::string recordLabel;  // for records without a person: a staff name, an office code...
    std::string field;        // column name ("given_names")
    ConflictSide kept;        // the value the record has now
    ConflictSide lost;        // the concurrent value that lost the merge
};

enum class ConflictChoice { KeepCurrent, KeepOther };

class ConflictRepository {
public:
    explicit ConflictRepository(PersonalStore& store) : m_store(store) {}

    // Open (unresolved, live) conflicts, oldest first, at most `limit`.
    // PermissionDenied unless the session is a supervisor or administrator.
    Result<std::vector<ConflictView>> listOpen(std::size_t limit = 500);
    Result<std::int64_t> countOpen();

    // Resolves one open conflict in one transaction: KeepOther writes the lost
    // value into that field of the record (RecordWriter::update: it syncs and
    // wins by clock) and refreshes the search entry of a person; both choices
    // mark the conflict resolved (a synced update of the conflict record) and
    // add a "resolve_conflict" audit entry.
    // Errors: PermissionDenied (not a supervisor), NotFound (no such open
    // conflict, or its record is gone), Damaged (a value or field that cannot
    // be written back), database errors as such.
    Result<void> resolve(const std::string& conflictId, ConflictChoice choice);

private:
    PersonalStore& m_store;
};

}  // namespace chasqui::storage
