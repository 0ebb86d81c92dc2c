#pragma once
// Reading back what a write left behind: the change log (what sync sends) and
// the audit log, row by row, and the shape of an HLC stamp.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "storage/db/personal_store.hpp"

namespace chasqui::test {

struct ChangeRow {
    std::int64_t seq = 0;
    std::string changeId;
    std::string entity;
    std::string recordId;
    std::string op;
    std::string fields;
    std::string hlc;
    std::string device;
    std::string author;
    std::int64_t createdAt = 0;
};

struct AuditRow {
    std::int64_t seq = 0;
    std::int64_t at = 0;
    std::string staffId;
    std::string device;
    std::string action;
    std::string entity;
    std::string recordId;
};

inline std::int64_t lastSeq(storage::PersonalStore& store, const std::string& table) {
    auto seq = store.db().scalarInt("SELECT coalesce(max(seq), 0) FROM " + table);
    REQUIRE(seq.has_value());
    return *seq;
}

inline std::vector<ChangeRow> changesAfter(storage::PersonalStore& store, std::int64_t seq) {
    auto stmt = store.db().prepare(
        "SELECT seq, change_id, entity, record_id, op, fields, hlc, device, author, created_at FROM changes "
        "WHERE seq > ? ORDER BY seq");
    REQUIRE(stmt.has_value());
    stmt->bind(1, seq);
    std::vector<ChangeRow> rows;
    for (;;) {
        auto row = stmt->step();
        REQUIRE(row.has_value());
        if (!*row) break;
        rows.push_back(ChangeRow{stmt->integer(0), stmt->text(1), stmt->text(2), stmt->text(3), stmt->text(4),
                                 stmt->text(5), stmt->text(6), stmt->text(7), stmt->text(8), stmt->integer(9)});
    }
    stmt->reset();
    return rows;
}

inline std::vector<AuditRow> auditAfter(storage::PersonalStore& store, std::int64_t seq) {
    auto stmt = store.db().prepare(
        "SELECT seq, at, staff_id, device, action, entity, record_id FROM audit WHERE seq > ? ORDER BY seq");
    REQUIRE(stmt.has_value());
    stmt->bind(1, seq);
    std::vector<AuditRow> rows;
    for (;;) {
        auto row = stmt->step();
        REQUIRE(row.has_value());
        if (!*row) break;
        rows.push_back(AuditRow{stmt->integer(0), stmt->integer(1), stmt->text(2), stmt->text(3), stmt->text(4),
                                stmt->text(5), stmt->text(6)});
    }
    stmt->reset();
    return rows;
}

// "pppppppppppp-cccc": 12 lower-case hex digits, a dash, 4 lower-case hex digits.
inline bool looksLikeHlc(const std::string& text) {
    if (text.size() != 17 || text[12] != '-') return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i == 12) continue;
        const char c = text[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

}  // namespace chasqui::test
