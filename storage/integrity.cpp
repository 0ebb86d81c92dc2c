#include "storage/integrity.hpp"

#include <array>

#include <fmt/format.h>

#include "storage/record_writer.hpp"

namespace chasqui::storage {

Result<IntegrityReport> checkIntegrity(PersonalStore& store) {
    Db& db = store.db();
    IntegrityReport out;
    auto check = db.prepare("PRAGMA integrity_check");
    if (!check) return std::unexpected(check.error());
    for (;;) {
        auto row = check->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        out.databaseMessages.push_back(check->text(0));
    }
    check->reset();
    out.databaseOk = out.databaseMessages.size() == 1 && out.databaseMessages.front() == "ok";
    if (out.databaseOk) out.databaseMessages.clear();
    AuditLog audit(db);
    auto problems = audit.verify();
    if (!problems) return std::unexpected(problems.error());
    out.auditProblems = std::move(*problems);
    auto count = audit.count();
    if (!count) return std::unexpected(count.error());
    out.auditEntries = *count;
    constexpr std::array kEntities{"office", "staff", "person", "household", "case",
                                   "assistance", "referral", "referral_status", "note"};
    for (const char* entity : kEntities) {
        auto missing = db.scalarInt(fmt::format(
            "SELECT count(*) FROM {} WHERE id NOT IN (SELECT record_id FROM changes)",
            tableOf(entity)));
        if (!missing) return std::unexpected(missing.error());
        out.recordsWithoutChange += *missing;
    }
    return out;
}

}  // namespace chasqui::storage
