#pragma once
// What a staff member typed and has not saved yet (a registration half done
// when the kiosk locked), kept in the personal store for that staff member
// alone: one draft per kind ("registration") per staff member. Local to the
// kiosk, never synced nor audited (it is no record yet); encrypted like the
// rest of the store. Drafts older than `maxAgeMs` (anyone's) are deleted when
// one is looked for.
// The body is the caller's (JSON); it is personal data: never log it.
//
// Threading: as the store (one thread at a time). Errors are storage's:
// PermissionDenied when the store is locked, Io/Internal from SQLite.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/base/error.hpp"
#include "storage/db/personal_store.hpp"

namespace chasqui::storage {

struct Draft {
    std::string body;
    std::int64_t savedAtMs = 0;
};

class DraftRepository {
public:
    explicit DraftRepository(PersonalStore& store) : m_store(store) {}

    // Replaces the signed-in staff member's draft of `kind`, dated by the store's clock.
    Result<void> save(std::string_view kind, std::string_view body);
    // Their draft of `kind`, if there is one younger than `maxAgeMs`; every
    // staff member's older drafts of `kind` are deleted first.
    Result<std::optional<Draft>> find(std::string_view kind, std::int64_t maxAgeMs);
    Result<void> remove(std::string_view kind);

private:
    PersonalStore& m_store;
};

}  // namespace chasqui::storage
