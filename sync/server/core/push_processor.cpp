// ServerCore::push: validate, deduplicate, scope-check and merge each change
// of a batch, record conflicts, and answer per item. The batch's records are
// locked and read at once, merged in memory, and every write committed in
// one transaction before any answer is sent, so an acknowledged change is
// durable; one bad item is quarantined and never blocks the others.
#include <sodium.h>

#include <array>
#include <unordered_set>

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

// The keys every encoded change has (encodeChange): id, entity, record, op,
// fields, hlc, device, author, office; base and sets only when not empty.
constexpr std::size_t kChangeKeys = 9;

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

std::string clockTime(const std::string& clock) {
    return clock.substr(0, clock.find('@'));
}

std::string clockDevice(const std::string& clock) {
    return clock.substr(clock.find('@') + 1);
}

}  // namespace

class PushProcessor {
public:
    PushProcessor(ServerCore& core, const DeviceInfo& device) : m_core(core), m_device(device) {}

    // What can be checked without the store, change by change. Outside the
    // push transaction: on the embedded store a transaction holds the one
    // write connection, and two batches pushed at once should overlap here.
    void screenAll(std::vector<nlohmann::json>& changes) {
        m_results.assign(changes.size(), PushItemResult{});
        for (std::size_t i = 0; i < changes.size(); ++i) {
            if (auto c = screen(changes[i], m_results[i])) {
                c->index = i;
                m_candidates.push_back(std::move(*c));
            }
        }
    }

    SyncResult<PushSummary> run(PushTransaction& tx) {
        std::vector<Candidate>& candidates = m_candidates;
        std::vector<PushItemResult>& results = m_results;
        // Everything the batch touches, locked and read at once.
        std::vector<RecordKey> keys;
        std::vector<std::string> ids;
        keys.reserve(candidates.size());
        ids.reserve(candidates.size());
        for (const auto& c : candidates) {
            keys.push_back({c.change.entity, c.change.record});
            ids.push_back(c.change.id);
        }
        std::sort(keys.begin(), keys.end());
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        if (auto r = tx.lockRecords(keys); !r) return std::unexpected(r.error());
        auto logged = tx.loggedPayloads(ids);
        if (!logged) return std::unexpected(logged.error());
        for (const auto& [id, payload] : *logged) m_known.emplace(id, hashText(payload));
        auto records = tx.records(keys);
        if (!records) return std::unexpected(records.error());
        m_records = std::move(*records);

        for (auto& c : candidates) {
            if (auto r = apply(c, results[c.index]); !r) return std::unexpected(r.error());
        }
        // The last state of each field written, in (record, field) order.
        m_writes.fields.reserve(m_dirty.size());
        for (auto& [key, record] : m_records) {
            for (auto& [name, state] : record.fields) {
                if (m_dirty.contains(&state)) m_writes.fields.push_back({key, name, std::move(state)});
            }
        }
        {
            std::lock_guard lock(m_core.m_hlcMutex);
            m_writes.hlc = m_core.m_hlc.last().encode();
        }
        if (auto r = tx.commit(m_writes); !r) return std::unexpected(r.error());

        PushSummary summary;
        for (auto& r : results) {
            if (r.status == "applied") {
                ++summary.applied;
            } else if (r.status == "duplicate") {
                ++summary.duplicates;
            } else {
                summary.quarantined.push_back(std::move(r));
            }
        }
        return summary;
    }

private:
    // A field of a change as the merge needs it, made outside the push
    // transaction (the merge runs inside it, one push at a time).
    struct IncomingField {
        std::string name;
        std::string text;  // the value as stored (JSON); empty for a set field
        std::string base;  // the clock the kiosk edited over, if any
        bool isSet = false;
    };

    struct Candidate {
        std::size_t index;
        ChangeRecord change;
        std::string payload;   // the change's canonical text (encodeChange), as logged
        std::string received;  // the change as received, when it is not `payload`
        std::string hash;
        std::vector<IncomingField> fields;
    };

    // Decodes `raw` (taking its values) and checks what needs no stored
    // state; nullopt when quarantined.
    std::optional<Candidate> screen(nlohmann::json& raw, PushItemResult& result) {
        result.id = raw.is_object() && raw.contains("id") && raw["id"].is_string() ? raw["id"].get<std::string>() : "";
        if (result.id.size() > 64) result.id.resize(64);
        const auto dumped = [](const nlohmann::json& j) {
            return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        };
        // A change holding exactly the keys encodeChange writes (as every
        // change split from a batch's columns does) was received as its own
        // canonical text, which changeText writes from the decoded record.
        // Any other shape keeps the text it came as, for the quarantine.
        std::string received;
        if (!hasCanonicalKeys(raw)) received = dumped(raw);
        auto decoded = decodeChange(std::move(raw));  // `raw` is left as it came when refused
        if (!decoded) {
            // decodeChange takes nothing from a change it refuses (change_codec.hpp).
            std::string text = received.empty() ? dumped(raw) : std::move(received);  // NOLINT(bugprone-use-after-move)
            quarantine(result, std::move(text), decoded.error().code, decoded.error().message);
            return std::nullopt;
        }
        ChangeRecord& c = *decoded;
        ChangeText text = changeText(c);
        const auto asReceived = [&] { return received.empty() ? text.text : received; };
        if (c.device != m_device.id) {
            quarantine(result, asReceived(), SyncErrorCode::WrongDevice,
                       "a device may only push changes it made itself");
            return std::nullopt;
        }
        if (c.office != m_device.office) {
            quarantine(result, asReceived(), SyncErrorCode::OutOfScope,
                       fmt::format("this device belongs to office {}", m_device.office));
            return std::nullopt;
        }
        storage::HlcStamp stamp;
        storage::HlcStamp::decode(c.hlc, stamp);
        if (stamp.wallMs > m_core.nowMs() + kMaxClockAheadMs) {
            quarantine(result, asReceived(), SyncErrorCode::ClockAhead,
                       "the change is stamped ahead of the server's clock; the kiosk stamps it again with the "
                       "server's time and sends it at its next sync (PROTOCOL.md 3.1)");
            return std::nullopt;
        }
        std::string hash = hashText(text.text);
        std::vector<IncomingField> fields = incomingFields(c, text);
        return Candidate{
            0, std::move(c), std::move(text.text), std::move(received), std::move(hash), std::move(fields)};
    }

    // The keys encodeChange writes, "base" and "sets" only when not empty.
    static bool hasCanonicalKeys(const nlohmann::json& raw) {
        if (!raw.is_object()) return false;
        std::size_t expected = kChangeKeys;
        for (const char* optional : {"base", "sets"}) {
            const auto it = raw.find(optional);
            if (it == raw.end()) continue;
            if (!it->is_object() || it->empty()) return false;
            ++expected;
        }
        return raw.size() == expected;
    }

    // A field's value text is taken from the change's text, where changeText
    // wrote it; a delete sets only its tombstone.
    static std::vector<IncomingField> incomingFields(const ChangeRecord& c, const ChangeText& text) {
        std::vector<IncomingField> out;
        if (c.op == "delete") {
            out.push_back({"deleted", "1", c.base.value("deleted", std::string()), false});
            return out;
        }
        out.reserve(c.fields.size());
        std::size_t i = 0;
        for (const auto& [name, value] : c.fields.items()) {
            const auto [at, size] = text.values[i++];
            if (storage::isSetColumn(c.entity, name)) {
                out.push_back({name, {}, {}, true});
            } else {
                out.push_back({name, text.text.substr(at, size), c.base.value(name, std::string()), false});
            }
        }
        return out;
    }

    SyncResult<void> apply(Candidate& candidate, PushItemResult& result) {
        const ChangeRecord& c = candidate.change;
        const auto received = [&] { return candidate.received.empty() ? candidate.payload : candidate.received; };
        if (auto it = m_known.find(c.id); it != m_known.end()) {
            if (it->second == candidate.hash) {
                result.status = "duplicate";
            } else {
                quarantine(result, received(), SyncErrorCode::IdReused,
                           "a different change was already received with this id");
            }
            return {};
        }
        RecordState& record = m_records[RecordKey{c.entity, c.record}];
        if (!record.office.empty() && record.office != c.office) {
            quarantine(result, received(), SyncErrorCode::OutOfScope, "this record belongs to another office");
            return {};
        }
        if (isAppendOnly(c.entity) && !record.fields.empty()) {
            quarantine(result, received(), SyncErrorCode::AppendOnly,
                       fmt::format("{} records cannot change once written", c.entity));
            return {};
        }
        storage::HlcStamp stamp;
        storage::HlcStamp::decode(c.hlc, stamp);
        {
            std::lock_guard lock(m_core.m_hlcMutex);
            m_core.m_hlc.observe(stamp);
        }
        m_known.emplace(c.id, candidate.hash);
        log(c, std::move(candidate.payload));
        if (record.office.empty()) {
            record.office = c.office;
            m_writes.newOffices.push_back({{c.entity, c.record}, c.office});
        }
        merge(c, candidate.fields, record);
        result.status = "applied";
        return {};
    }

    // `payload`: the change as received (dumped, invalid UTF-8 replaced).
    void quarantine(PushItemResult& r, std::string payload, SyncErrorCode code, std::string message) {
        if (payload.size() > 64 * 1024) payload.resize(64 * 1024);
        // One entry per (change, device, code), as the store keeps them.
        m_writes.quarantine.push_back(
            {r.id, m_device.id, std::string(syncErrorCodeName(code)), message, std::move(payload), m_core.nowMs()});
        r.status = "quarantined";
        r.code = code;
        r.message = std::move(message);
    }

    void log(const ChangeRecord& c, std::string payload) {
        m_writes.log.push_back({c.id, c.office, c.device, {c.entity, c.record}, std::move(payload), m_core.nowMs()});
    }

    void write(RecordState& record, const std::string& name, StoredField state) {
        StoredField& stored = record.fields[name];
        stored = std::move(state);
        m_dirty.insert(&stored);
    }

    // A set field merges element by element (PROTOCOL.md 3.2) and never
    // conflicts: the change's edit (without one, every element of its value
    // as added) joins the element clocks, and the field holds the merged set.
    void mergeSet(const ChangeRecord& c, RecordState& record, const std::string& name, const nlohmann::json& value,
                  const StoredField* local) {
        std::string current;
        if (local != nullptr) {
            const auto parsed = nlohmann::json::parse(local->value, nullptr, false);
            if (parsed.is_string()) current = parsed.get<std::string>();
        }
        std::optional<storage::ElementSet> elements;
        if (local != nullptr && !local->elements.empty())
            elements = storage::elementsFromJson(nlohmann::json::parse(local->elements, nullptr, false));
        if (!elements) elements = storage::seedElements(current, local != nullptr ? local->clock : std::string());
        std::optional<storage::SetEdit> edit;
        if (auto it = c.sets.find(name); it != c.sets.end()) edit = storage::decodeEdit(*it);
        if (!edit) edit = storage::additionsOf(value.is_string() ? value.get<std::string>() : std::string());
        storage::applyEdit(*elements, *edit, c.clock());
        const bool newer = local == nullptr || c.clock() > local->clock;
        StoredField w{nlohmann::json(storage::presentValue(*elements)).dump(), newer ? c.clock() : local->clock,
                      newer ? (local != nullptr ? local->clock : std::string()) : local->base,
                      newer ? c.author : local->author, storage::elementsToJson(*elements).dump()};
        if (local != nullptr && w.value == local->value && w.clock == local->clock && w.elements == local->elements)
            return;
        write(record, name, std::move(w));
    }

    void merge(const ChangeRecord& c, std::vector<IncomingField>& incoming, RecordState& record) {
        const std::string clock = c.clock();
        for (IncomingField& field : incoming) {
            const std::string& name = field.name;
            const auto found = record.fields.find(name);
            const StoredField* local = found == record.fields.end() ? nullptr : &found->second;
            if (field.isSet) {
                const auto value = c.fields.find(name);
                mergeSet(c, record, name, value != c.fields.end() ? *value : nlohmann::json(), local);
                continue;
            }
            std::string base = std::move(field.base);
            std::string text = std::move(field.text);
            const MergeOutcome outcome = decideField(
                {local != nullptr ? local->clock : std::string(), local != nullptr ? local->base : ""}, clock, base);
            // Concurrent edits that ended on the same value are not conflicts.
            const bool conflict = isConflict(outcome) && (local != nullptr ? local->value != text : !text.empty());
            // Copied before the write below replaces what `local` points at.
            const StoredField before = conflict && local != nullptr ? *local : StoredField{};
            if (outcome == MergeOutcome::Apply || outcome == MergeOutcome::ApplyLocalLoses) {
                if (!conflict) {
                    write(record, name, {std::move(text), clock, std::move(base), c.author, {}});
                    continue;
                }
                write(record, name, {text, clock, base, c.author, {}});
            }
            if (conflict) {
                const bool localLost = outcome == MergeOutcome::ApplyLocalLoses;
                const std::string& keptClock = localLost ? clock : before.clock;
                const std::string& lostClock = localLost ? before.clock : clock;
                nlohmann::json fields = {{"entity", c.entity},
                                         {"record_id", c.record},
                                         {"field", name},
                                         {"kept_value", localLost ? text : before.value},
                                         {"kept_hlc", clockTime(keptClock)},
                                         {"kept_device", clockDevice(keptClock)},
                                         {"lost_value", localLost ? before.value : text},
                                         {"lost_hlc", clockTime(lostClock)},
                                         {"lost_device", clockDevice(lostClock)},
                                         {"lost_author", localLost ? before.author : c.author},
                                         {"kept_author", localLost ? c.author : before.author},
                                         {"resolved", 0}};
                recordConflict(c, name, lostClock, fields);
            }
        }
    }

    void recordConflict(const ChangeRecord& c, const std::string& field, const std::string& lostClock,
                        const nlohmann::json& fields) {
        ChangeRecord conflict;
        conflict.record =
            deterministicUuid(fmt::format("conflict\x1f{}\x1f{}\x1f{}\x1f{}", c.entity, c.record, field, lostClock));
        conflict.id = deterministicUuid("change\x1f" + conflict.record);
        conflict.entity = "conflict";
        conflict.op = "put";
        conflict.fields = fields;
        {
            std::lock_guard lock(m_core.m_hlcMutex);
            conflict.hlc = m_core.m_hlc.now().encode();
        }
        conflict.device = m_core.m_serverId;
        conflict.author = "server";
        conflict.office = c.office;
        // The same conflict found again (a change pushed twice) is logged once.
        if (m_known.contains(conflict.id)) return;
        std::string payload = encodeChange(conflict).dump();
        m_known.emplace(conflict.id, hashText(payload));
        log(conflict, std::move(payload));
        m_writes.newOffices.push_back({{conflict.entity, conflict.record}, conflict.office});
        RecordState& record = m_records[RecordKey{conflict.entity, conflict.record}];
        for (const auto& [name, value] : fields.items())
            write(record, name, {value.dump(), conflict.clock(), "", conflict.author, {}});
    }

    ServerCore& m_core;
    const DeviceInfo& m_device;
    std::vector<Candidate> m_candidates;                   // the changes that passed screening
    std::vector<PushItemResult> m_results;                 // one per change of the batch
    std::unordered_map<std::string, std::string> m_known;  // change id -> payload hash, as the batch goes
    std::map<RecordKey, RecordState> m_records;            // the batch's records, as the batch goes
    std::unordered_set<const StoredField*> m_dirty;        // fields of m_records written
    PushWrites m_writes;
};

SyncResult<PushSummary> ServerCore::push(const DeviceInfo& device, std::vector<nlohmann::json> changes) {
    if (changes.size() > kMaxChangesPerList)
        return syncFail(SyncErrorCode::TooLarge,
                        fmt::format("a batch holds at most {} changes; send smaller batches", kMaxChangesPerList));
    PushProcessor processor(*this, device);
    processor.screenAll(changes);
    auto tx = m_repo->beginPush();
    if (!tx) return std::unexpected(tx.error());
    return processor.run(**tx);
}

}  // namespace chasqui::sync
