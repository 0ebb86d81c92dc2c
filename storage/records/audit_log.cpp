#include "storage/records/audit_log.hpp"

#include <sodium.h>

#include <array>

#include <fmt/format.h>

#include "storage/db/meta_table.hpp"

namespace chasqui::storage {

namespace {

constexpr const char* kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

std::string chainHash(const std::string& prev, const AuditEntry& e) {
    // Unit separators keep field boundaries unambiguous.
    const std::string material = fmt::format("chasqui-audit-v1\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", prev,
                                             e.seq, e.at, e.staffId, e.device, e.action, e.entity, e.recordId);
    std::array<unsigned char, 32> digest{};
    crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(material.data()),
                       material.size(), nullptr, 0);
    std::array<char, 65> hex{};
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    return {hex.data(), 64};
}

}  // namespace

Result<void> AuditLog::append(std::int64_t at, const std::string& staffId, const std::string& device,
                              const std::string& action, const std::string& entity, const std::string& recordId) {
    AuditEntry entry;
    std::string prev = kGenesis;
    entry.seq = 1;
    auto head = m_db.readOne("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", [&](const Stmt& s) {
        entry.seq = s.integer(0) + 1;
        prev = s.text(1);
        return true;
    });
    if (!head) return std::unexpected(head.error());
    entry.at = at;
    entry.staffId = staffId;
    entry.device = device;
    entry.action = action;
    entry.entity = entity;
    entry.recordId = recordId;
    const std::string hash = chainHash(prev, entry);
    auto insert = m_db.prepare(
        "INSERT INTO audit(seq, at, staff_id, device, action, entity, record_id, prev_hash, hash) "
        "VALUES (?,?,?,?,?,?,?,?,?)");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, entry.seq).bind(2, at).bind(3, staffId).bind(4, device).bind(5, action).bind(6, entity);
    insert->bind(7, recordId).bind(8, prev).bind(9, hash);
    if (auto r = insert->run(); !r) return r;
    return writeMeta(m_db, "audit_head", fmt::format("{}:{}", entry.seq, hash));
}

Result<std::vector<AuditProblem>> AuditLog::verify() {
    std::vector<AuditProblem> problems;
    auto all = m_db.prepare(
        "SELECT seq, at, staff_id, device, action, entity, record_id, prev_hash, hash FROM audit ORDER BY seq");
    if (!all) return std::unexpected(all.error());
    std::string prev = kGenesis;
    std::int64_t expectedSeq = 1;
    std::string lastHash;
    std::int64_t lastSeq = 0;
    for (;;) {
        auto row = all->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        AuditEntry e;
        e.seq = all->integer(0);
        e.at = all->integer(1);
        e.staffId = all->text(2);
        e.device = all->text(3);
        e.action = all->text(4);
        e.entity = all->text(5);
        e.recordId = all->text(6);
        const std::string storedPrev = all->text(7);
        const std::string storedHash = all->text(8);
        if (e.seq != expectedSeq) {
            problems.push_back({expectedSeq, fmt::format("entries {} to {} are missing", expectedSeq, e.seq - 1)});
        } else if (storedPrev != prev) {
            problems.push_back(
                {e.seq, "the link to the previous entry is broken (an entry before it was changed or removed)"});
        }
        if (chainHash(storedPrev, e) != storedHash)
            problems.push_back({e.seq, "the entry was changed after it was written"});
        prev = storedHash;
        expectedSeq = e.seq + 1;
        lastSeq = e.seq;
        lastHash = storedHash;
    }
    all->reset();
    auto head =
        m_db.readOne("SELECT value FROM meta WHERE key = 'audit_head'", [](const Stmt& s) { return s.text(0); });
    if (!head) return std::unexpected(head.error());
    const std::string recorded = head->value_or(std::string());
    const std::string actual = lastSeq == 0 ? std::string() : fmt::format("{}:{}", lastSeq, lastHash);
    if (recorded != actual) {
        problems.push_back({lastSeq + 1, "the newest entries were removed (the log ends before its recorded head)"});
    }
    return problems;
}

Result<std::int64_t> AuditLog::count() {
    return m_db.scalarInt("SELECT count(*) FROM audit");
}

}  // namespace chasqui::storage
