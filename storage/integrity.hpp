#pragma once
// Whole-store integrity check for `chasqui verify`: SQLite's page-level
// integrity check, the audit hash chain, and that every record has at least
// one change record (data and outbox were written together).
#include <cstdint>
#include <string>
#include <vector>

#include "storage/audit_log.hpp"
#include "storage/error.hpp"
#include "storage/personal_store.hpp"

namespace chasqui::storage {

struct IntegrityReport {
    bool databaseOk = false;
    std::vector<std::string> databaseMessages;  // from PRAGMA integrity_check when not ok
    std::int64_t auditEntries = 0;
    std::vector<AuditProblem> auditProblems;
    std::int64_t recordsWithoutChange = 0;
    bool ok() const { return databaseOk && auditProblems.empty() && recordsWithoutChange == 0; }
};

Result<IntegrityReport> checkIntegrity(PersonalStore& store);

}  // namespace chasqui::storage
