#pragma once
// Words, formats and pieces shared by the supervisor screens (home, sync,
// conflicts, report, staff accounts, enrollment): the polite refusal shown to
// a staff member who is not a supervisor, errors translated by their code
// (storage and sync messages are English for developers and never shown),
// dates and relative times. Draw code and pure functions; UI thread.

#include <cstdint>
#include <string>
#include <string_view>

#include "kiosk/core/kiosk_context.hpp"
#include "kiosk/ui/ui_context.hpp"
#include "storage/base/error.hpp"
#include "sync/protocol/sync_error.hpp"

namespace chasqui::kiosk::super {

// For a signed-in member who may not use supervisor tools: draws a calm
// refusal with a way back and returns true (the caller draws nothing else).
// `back` is set when the way back was tapped.
bool drawRefusal(Ui& ui, const SessionView& session, bool& back);

// The text of `key` when a catalog has it, else `fallback` (a code synced
// from a newer kiosk, a field without a label).
std::string labelOr(const Ui& ui, const std::string& key, std::string_view fallback);
std::string vocabLabel(const Ui& ui, std::string_view list, std::string_view code);

// A storage error in plain words, by its code ("super.error.<code>").
std::string errorText(const Ui& ui, const storage::Error& error);
// A sync error in plain words, by the server's code when it has a known one,
// else by the sync error code ("sync.error.<code>").
std::string syncErrorText(const Ui& ui, sync::SyncErrorCode code, std::string_view serverCode = {});

// "15/06/2025 07:00" in the kiosk's local time; "" for 0.
std::string localDateTime(std::int64_t epochMs);
// "hace 5 minutos" and the like, from `thenMs` to `nowMs`.
std::string agoText(const Ui& ui, std::int64_t nowMs, std::int64_t thenMs);
// "junio de 2025" for "2025-06".
std::string monthLabel(const Ui& ui, std::string_view month);

// A centred column at most `maxWidth` wide for the rest of the content
// (confirmations, forms), so banners and buttons do not stretch across a 1080p screen.
void beginColumn(Ui& ui, const char* key, float maxWidth);
void endColumn();

// A calm "working" line with a moving ellipsis; keeps frames coming while shown.
void workingBanner(Ui& ui, std::string_view message);

}  // namespace chasqui::kiosk::super
