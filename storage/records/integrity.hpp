#pragma once
// Whole-store integrity check for `chasqui verify`: SQLite's page-level
// integrity check, the audit hash chain, and that every record came through
// the store: written here (it has a change record, data and outbox were
// written together) or pulled by sync (its merge clocks name another device).
#include <cstdint>
#include <string>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/db/personal_store.hpp"
#include "storage/records/audit_log.hpp"

namespace chasqui::storage {

struct IntegrityReport {
    bool databaseOk = false;
    std::vector<std::string> databaseMessages;  // from PRAGMA integrity_check when not ok
    std::int64_t auditEntries = 0;
    std::vector<AuditProblem> auditProblems;
    std::int64_t recordsWithoutChange = 0;  // neither a local change nor another device's clocks
    bool ok() const { return databaseOk && auditProblems.empty() && recordsWithoutChange == 0; }
};

Result<IntegrityReport> checkIntegrity(PersonalStore& store);

}  // namespace chasqui::storage
