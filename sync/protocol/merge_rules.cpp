#include "sync/protocol/merge_rules.hpp"

namespace chasqui::sync {

MergeOutcome decideField(const FieldState& local, const std::string& incoming, const std::string& incomingBase) {
    if (local.clock.empty()) return MergeOutcome::Apply;
    if (incoming == local.clock) return MergeOutcome::Ignore;
    if (incoming > local.clock) {
        // The writer replaced exactly what we hold: an ordinary later edit.
        return incomingBase == local.clock ? MergeOutcome::Apply : MergeOutcome::ApplyLocalLoses;
    }
    // Older than what we hold: if our value was written on top of it, it was seen.
    return local.base == incoming ? MergeOutcome::Ignore : MergeOutcome::KeepIncomingLoses;
}

}  // namespace chasqui::sync
