#include "storage/records/draft_repository.hpp"

namespace chasqui::storage {

namespace {

Result<void> requireOpen(PersonalStore& store) {
    if (!store.isOpen()) return fail(ErrorCode::PermissionDenied, "the store is locked; sign in again");
    return {};
}

}  // namespace

Result<void> DraftRepository::save(std::string_view kind, std::string_view body) {
    if (auto r = requireOpen(m_store); !r) return r;
    // One row per staff member and kind.
    auto stmt = m_store.db().prepare(
        "INSERT INTO drafts (staff_id, kind, body, saved_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (staff_id, kind) "
        "DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at");
    if (!stmt) return std::unexpected(stmt.error());
    return stmt->bindAll(m_store.session().staffId, kind, body, m_store.clock().nowMs()).run();
}

Result<std::optional<Draft>> DraftRepository::find(std::string_view kind, std::int64_t maxAgeMs) {
    if (auto r = requireOpen(m_store); !r) return std::unexpected(r.error());
    const std::int64_t now = m_store.clock().nowMs();
    // Every staff member's stale drafts go, not only this one's: someone who
    // never signs in here again must not leave a half-typed person for ever.
    // A draft from "the future" (a clock set back) is as stale: its age
    // cannot be told.
    auto purge = m_store.db().prepare("DELETE FROM drafts WHERE kind = ?1 AND (saved_at < ?2 OR saved_at > ?3)");
    if (!purge) return std::unexpected(purge.error());
    if (auto r = purge->bindAll(kind, now - maxAgeMs, now).run(); !r) return std::unexpected(r.error());
    auto found = m_store.db().readOne(
        "SELECT body, saved_at FROM drafts WHERE staff_id = ?1 AND kind = ?2",
        [](const Stmt& s) {
            return Draft{s.text(0), s.integer(1)};
        },
        m_store.session().staffId, kind);
    if (!found) return std::unexpected(found.error());
    return *found;
}

Result<void> DraftRepository::remove(std::string_view kind) {
    if (auto r = requireOpen(m_store); !r) return r;
    auto stmt = m_store.db().prepare("DELETE FROM drafts WHERE staff_id = ?1 AND kind = ?2");
    if (!stmt) return std::unexpected(stmt.error());
    return stmt->bindAll(m_store.session().staffId, kind).run();
}

}  // namespace chasqui::storage
