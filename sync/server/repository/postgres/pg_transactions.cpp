#include "sync/server/repository/postgres/pg_transactions.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include <fmt/format.h>

#include "sync/server/repository/personal_fields.hpp"
#include "sync/server/repository/postgres/pg_locks.hpp"
#include "sync/server/repository/postgres/pg_record_fields.hpp"

namespace chasqui::sync::pg {

namespace {

SyncError damaged(std::string_view what) {
    return syncError(SyncErrorCode::Internal, fmt::format("the PostgreSQL store returned a malformed {}", what));
}

SyncError ended() {
    return syncError(SyncErrorCode::Internal, "the transaction has already ended");
}

// A record's advisory lock key: 64 bits of a hash of (entity, record).
// Collisions only make two records share a lock.
std::int64_t recordLockKey(const RecordKey& key) {
    std::string material = key.entity;
    material.push_back('\x1f');
    material += key.record;
    unsigned char digest[8];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(material.data()), material.size(),
                       nullptr, 0);
    std::int64_t value = 0;
    std::memcpy(&value, digest, sizeof value);
    return value;
}

class PgEnrollTransaction final : public EnrollTransaction {
public:
    explicit PgEnrollTransaction(PgPool::Lease lease) : m_lease(std::move(lease)) {}

    SyncResult<std::optional<EnrollCodeRow>> code(const std::string& codeHash) override {
        if (m_done) return std::unexpected(ended());
        // FOR UPDATE: a second enrollment with the same code waits here until
        // this one ends, then reads the code as this one left it (used).
        auto r = m_lease->exec(
            "SELECT office, expires_at, used_at IS NOT NULL FROM enroll_codes WHERE code_hash = $1 FOR UPDATE",
            {codeHash}, "reading an enrollment code");
        if (!r) return std::unexpected(r.error());
        if (r->rows() == 0) return std::optional<EnrollCodeRow>();
        const auto expires = r->integer(0, 1);
        if (!expires) return std::unexpected(damaged("enrollment code"));
        return std::optional<EnrollCodeRow>(EnrollCodeRow{std::string(r->text(0, 0)), *expires, r->text(0, 2) == "t"});
    }

    SyncResult<std::optional<DeviceInfo>> device(const std::string& deviceId) override {
        if (m_done) return std::unexpected(ended());
        auto r = m_lease->exec(fmt::format("SELECT {} FROM devices WHERE id = $1", kDeviceColumns), {deviceId},
                               "reading a device");
        if (!r) return std::unexpected(r.error());
        if (r->rows() == 0) return std::optional<DeviceInfo>();
        auto d = deviceFrom(*r, 0);
        if (!d) return std::unexpected(d.error());
        return std::optional<DeviceInfo>(std::move(*d));
    }

    SyncResult<int> highestNumber(const std::string& office) override {
        if (m_done) return std::unexpected(ended());
        // The lock first, then a new statement (a new snapshot in READ
        // COMMITTED) that sees the numbers of every enrollment before it.
        if (auto r = m_lease->exec("SELECT pg_advisory_xact_lock($1, hashtext($2))",
                                   {std::to_string(kOfficeLockClass), office}, "waiting for the office's numbers");
            !r)
            return std::unexpected(r.error());
        auto r = m_lease->exec("SELECT coalesce(max(number), 0) FROM devices WHERE office = $1", {office},
                               "reading device numbers");
        if (!r) return std::unexpected(r.error());
        const auto n = r->integer(0, 0);
        if (!n || *n < 0 || *n > 1'000'000'000) return std::unexpected(damaged("device number"));
        return static_cast<int>(*n);
    }

    SyncResult<void> commit(const DeviceInfo& device, const std::string& tokenHash, bool replace,
                            const std::string& codeHash, std::int64_t usedAt) override {
        if (m_done) return std::unexpected(ended());
        m_done = true;
        // Replacing takes the columns a new row would have (as SQLite's
        // INSERT OR REPLACE does): not revoked, never seen.
        const std::string sql = fmt::format(
            "INSERT INTO devices (id, office, number, token_hash, public_key, signing_key, enrolled_at) VALUES ($1, "
            "$2, $3, $4, $5, $6, $7){}",
            replace ? " ON CONFLICT (id) DO UPDATE SET office = excluded.office, number = excluded.number, "
                      "token_hash = excluded.token_hash, public_key = excluded.public_key, signing_key = "
                      "excluded.signing_key, enrolled_at = excluded.enrolled_at, revoked = false, last_seen_at = 0"
                    : "");
        if (auto r = m_lease->exec(
                sql,
                {device.id, device.office, std::to_string(device.number), tokenHash, byteaParam(device.publicKey),
                 byteaParam(device.signingKey), std::to_string(device.enrolledAt)},
                "storing a device");
            !r)
            return std::unexpected(r.error());
        if (auto r = m_lease->exec("UPDATE enroll_codes SET used_at = $1, device_id = $2 WHERE code_hash = $3",
                                   {std::to_string(usedAt), device.id, codeHash}, "marking an enrollment code used");
            !r)
            return std::unexpected(r.error());
        if (auto r = m_lease->execScript("COMMIT", "committing an enrollment"); !r) return r;
        return {};
    }

private:
    PgPool::Lease m_lease;
    bool m_done = false;
};

class PgPushTransaction final : public PushTransaction {
public:
    PgPushTransaction(PgPool::Lease lease, const FieldCipher& cipher) : m_lease(std::move(lease)), m_cipher(cipher) {}

    SyncResult<void> lockRecords(const std::vector<RecordKey>& keys) override {
        if (m_done) return std::unexpected(ended());
        if (keys.empty()) return {};
        // Sorted by lock key, not by record: every process takes the locks
        // in one global order, so two pushes never wait for each other in a
        // circle. One statement takes them all, in the array's order.
        std::vector<std::int64_t> lockKeys;
        lockKeys.reserve(keys.size());
        for (const auto& k : keys) lockKeys.push_back(recordLockKey(k));
        std::sort(lockKeys.begin(), lockKeys.end());
        lockKeys.erase(std::unique(lockKeys.begin(), lockKeys.end()), lockKeys.end());
        std::string array = "{";
        for (std::size_t i = 0; i < lockKeys.size(); ++i) {
            if (i > 0) array.push_back(',');
            array += std::to_string(lockKeys[i]);
        }
        array.push_back('}');
        auto r = m_lease->exec("SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) AS k",
                               {std::move(array)}, "locking records");
        if (!r) return std::unexpected(r.error());
        return {};
    }

    SyncResult<std::unordered_map<std::string, std::string>> loggedPayloads(
        const std::vector<std::string>& changeIds) override {
        if (m_done) return std::unexpected(ended());
        std::unordered_map<std::string, std::string> known;
        if (changeIds.empty()) return known;
        // Found only for a change sent again (a retry): new ids, the usual
        // case, open nothing.
        auto r = m_lease->exec("SELECT change_id, payload FROM change_log WHERE change_id = ANY($1::text[])",
                               {arrayLiteral(changeIds)}, "looking up change ids");
        if (!r) return std::unexpected(r.error());
        for (int i = 0; i < r->rows(); ++i) {
            std::string id(r->text(i, 0));
            const auto sealed = r->bytes(i, 1);
            if (!sealed) return std::unexpected(damaged("log entry"));
            auto payload = m_cipher.open(*sealed, logPlace(id));
            if (!payload) return std::unexpected(payload.error());
            known.emplace(std::move(id), std::move(*payload));
        }
        return known;
    }

    SyncResult<std::map<RecordKey, RecordState>> records(const std::vector<RecordKey>& keys) override {
        if (m_done) return std::unexpected(ended());
        std::map<RecordKey, RecordState> out;
        if (keys.empty()) return out;
        std::vector<std::string> entities;
        std::vector<std::string> ids;
        for (const auto& k : keys) {
            entities.push_back(k.entity);
            ids.push_back(k.record);
        }
        auto r = m_lease->exec(
            "SELECT k.entity, k.record_id, s.office, s.field_clock, s.field_author, s.fields::text FROM "
            "unnest($1::text[], $2::text[]) AS k(entity, record_id) JOIN record_state s ON s.entity = k.entity AND "
            "s.record_id = k.record_id",
            {arrayLiteral(entities), arrayLiteral(ids)}, "reading records");
        if (!r) return std::unexpected(r.error());
        for (int i = 0; i < r->rows(); ++i) {
            RecordKey key{std::string(r->text(i, 0)), std::string(r->text(i, 1))};
            FieldDefaults defaults{std::string(r->text(i, 3)), std::string(r->text(i, 4))};
            auto fields = readRecordFields(m_cipher, key, r->text(i, 5), defaults);
            if (!fields) return std::unexpected(fields.error());
            RecordState& state = out[key];
            state.office = r->text(i, 2);
            state.fields = std::move(*fields);
            m_defaults.insert_or_assign(std::move(key), std::move(defaults));
        }
        for (const auto& k : keys) {
            if (!out.contains(k)) m_unseen.insert(k);
        }
        return out;
    }

    SyncResult<void> commit(const PushWrites& writes) override {
        if (m_done) return std::unexpected(ended());
        m_done = true;
        // Every write and the COMMIT in one round trip: above all, no round
        // trip to this process while the log-position lock is held.
        std::vector<PgConnection::Statement> statements;
        writeRecords(writes, statements);
        writeQuarantine(writes, statements);
        writeLog(writes, statements);
        statements.push_back({"COMMIT", {}, "committing a push"});
        return m_lease->pipeline(std::move(statements));
    }

private:
    // One row per record written: its office when first seen, and the fields
    // this push wrote as one jsonb object merged into the stored one (`||`
    // replaces the fields of the same name and keeps the others), so a push
    // never needs a record's other fields. Records that records() found
    // never seen (and that stay locked by this push) cannot exist yet: a
    // plain INSERT, cheaper than the upsert the others need.
    void writeRecords(const PushWrites& writes, std::vector<PgConnection::Statement>& out) {
        struct Row {
            std::string office;
            std::vector<const FieldWrite*> fields;
        };
        std::map<RecordKey, Row> rows;
        for (const auto& [key, office] : writes.newOffices) rows[key].office = office;
        for (const FieldWrite& w : writes.fields) rows[w.key].fields.push_back(&w);
        Columns fresh;
        Columns known;
        std::vector<const StoredField*> states;
        for (auto& [key, row] : rows) {
            const bool unseen = m_unseen.contains(key);
            Columns& columns = unseen ? fresh : known;
            // A new row takes the clock and author its fields share. A stored
            // row keeps its own (the upsert leaves them), and fields that
            // differ name theirs; a row this push did not read (a conflict
            // record) gets empty defaults, so every field names its own.
            FieldDefaults defaults;
            if (unseen) {
                states.clear();
                for (const FieldWrite* w : row.fields) states.push_back(&w->state);
                defaults = commonDefaults(states);
            } else if (const auto stored = m_defaults.find(key); stored != m_defaults.end()) {
                defaults = stored->second;
            }
            std::string fields = "{";
            for (const FieldWrite* w : row.fields) {
                if (fields.size() > 1) fields.push_back(',');
                appendFieldEntry(fields, m_cipher, key, w->field, w->state, defaults);
            }
            fields.push_back('}');
            columns.entities.push_back(key.entity);
            columns.ids.push_back(key.record);
            columns.offices.push_back(std::move(row.office));
            columns.clocks.push_back(std::move(defaults.clock));
            columns.authors.push_back(std::move(defaults.author));
            columns.fields.push_back(std::move(fields));
        }
        static constexpr std::string_view kInsert =
            "INSERT INTO record_state (entity, record_id, office, field_clock, field_author, fields) SELECT e, r, o, "
            "c, a, f::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS "
            "t(e, r, o, c, a, f)";
        if (!fresh.entities.empty()) out.push_back(fresh.statement(std::string(kInsert)));
        // A record stored before its first change arrived has no office yet.
        if (!known.entities.empty())
            out.push_back(known.statement(std::string(kInsert) +
                                          " ON CONFLICT (entity, record_id) DO UPDATE SET office = CASE WHEN "
                                          "record_state.office = '' THEN excluded.office ELSE record_state.office "
                                          "END, fields = record_state.fields || excluded.fields"));
    }

    struct Columns {
        std::vector<std::string> entities, ids, offices, clocks, authors, fields;
        PgConnection::Statement statement(std::string sql) const {
            return {std::move(sql),
                    {binaryArray(entities), binaryArray(ids), binaryArray(offices), binaryArray(clocks),
                     binaryArray(authors), binaryArray(fields)},
                    "storing records",
                    /*binary=*/true};
        }
    };

    void writeQuarantine(const PushWrites& writes, std::vector<PgConnection::Statement>& out) {
        if (writes.quarantine.empty()) return;
        std::vector<std::string> ids, devices, codes, messages, payloads, times;
        // The quarantine keeps what was refused as it came; only what
        // PostgreSQL's text cannot hold is replaced.
        for (const QuarantineEntry& q : writes.quarantine) {
            ids.push_back(acceptableText(q.changeId));
            devices.push_back(acceptableText(q.deviceId));
            codes.push_back(acceptableText(q.code));
            messages.push_back(acceptableText(q.message));
            payloads.push_back(
                toHex(m_cipher.seal(q.payload, quarantinePlace(ids.back(), devices.back(), codes.back()))));
            times.push_back(std::to_string(q.receivedAt));
        }
        out.push_back(
            {"INSERT INTO quarantine (change_id, device_id, code, message, payload, received_at) SELECT c, d, k, m, "
             "decode(p, 'hex'), t::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], "
             "$6::text[]) AS q(c, d, k, m, p, t) ON CONFLICT (change_id, device_id, code) DO NOTHING",
             {arrayLiteral(ids), arrayLiteral(devices), arrayLiteral(codes), arrayLiteral(messages),
              arrayLiteral(payloads), arrayLiteral(times)},
             "storing quarantined changes"});
    }

    // Log positions in commit order. A sequence alone hands out numbers in
    // the order transactions ask for them, not the order they commit: a push
    // that took position 10 and commits after another took and committed 11
    // would be skipped by a puller that read 11 and moved its cursor past 10.
    // So positions are taken under a transaction-level advisory lock used for
    // nothing else, as the last thing before COMMIT: the lock is released only
    // after the commit is visible (PostgreSQL makes a transaction visible,
    // then releases its locks), so a transaction that takes later positions
    // can only take them, and become visible, after every earlier one is
    // visible. A snapshot that sees position P therefore sees every position
    // below P that will ever exist (a rolled-back push leaves a gap, never a
    // late entry). The cost is that the log insert and the commit of pushes
    // take turns; everything else of a push (locks, reads, field writes) runs
    // in parallel before it. The server clock is kept inside the same turn,
    // since every push updates that one row anyway.
    void writeLog(const PushWrites& writes, std::vector<PgConnection::Statement>& out) {
        std::vector<std::string> ids, offices, origins, entities, records, payloads, times;
        for (const LogEntry& e : writes.log) {
            ids.push_back(e.changeId);
            offices.push_back(e.office);
            origins.push_back(e.originDevice);
            entities.push_back(e.key.entity);
            records.push_back(e.key.record);
            payloads.push_back(m_cipher.seal(e.payload, logPlace(e.changeId)));
            times.push_back(std::to_string(e.receivedAt));
        }
        if (!writes.log.empty()) {
            out.push_back({"SELECT pg_advisory_xact_lock($1, $2)",
                           {std::to_string(kLockClass), std::to_string(kLogPositionLock)},
                           "waiting for log positions"});
        }
        // Fixed-width hex stamps: byte order (COLLATE "C") is clock order.
        if (!writes.hlc.empty()) {
            out.push_back(
                {"INSERT INTO meta (key, value) VALUES ('last_hlc', $1) ON CONFLICT (key) DO UPDATE SET "
                 "value = greatest(meta.value COLLATE \"C\", excluded.value COLLATE \"C\")",
                 {writes.hlc},
                 "storing the server clock"});
        }
        if (writes.log.empty()) return;
        out.push_back(
            {"INSERT INTO change_log (seq, change_id, office, origin_device, entity, record_id, payload, received_at) "
             "SELECT nextval('change_log_seq'), c, o, d, e, r, p, t::bigint FROM unnest($1::text[], $2::text[], "
             "$3::text[], $4::text[], $5::text[], $6::bytea[], $7::text[]) WITH ORDINALITY AS l(c, o, d, e, r, p, t, "
             "n) "
             "ORDER BY n ON CONFLICT (change_id) DO NOTHING",
             {binaryArray(ids), binaryArray(offices), binaryArray(origins), binaryArray(entities), binaryArray(records),
              binaryArray(payloads, kByteaOid), binaryArray(times)},
             "appending to the change log",
             /*binary=*/true});
    }

    PgPool::Lease m_lease;
    const FieldCipher& m_cipher;
    std::set<RecordKey> m_unseen;                   // read by records() and absent: locked, so still absent at commit
    std::map<RecordKey, FieldDefaults> m_defaults;  // of the rows records() found
    bool m_done = false;
};

}  // namespace

std::string byteaParam(std::string_view bytes) {
    return "\\x" + toHex(bytes);
}

SyncResult<DeviceInfo> deviceFrom(const PgResult& result, int row) {
    const auto number = result.integer(row, 2);
    const auto enrolled = result.integer(row, 5);
    const auto seen = result.integer(row, 6);
    auto publicKey = result.bytes(row, 3);
    auto signingKey = result.bytes(row, 7);
    if (!number || !enrolled || !seen || !publicKey || !signingKey || *number < 0 || *number > 1'000'000'000)
        return std::unexpected(damaged("device row"));
    DeviceInfo d;
    d.id = result.text(row, 0);
    d.office = result.text(row, 1);
    d.number = static_cast<int>(*number);
    d.publicKey = std::move(*publicKey);
    d.signingKey = std::move(*signingKey);
    d.revoked = result.text(row, 4) == "t";
    d.enrolledAt = *enrolled;
    d.lastSeenAt = *seen;
    return d;
}

SyncResult<std::unique_ptr<EnrollTransaction>> beginEnrollTransaction(PgPool::Lease lease) {
    return std::make_unique<PgEnrollTransaction>(std::move(lease));
}

SyncResult<std::unique_ptr<PushTransaction>> beginPushTransaction(PgPool::Lease lease, const FieldCipher& cipher) {
    return std::make_unique<PgPushTransaction>(std::move(lease), cipher);
}

}  // namespace chasqui::sync::pg
