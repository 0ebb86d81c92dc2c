#pragma once
// Open conflicts for a supervisor (storage/records/conflict_repository.hpp
// says what a conflict is): how many, the list described for a person to
// decide, and a decision. The view types are storage's own plain structs.
//
// Threading: worker thread only. Errors are storage's: PermissionDenied when
// nobody (or no supervisor) is signed in, NotFound when the conflict was
// resolved meanwhile (on another kiosk, synced).
#include <cstdint>
#include <string>
#include <vector>

#include "kiosk/services/staff_session.hpp"
#include "storage/base/error.hpp"
#include "storage/records/conflict_repository.hpp"

namespace chasqui::kiosk {

using ConflictView = storage::ConflictView;
using ConflictSide = storage::ConflictSide;
using ConflictChoice = storage::ConflictChoice;

class ConflictService {
public:
    explicit ConflictService(StaffSession& staff) : m_staff(staff) {}

    storage::Result<std::int64_t> countOpen();
    storage::Result<std::vector<ConflictView>> listOpen();
    storage::Result<void> resolve(const std::string& conflictId, ConflictChoice choice);

private:
    StaffSession& m_staff;
};

}  // namespace chasqui::kiosk
