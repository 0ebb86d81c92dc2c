#pragma once
// Whole-store integrity check for `chasqui verify`: SQLCipher's check of every
// page's MAC, SQLite's structural integrity check, the audit hash chain, and that every record came through
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
    // PRAGMA cipher_integrity_check: every page of the file read and its MAC
    // checked, also pages no query reaches (free pages, unused tables).
    bool pagesAuthentic = false;
    std::vector<std::string> cipherMessages;  // one per page that fails its MAC
    // The rest is checked only when every page is authentic.
    bool databaseOk = false;
    std::vector<std::string> databaseMessages;  // from PRAGMA integrity_check when not ok
    std::int64_t auditEntries = 0;
    std::vector<AuditProblem> auditProblems;
    std::int64_t recordsWithoutChange = 0;  // neither a local change nor another device's clocks
    bool ok() const { return pagesAuthentic && databaseOk && auditProblems.empty() && recordsWithoutChange == 0; }
};

Result<IntegrityReport> checkIntegrity(PersonalStore& store);

}  // namespace chasqui::storage
