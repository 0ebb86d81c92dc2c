#pragma once
// What the validation suites share: a snapshot of everything a rejected call
// must leave untouched (rows of every table, the case number sequence, the
// audit head, referral statuses) and the check that an error names its field.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/db/personal_store.hpp"

namespace chasqui::test {

inline std::string repeat(std::string_view piece, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += piece;
    return out;
}

inline std::string queryText(storage::Db& db, const std::string& sql) {
    auto stmt = db.prepare(sql);
    REQUIRE(stmt.has_value());
    auto row = stmt->step();
    REQUIRE(row.has_value());
    std::string out = *row ? stmt->text(0) : std::string();
    stmt->reset();
    return out;
}

// What a rejected call must leave untouched.
constexpr std::array<const char*, 10> kTables{"persons",         "households", "cases", "assistance", "referrals",
                                              "referral_status", "notes",      "audit", "changes",    "person_search"};

struct Snapshot {
    std::vector<std::int64_t> rows;
    std::string caseSeq;
    std::string auditHead;
    std::string referralStatuses;
};

inline Snapshot snapshot(storage::PersonalStore& store) {
    Snapshot s;
    for (const char* table : kTables) {
        auto n = store.db().scalarInt(std::string("SELECT count(*) FROM ") + table);
        REQUIRE(n.has_value());
        s.rows.push_back(*n);
    }
    s.caseSeq = queryText(store.db(), "SELECT value FROM meta WHERE key = 'case_seq'");
    s.auditHead = queryText(store.db(), "SELECT value FROM meta WHERE key = 'audit_head'");
    s.referralStatuses = queryText(store.db(), "SELECT group_concat(id || ':' || status, ',') FROM referrals");
    return s;
}

inline void checkNothingWritten(const Snapshot& before, const Snapshot& after) {
    for (std::size_t i = 0; i < kTables.size(); ++i) {
        const std::string table = kTables[i];
        CAPTURE(table);
        CHECK(after.rows[i] == before.rows[i]);
    }
    CHECK(after.caseSeq == before.caseSeq);
    CHECK(after.auditHead == before.auditHead);
    CHECK(after.referralStatuses == before.referralStatuses);
}

template <typename T>
void checkRejected(const storage::Result<T>& result, storage::ErrorCode code, std::string_view field) {
    if (result.has_value()) {
        FAIL_CHECK("the invalid input was accepted");
        return;
    }
    CHECK(std::string(errorCodeName(result.error().code)) == std::string(errorCodeName(code)));
    CHECK(result.error().field == field);
    CHECK_FALSE(result.error().message.empty());
}

// One row of a table-driven test: what is wrong, how to make it wrong, and the
// field the error must name.
template <typename Record>
struct BadInput {
    const char* description;
    std::function<void(Record&)> mutate;
    const char* field;
    storage::ErrorCode code = storage::ErrorCode::InvalidInput;
};

constexpr const char* kUnknownId = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b";

}  // namespace chasqui::test
