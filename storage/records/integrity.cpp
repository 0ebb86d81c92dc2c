#include "storage/records/integrity.hpp"

#include <fmt/format.h>

#include "storage/records/entity_columns.hpp"
#include "storage/records/record_writer.hpp"

namespace chasqui::storage {

namespace {
Result<std::vector<std::string>> pragmaLines(Db& db, const std::string& pragma) {
    auto check = db.prepare(pragma);
    if (!check) return std::unexpected(check.error());
    std::vector<std::string> lines;
    for (;;) {
        auto row = check->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        lines.push_back(check->text(0));
    }
    check->reset();
    return lines;
}
}  // namespace

Result<IntegrityReport> checkIntegrity(PersonalStore& store) {
    Db& db = store.db();
    IntegrityReport out;
    // No row when every page's MAC holds; one row per page that fails.
    auto cipher = pragmaLines(db, "PRAGMA cipher_integrity_check");
    if (!cipher) return std::unexpected(cipher.error());
    out.cipherMessages = std::move(*cipher);
    out.pagesAuthentic = out.cipherMessages.empty();
    // The other checks would only stop at the first page that fails.
    if (!out.pagesAuthentic) return out;
    auto structure = pragmaLines(db, "PRAGMA integrity_check");
    if (!structure) return std::unexpected(structure.error());
    out.databaseMessages = std::move(*structure);
    out.databaseOk = out.databaseMessages.size() == 1 && out.databaseMessages.front() == "ok";
    if (out.databaseOk) out.databaseMessages.clear();
    AuditLog audit(db);
    auto problems = audit.verify();
    if (!problems) return std::unexpected(problems.error());
    out.auditProblems = std::move(*problems);
    auto count = audit.count();
    if (!count) return std::unexpected(count.error());
    out.auditEntries = *count;
    // A record written here has its change record. A record pulled from the
    // server has none, but the applier saved its merge clocks, whose creating
    // clock names the device that wrote it; a record whose clocks name this
    // device (or that has none) and no change record was added behind the
    // store's back.
    const std::string& self = store.session().deviceId;
    for (const EntitySpec& spec : syncedEntities()) {
        // Conflicts are recorded by the server, never written here first.
        if (spec.entity == "conflict") continue;
        auto missing = db.readOne(
            fmt::format(
                "SELECT count(*) FROM {} t WHERE t.id NOT IN (SELECT record_id FROM changes) AND NOT EXISTS ("
                "  SELECT 1 FROM record_clocks rc WHERE rc.entity = ?1 AND rc.record_id = t.id"
                "  AND instr(rc.clock, '@') > 0 AND substr(rc.clock, instr(rc.clock, '@') + 1) NOT IN ('', ?2))",
                spec.table),
            [](const Stmt& s) { return s.integer(0); }, spec.entity, self);
        if (!missing) return std::unexpected(missing.error());
        out.recordsWithoutChange += missing->value_or(0);
    }
    return out;
}

}  // namespace chasqui::storage
