// ServerStore::push: validate, deduplicate, scope-check and merge each change
// of a batch, record conflicts, and answer per item. The whole batch commits
// in one transaction before any answer is sent, so an acknowledged change is
// durable; one bad item is quarantined and never blocks the others.
#include <sodium.h>

#include <array>

#include <fmt/format.h>

#include "storage/records/element_set.hpp"
#include "sync/protocol/change_codec.hpp"
#include "sync/protocol/merge_rules.hpp"
#include "sync/server/core/server_core.hpp"

namespace chasqui::sync {

namespace {

// Past this, a stamp would win every merge until the world caught up
// (PROTOCOL.md 3.1); kiosks re-stamp what they made beyond 2 minutes.
constexpr std::int64_t kMaxClockAheadMs = 5 * 60 * 1000;

std::string hashText(std::string_view text) {
    std::array<unsigned char, 16> digest{};
    crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                       nullptr, 0);
    std::array<char, 33> hex{};
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    return {hex.data(), 32};
}

// UUIDv8 (RFC 9562 custom) from a hash: the same conflict always gets the same id.
std::string deterministicUuid(std::string_view material) {
    std::array<unsigned char, 16> b{};
    crypto_generichash(b.data(), b.size(), reinterpret_cast<const unsigned char*>(material.data()), material.size(),
                       nullptr, 0);
    b[6] = static_cast<unsigned char>(0x80 | (b[6] & 0x0F));
    b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3F));
    std::array<char, 33> hex{};
    sodium_bin2hex(hex.data(), hex.size(), b.data(), b.size());
    const std::string h(hex.data(), 32);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

struct StoredField {
    bool present = false;
    std::string value;  // JSON text
    std::string clock;
    std::string base;
    std::string author;
    std::string elements;  // set fields: element clocks as JSON text, empty until first edited
};

// What a field of field_state is set to.
struct FieldWrite {
    std::string value;  // JSON text
    std::string clock;
    std::string base;
    std::string author;
    std::string elements;
};

using storage::Db;

std::string firstText(const storage::Stmt& row) {
    return row.text(0);
}

}  // namespace

class PushProcessor {
public:
    PushProcessor(ServerStore& store, const DeviceInfo& device) : m_store(store), m_db(*store.m_db), m_device(device) {}

    SyncResult<PushItemResult> process(const nlohmann::json& raw) {
        PushItemResult result;
        result.id = raw.is_object() && raw.contains("id") && raw["id"].is_string() ? raw["id"].get<std::string>() : "";
        if (result.id.size() > 64) result.id.resize(64);
        auto decoded = decodeChange(raw);
        if (!decoded) return quarantine(result, raw, decoded.error().code, decoded.error().message);
        const ChangeRecord& c = *decoded;
        if (c.device != m_device.id)
            return quarantine(result, raw, SyncErrorCode::WrongDevice, "a device may only push changes it made itself");
        if (c.office != m_device.office)
            return quarantine(result, raw, SyncErrorCode::OutOfScope,
                              fmt::format("this device belongs to office {}", m_device.office));
        storage::HlcStamp stamp;
        storage::HlcStamp::decode(c.hlc, stamp);
        if (stamp.wallMs > m_store.nowMs() + kMaxClockAheadMs)
            return quarantine(result, raw, SyncErrorCode::ClockAhead,
                              "the change is stamped ahead of the server's clock; the kiosk stamps it again with the "
                              "server's time and sends it at its next sync (PROTOCOL.md 3.1)");
        const std::string payload = encodeChange(c).dump();
        const std::string hash = hashText(payload);
        auto known = knownHash(c.id);
        if (!known) return std::unexpected(known.error());
        if (!known->empty()) {
            if (*known == hash) return done(result, "duplicate");
            return quarantine(result, raw, SyncErrorCode::IdReused,
                              "a different change was already received with this id");
        }
        auto office = recordOffice(c.entity, c.record);
        if (!office) return std::unexpected(office.error());
        if (!office->empty() && *office != c.office)
            return quarantine(result, raw, SyncErrorCode::OutOfScope, "this record belongs to another office");
        auto fieldsKnown = hasAnyField(c.entity, c.record);
        if (!fieldsKnown) return std::unexpected(fieldsKnown.error());
        if (isAppendOnly(c.entity) && *fieldsKnown)
            return quarantine(result, raw, SyncErrorCode::AppendOnly,
                              fmt::format("{} records cannot change once written", c.entity));

        m_store.m_hlc.observe(stamp);
        if (auto r = logChange(c.id, hash, c.office, c.device, c.entity, c.record, payload); !r)
            return std::unexpected(r.error());
        if (office->empty()) {
            if (auto r = setRecordOffice(c.entity, c.record, c.office); !r) return std::unexpected(r.error());
        }
        if (auto r = merge(c); !r) return std::unexpected(r.error());
        return done(result, "applied");
    }

    SyncResult<void> saveClock() {
        auto stmt = m_db.prepare(
            "INSERT INTO meta (key, value) VALUES ('last_hlc', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        if (!stmt) return std::unexpected(fromStorage(stmt.error()));
        stmt->bind(1, m_store.m_hlc.last().encode());
        if (auto r = stmt->run(); !r) return std::unexpected(fromStorage(r.error()));
        return {};
    }

private:
    SyncResult<PushItemResult> done(PushItemResult r, std::string status) {
        r.status = std::move(status);
        return r;
    }

    SyncResult<PushItemResult> quarantine(PushItemResult r, const nlohmann::json& raw, SyncErrorCode code,
                                          std::string message) {
        auto stmt = m_db.prepare(
            "INSERT OR IGNORE INTO quarantine (change_id, device_id, code, message, payload, received_at) VALUES (?, "
            "?, ?, ?, ?, ?)");
        if (!stmt) return std::unexpected(fromStorage(stmt.error()));
        std::string payload = raw.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        if (payload.size() > 64 * 1024) payload.resize(64 * 1024);
        stmt->bind(1, r.id)
            .bind(2, m_device.id)
            .bind(3, std::string(syncErrorCodeName(code)))
            .bind(4, message)
            .bind(5, payload)
            .bind(6, m_store.nowMs());
        if (auto e = stmt->run(); !e) return std::unexpected(fromStorage(e.error()));
        r.status = "quarantined";
        r.code = code;
        r.message = std::move(message);
        return r;
    }

    SyncResult<std::string> knownHash(const std::string& id) {
        auto hash = m_db.readOne("SELECT payload_hash FROM change_log WHERE change_id = ?", firstText, id);
        if (!hash) return std::unexpected(fromStorage(hash.error()));
        return hash->value_or(std::string());
    }

    SyncResult<std::string> recordOffice(const std::string& entity, const std::string& record) {
        auto office = m_db.readOne("SELECT office FROM record_office WHERE entity = ? AND record_id = ?", firstText,
                                   entity, record);
        if (!office) return std::unexpected(fromStorage(office.error()));
        return office->value_or(std::string());
    }

    SyncResult<void> setRecordOffice(const std::string& entity, const std::string& record, const std::string& office) {
        auto stmt = m_db.prepare("INSERT OR IGNORE INTO record_office (entity, record_id, office) VALUES (?, ?, ?)");
        if (!stmt) return std::unexpected(fromStorage(stmt.error()));
        stmt->bind(1, entity).bind(2, record).bind(3, office);
        if (auto r = stmt->run(); !r) return std::unexpected(fromStorage(r.error()));
        return {};
    }

    SyncResult<bool> hasAnyField(const std::string& entity, const std::string& record) {
        auto any = m_db.hasRow("SELECT 1 FROM field_state WHERE entity = ? AND record_id = ? LIMIT 1", entity, record);
        if (!any) return std::unexpected(fromStorage(any.error()));
        return *any;
    }

    SyncResult<void> logChange(const std::string& id, const std::string& hash, const std::string& office,
                               const std::string& origin, const std::string& entity, const std::string& record,
                               const std::string& payload) {
        auto stmt = m_db.prepare(
            "INSERT OR IGNORE INTO change_log (change_id, payload_hash, office, origin_device, entity, record_id, "
            "payload, "
            "received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        if (!stmt) return std::unexpected(fromStorage(stmt.error()));
        stmt->bind(1, id).bind(2, hash).bind(3, office).bind(4, origin).bind(5, entity).bind(6, record);
        stmt->bind(7, payload).bind(8, m_store.nowMs());
        if (auto r = stmt->run(); !r) return std::unexpected(fromStorage(r.error()));
        return {};
    }

    SyncResult<StoredField> field(const std::string& entity, const std::string& record, const std::string& name) {
        auto stored = m_db.readOne(
            "SELECT value, clock, base, author, elements FROM field_state WHERE entity = ? AND record_id = ? AND "
            "field = ?",
            [](const storage::Stmt& s) {
                return StoredField{true, s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)};
            },
            entity, record, name);
        if (!stored) return std::unexpected(fromStorage(stored.error()));
        return stored->value_or(StoredField{});
    }

    // OR FAIL: the statement touches one row, so FAIL undoes as much as ABORT
    // would, without a statement journal (SQLCipher encrypts every page copied
    // there: it once was three quarters of a push's time); the push's
    // transaction is rolled back on any error anyway.
    SyncResult<void> setField(const ChangeRecord& c, const std::string& name, const std::string& value,
                              const std::string& base) {
        return writeField(c, name, {value, c.clock(), base, c.author, {}});
    }

    SyncResult<void> writeField(const ChangeRecord& c, const std::string& name, const FieldWrite& w) {
        auto upsert = m_db.prepare(
            "INSERT OR FAIL INTO field_state (entity, record_id, field, value, clock, base, author, elements) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (entity, record_id, field) DO UPDATE SET "
            "value = excluded.value, clock = excluded.clock, base = excluded.base, author = excluded.author, "
            "elements = excluded.elements");
        if (!upsert) return std::unexpected(fromStorage(upsert.error()));
        upsert->bindAll(c.entity, c.record, name, w.value, w.clock, w.base, w.author, w.elements);
        if (auto r = upsert->run(); !r) return std::unexpected(fromStorage(r.error()));
        return {};
    }

    // A set field merges element by element (PROTOCOL.md 3.2) and never
    // conflicts: the change's edit (without one, every element of its value
    // as added) joins the element clocks, and the field holds the merged set.
    SyncResult<void> mergeSet(const ChangeRecord& c, const std::string& name, const nlohmann::json& value,
                              const StoredField& local) {
        std::string current;
        if (local.present) {
            const auto parsed = nlohmann::json::parse(local.value, nullptr, false);
            if (parsed.is_string()) current = parsed.get<std::string>();
        }
        std::optional<storage::ElementSet> elements;
        if (!local.elements.empty())
            elements = storage::elementsFromJson(nlohmann::json::parse(local.elements, nullptr, false));
        if (!elements) elements = storage::seedElements(current, local.clock);
        std::optional<storage::SetEdit> edit;
        if (auto it = c.sets.find(name); it != c.sets.end()) edit = storage::decodeEdit(*it);
        if (!edit) edit = storage::additionsOf(value.is_string() ? value.get<std::string>() : std::string());
        storage::applyEdit(*elements, *edit, c.clock());
        const bool newer = !local.present || c.clock() > local.clock;
        FieldWrite w{nlohmann::json(storage::presentValue(*elements)).dump(), newer ? c.clock() : local.clock,
                     newer ? local.clock : local.base, newer ? c.author : local.author,
                     storage::elementsToJson(*elements).dump()};
        if (local.present && w.value == local.value && w.clock == local.clock && w.elements == local.elements)
            return {};
        return writeField(c, name, w);
    }

    SyncResult<void> merge(const ChangeRecord& c) {
        nlohmann::json incoming = c.fields;
        if (c.op == "delete") incoming = {{"deleted", 1}};
        for (const auto& [name, value] : incoming.items()) {
            auto local = field(c.entity, c.record, name);
            if (!local) return std::unexpected(local.error());
            if (storage::isSetColumn(c.entity, name)) {
                if (auto r = mergeSet(c, name, value, *local); !r) return r;
                continue;
            }
            const std::string base = c.base.value(name, std::string());
            const std::string text = value.dump();
            const MergeOutcome outcome =
                decideField({local->present ? local->clock : std::string(), local->base}, c.clock(), base);
            if (outcome == MergeOutcome::Apply || outcome == MergeOutcome::ApplyLocalLoses) {
                if (auto r = setField(c, name, text, base); !r) return r;
            }
            // Concurrent edits that ended on the same value are not conflicts.
            if (isConflict(outcome) && local->value != text) {
                const bool localLost = outcome == MergeOutcome::ApplyLocalLoses;
                const auto at = [](const std::string& clock) { return clock.substr(0, clock.find('@')); };
                const auto dev = [](const std::string& clock) { return clock.substr(clock.find('@') + 1); };
                nlohmann::json fields = {{"entity", c.entity},
                                         {"record_id", c.record},
                                         {"field", name},
                                         {"kept_value", localLost ? text : local->value},
                                         {"kept_hlc", at(localLost ? c.clock() : local->clock)},
                                         {"kept_device", dev(localLost ? c.clock() : local->clock)},
                                         {"lost_value", localLost ? local->value : text},
                                         {"lost_hlc", at(localLost ? local->clock : c.clock())},
                                         {"lost_device", dev(localLost ? local->clock : c.clock())},
                                         {"lost_author", localLost ? local->author : c.author},
                                         {"kept_author", localLost ? c.author : local->author},
                                         {"resolved", 0}};
                if (auto r = recordConflict(c, name, localLost ? local->clock : c.clock(), fields); !r) return r;
            }
        }
        return {};
    }

    SyncResult<void> recordConflict(const ChangeRecord& c, const std::string& field, const std::string& lostClock,
                                    const nlohmann::json& fields) {
        ChangeRecord conflict;
        conflict.record =
            deterministicUuid(fmt::format("conflict\x1f{}\x1f{}\x1f{}\x1f{}", c.entity, c.record, field, lostClock));
        conflict.id = deterministicUuid("change\x1f" + conflict.record);
        conflict.entity = "conflict";
        conflict.op = "put";
        conflict.fields = fields;
        conflict.hlc = m_store.m_hlc.now().encode();
        conflict.device = m_store.m_serverId;
        conflict.author = "server";
        conflict.office = c.office;
        const std::string payload = encodeChange(conflict).dump();
        if (auto r = logChange(conflict.id, hashText(payload), conflict.office, conflict.device, conflict.entity,
                               conflict.record, payload);
            !r)
            return r;
        if (auto r = setRecordOffice(conflict.entity, conflict.record, conflict.office); !r) return r;
        for (const auto& [name, value] : fields.items()) {
            if (auto r = setField(conflict, name, value.dump(), ""); !r) return r;
        }
        return {};
    }

    ServerStore& m_store;
    Db& m_db;
    const DeviceInfo& m_device;
};

SyncResult<PushSummary> ServerStore::push(const DeviceInfo& device, const std::vector<nlohmann::json>& changes) {
    if (changes.size() > kMaxChangesPerList)
        return syncFail(SyncErrorCode::TooLarge,
                        fmt::format("a batch holds at most {} changes; send smaller batches", kMaxChangesPerList));
    std::lock_guard lock(m_writeMutex);
    storage::Transaction tx(*m_db);
    if (auto r = tx.begin(); !r) return std::unexpected(fromStorage(r.error()));
    PushProcessor processor(*this, device);
    PushSummary summary;
    for (const auto& raw : changes) {
        auto r = processor.process(raw);
        if (!r) return std::unexpected(r.error());
        if (r->status == "applied") {
            ++summary.applied;
        } else if (r->status == "duplicate") {
            ++summary.duplicates;
        } else {
            summary.quarantined.push_back(std::move(*r));
        }
    }
    if (auto r = processor.saveClock(); !r) return std::unexpected(r.error());
    if (auto r = tx.commit(); !r) return std::unexpected(fromStorage(r.error()));
    return summary;
}

}  // namespace chasqui::sync
