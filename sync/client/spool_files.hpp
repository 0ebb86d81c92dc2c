#pragma once
// The decoders of the sync spool's plain files (sync/client/spool.hpp lists them):
// the numbers in acked_seq and in outbox file names, and inbox pages. Those
// files sit unencrypted on the kiosk's disk and an inbox page holds what a
// server sent, so each is read as untrusted input: a value out of range is
// "not there", never an exception. Pure functions, any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chasqui::sync {

// A non-negative decimal of at most 18 digits, optionally followed by one
// newline (acked_seq, the parts of outbox names, inbox page numbers).
std::optional<std::int64_t> parseSpoolNumber(std::string_view text);

// outbox/<lastSeq>-<changes>[-<independentOf>].sealed; a legacy
// <lastSeq>.sealed has changes = -1. independentOf is the lastSeq of one of
// the batches sealed right before this one: this one touches no record that
// batch or any sealed after it touches, so the server may receive them in any
// order, and this one may be pushed while they are still under way (-1: not
// known, one after the other). Files written before three pushes could be
// under way name the batch right before, which means the same.
// nullopt for a name that is none of these.
struct OutboxName {
    std::int64_t lastSeq = 0;
    std::int64_t changes = -1;
    std::int64_t independentOf = -1;
};
std::optional<OutboxName> parseOutboxName(std::string_view stem);

// inbox/<n>.page: "<cursor>\n<sealed page>". nullopt when the cursor line is
// missing or not a cursor (sync/protocol/protocol_limits.hpp).
struct InboxPage {
    std::string cursor;
    std::string_view sealed;  // into the content given
};
std::optional<InboxPage> parseInboxPage(std::string_view content);

}  // namespace chasqui::sync
