#pragma once
// The merge rule of sync/PROTOCOL.md section 3, as a pure function so that
// the server and every kiosk decide exactly alike. Clocks are "<hlc>@<device>"
// strings; their string order is the total order (HLC, then device id).
#include <string>

namespace chasqui::sync {

struct FieldState {
    std::string clock;  // current value's clock; empty when the field is unset here
    std::string base;   // clock of the value the current one replaced
};

enum class MergeOutcome {
    Apply,              // take the incoming value, no conflict
    ApplyLocalLoses,    // take the incoming value; the local value was concurrent and is kept as a conflict
    Ignore,             // duplicate, or an older value already overwritten knowingly
    KeepIncomingLoses,  // keep the local value; the incoming one was concurrent and is kept as a conflict
};

// `incomingBase` is the clock of the value the incoming write replaced on its
// device (empty when it saw the field unset).
MergeOutcome decideField(const FieldState& local, const std::string& incomingClock, const std::string& incomingBase);

inline bool isConflict(MergeOutcome outcome) {
    return outcome == MergeOutcome::ApplyLocalLoses || outcome == MergeOutcome::KeepIncomingLoses;
}

}  // namespace chasqui::sync
