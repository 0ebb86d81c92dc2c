#include "sync/server/repository/sqlcipher_transactions.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "sync/server/repository/record_fields_blob.hpp"

namespace chasqui::sync::embedded {

using storage::Db;
using storage::Stmt;

namespace {

// The write connection, held from begin to end; rolled back unless committed.
class WriteTurn {
public:
    WriteTurn(std::mutex& mutex, Db& db) : m_lock(mutex), m_db(db), m_tx(db) {}
    SyncResult<void> begin() {
        if (auto r = m_tx.begin(); !r) return failed<void>(r.error());
        return {};
    }
    SyncResult<void> commit() {
        if (auto r = m_tx.commit(); !r) return failed<void>(r.error());
        return {};
    }
    Db& db() { return m_db; }

private:
    std::unique_lock<std::mutex> m_lock;
    Db& m_db;
    storage::Transaction m_tx;
};

class SqlcipherEnrollment final : public EnrollTransaction {
public:
    SqlcipherEnrollment(std::mutex& mutex, Db& db) : m_turn(mutex, db) {}
    SyncResult<void> begin() { return m_turn.begin(); }

    SyncResult<std::optional<EnrollCodeRow>> code(const std::string& codeHash) override {
        auto row = m_turn.db().readOne(
            "SELECT office, expires_at, used_at FROM enroll_codes WHERE code_hash = ?",
            [](const Stmt& s) {
                return EnrollCodeRow{s.text(0), s.integer(1), !s.isNull(2)};
            },
            codeHash);
        if (!row) return failed<std::optional<EnrollCodeRow>>(row.error());
        return *row;
    }

    SyncResult<std::optional<DeviceInfo>> device(const std::string& deviceId) override {
        auto row = m_turn.db().readOne(fmt::format("SELECT {} FROM devices WHERE id = ?", kDeviceColumns), deviceRow,
                                       deviceId);
        if (!row) return failed<std::optional<DeviceInfo>>(row.error());
        return *row;
    }

    SyncResult<int> highestNumber(const std::string& office) override {
        auto row = m_turn.db().readOne(
            "SELECT coalesce(max(number), 0) FROM devices WHERE office = ?",
            [](const Stmt& s) { return static_cast<int>(s.integer(0)); }, office);
        if (!row) return failed<int>(row.error());
        return row->value_or(0);
    }

    SyncResult<void> commit(const DeviceInfo& d, const std::string& tokenHash, bool replace,
                            const std::string& codeHash, std::int64_t usedAt) override {
        Db& db = m_turn.db();
        if (replace) {
            if (auto r = run(db, "DELETE FROM devices WHERE id = ?", d.id); !r) return r;
        }
        if (auto r = run(db,
                         "INSERT INTO devices (id, office, number, token_hash, public_key, signing_key, enrolled_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)",
                         d.id, d.office, d.number, tokenHash, d.publicKey, d.signingKey, d.enrolledAt);
            !r)
            return r;
        if (auto r = run(db, "UPDATE enroll_codes SET used_at = ?, device_id = ? WHERE code_hash = ?", usedAt, d.id,
                         codeHash);
            !r)
            return r;
        return m_turn.commit();
    }

private:
    WriteTurn m_turn;
};

class SqlcipherPush final : public PushTransaction {
public:
    SqlcipherPush(std::mutex& mutex, Db& db) : m_turn(mutex, db) {}
    SyncResult<void> begin() { return m_turn.begin(); }

    // The write connection is this push's alone until it ends.
    SyncResult<void> lockRecords(const std::vector<RecordKey>&) override { return {}; }

    SyncResult<std::unordered_map<std::string, std::string>> loggedPayloads(
        const std::vector<std::string>& changeIds) override {
        std::unordered_map<std::string, std::string> known;
        auto stmt = m_turn.db().prepare("SELECT payload FROM change_log WHERE change_id = ?");
        if (!stmt) return std::unexpected(fromStorage(stmt.error()));
        for (const auto& id : changeIds) {
            stmt->bind(1, id);
            auto hash = stmt->readOne([](const Stmt& s) { return s.text(0); });
            if (!hash) return std::unexpected(fromStorage(hash.error()));
            if (*hash) known.emplace(id, std::move(**hash));
        }
        return known;
    }

    SyncResult<std::map<RecordKey, RecordState>> records(const std::vector<RecordKey>& keys) override {
        std::map<RecordKey, RecordState> out;
        for (const auto& key : keys) {
            auto stored = readRecord(key);
            if (!stored) return std::unexpected(stored.error());
            if (!*stored) continue;
            auto fields = decodeRecordFields((*stored)->blob);
            if (!fields) return std::unexpected(fields.error());
            out.emplace(key, RecordState{(*stored)->office, std::move(*fields)});
            m_read.emplace(key, std::move(**stored));
        }
        return out;
    }

    SyncResult<void> commit(const PushWrites& w) override {
        Db& db = m_turn.db();
        // Each statement prepared once per push and bound per row (the rows
        // outlive each run(), so their text is bound without copies).
        const auto each = [&](const std::string& sql, const auto& rows, const auto& bind) -> SyncResult<void> {
            if (rows.empty()) return {};
            auto stmt = db.prepare(sql);
            if (!stmt) return failed<void>(stmt.error());
            for (const auto& row : rows) {
                bind(*stmt, row);
                if (auto r = stmt->run(); !r) {
                    stmt->reset();  // lets go of the row's text
                    return failed<void>(r.error());
                }
            }
            return {};
        };
        if (auto r =
                each("INSERT OR IGNORE INTO change_log (change_id, office, origin_device, entity, record_id, payload, "
                     "received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     w.log,
                     [](Stmt& s, const LogEntry& e) {
                         s.bindAllBorrowed(e.changeId, e.office, e.originDevice, e.key.entity, e.key.record, e.payload,
                                           e.receivedAt);
                     });
            !r)
            return r;
        if (auto r = writeRecords(w); !r) return r;
        if (auto r = each(
                "INSERT OR IGNORE INTO quarantine (change_id, device_id, code, message, payload, received_at) VALUES "
                "(?, ?, ?, ?, ?, ?)",
                w.quarantine,
                [](Stmt& s, const QuarantineEntry& q) {
                    s.bindAll(q.changeId, q.deviceId, q.code, q.message, q.payload, q.receivedAt);
                });
            !r)
            return r;
        if (!w.hlc.empty()) {
            if (auto r = run(db,
                             "INSERT INTO meta (key, value) VALUES ('last_hlc', ?1) ON CONFLICT (key) DO UPDATE SET "
                             "value = max(value, excluded.value)",
                             w.hlc);
                !r)
                return r;
        }
        return m_turn.commit();
    }

private:
    // A record_state row as stored: its office and its fields' blob.
    struct StoredRecord {
        std::string office;
        std::string blob;
    };

    SyncResult<std::optional<StoredRecord>> readRecord(const RecordKey& key) {
        auto stmt = m_turn.db().prepare("SELECT office, fields FROM record_state WHERE entity = ? AND record_id = ?");
        if (!stmt) return failed<std::optional<StoredRecord>>(stmt.error());
        stmt->bind(1, key.entity).bind(2, key.record);
        auto row = stmt->readOne([](const Stmt& s) { return StoredRecord{s.text(0), s.blob(1)}; });
        if (!row) return failed<std::optional<StoredRecord>>(row.error());
        return *row;
    }

    // One row per record written: its stored blob (read by records(), or
    // here for a record the core did not ask for, such as a conflict found
    // again) with the push's field writes put in, and its office.
    SyncResult<void> writeRecords(const PushWrites& w) {
        std::map<RecordKey, std::vector<const FieldWrite*>> byRecord;
        for (const FieldWrite& f : w.fields) byRecord[f.key].push_back(&f);
        std::map<RecordKey, const std::string*> newOffices;
        for (const auto& [key, office] : w.newOffices) {
            newOffices.emplace(key, &office);
            byRecord.try_emplace(key);
        }
        if (byRecord.empty()) return {};
        // OR FAIL: the statement touches one row, so FAIL undoes as much as
        // ABORT would, without a statement journal (SQLCipher encrypts every
        // page copied there: it once was three quarters of a push's time); the
        // transaction is rolled back on any error anyway.
        auto stmt = m_turn.db().prepare(
            "INSERT OR FAIL INTO record_state (entity, record_id, office, fields) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT (entity, record_id) DO UPDATE SET office = excluded.office, fields = excluded.fields");
        if (!stmt) return failed<void>(stmt.error());
        for (auto& [key, writes] : byRecord) {
            auto read = m_read.find(key);
            if (read == m_read.end()) {
                auto stored = readRecord(key);
                if (!stored) return std::unexpected(stored.error());
                read = m_read.emplace(key, stored->value_or(StoredRecord{})).first;
            }
            std::sort(writes.begin(), writes.end(),
                      [](const FieldWrite* a, const FieldWrite* b) { return a->field < b->field; });
            auto blob = patchRecordFields(read->second.blob, writes);
            if (!blob) return std::unexpected(blob.error());
            // An office, once stored, stays (the core only names one for a record that had none).
            const auto named = newOffices.find(key);
            const std::string& officeOf =
                read->second.office.empty() && named != newOffices.end() ? *named->second : read->second.office;
            stmt->bindAllBorrowed(key.entity, key.record, officeOf);
            stmt->bindBlob(4, *blob);
            if (auto r = stmt->run(); !r) {
                stmt->reset();
                return failed<void>(r.error());
            }
        }
        return {};
    }

    WriteTurn m_turn;
    std::map<RecordKey, StoredRecord> m_read;  // the records read in this push, as stored
};

}  // namespace

SyncResult<std::unique_ptr<EnrollTransaction>> beginEnrollment(std::mutex& writeMutex, Db& db) {
    auto tx = std::make_unique<SqlcipherEnrollment>(writeMutex, db);
    if (auto r = tx->begin(); !r) return std::unexpected(r.error());
    return tx;
}

SyncResult<std::unique_ptr<PushTransaction>> beginPush(std::mutex& writeMutex, Db& db) {
    auto tx = std::make_unique<SqlcipherPush>(writeMutex, db);
    if (auto r = tx->begin(); !r) return std::unexpected(r.error());
    return tx;
}

}  // namespace chasqui::sync::embedded
