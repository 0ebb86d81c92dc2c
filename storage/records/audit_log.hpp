#pragma once
// Tamper-evident audit trail. Each entry's hash is BLAKE2b-256 over the
// previous entry's hash and this entry's fields, and the newest (seq, hash) is
// also kept in `meta` so that cutting entries off the end is detected too.
// Entries hold ids and actions only, never names or other personal data.
#include <cstdint>
#include <string>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/base/model.hpp"
#include "storage/base/sqlite_db.hpp"

namespace chasqui::storage {

struct AuditProblem {
    std::int64_t seq = 0;
    std::string what;  // "entry changed", "entry missing", ...
};

class AuditLog {
public:
    explicit AuditLog(Db& db) : m_db(db) {}
    // Appends inside the caller's transaction.
    Result<void> append(std::int64_t at, const std::string& staffId, const std::string& device,
                        const std::string& action, const std::string& entity, const std::string& recordId);
    // Recomputes the whole chain; an empty list means intact.
    Result<std::vector<AuditProblem>> verify();
    Result<std::int64_t> count();

private:
    Db& m_db;
};

}  // namespace chasqui::storage
