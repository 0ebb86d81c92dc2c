// Reading the kiosk's outbox: change records for tests and tools, and a push
// batch's columns written straight from the stored texts
// (change_codec.hpp declares both).
#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "storage/base/text.hpp"
#include "sync/protocol/change_codec.hpp"
#include "sync/protocol/json_text.hpp"

namespace chasqui::sync {

namespace {

// How OutboxBatch::records names a record.
std::string recordName(std::string_view entity, std::string_view record) {
    std::string name;
    name.reserve(entity.size() + 1 + record.size());
    name.append(entity).push_back('\x1f');
    name.append(record);
    return name;
}

}  // namespace

storage::Result<std::vector<ChangeRecord>> readOutbox(storage::Db& db, std::int64_t afterSeq, std::size_t limit,
                                                      const std::string& office, std::int64_t& lastSeq) {
    auto stmt = db.prepare(
        "SELECT seq, change_id, entity, record_id, op, fields, base, hlc, device, author, sets FROM changes "
        "WHERE seq > ? ORDER BY seq LIMIT ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, afterSeq).bind(2, static_cast<std::int64_t>(limit));
    std::vector<ChangeRecord> out;
    lastSeq = afterSeq;
    for (;;) {
        auto row = stmt->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        ChangeRecord c;
        lastSeq = stmt->integer(0);
        c.id = stmt->text(1);
        c.entity = stmt->text(2);
        c.record = stmt->text(3);
        c.op = stmt->text(4);
        c.fields = nlohmann::json::parse(stmt->text(5), nullptr, false);
        c.base = nlohmann::json::parse(stmt->text(6), nullptr, false);
        c.sets = nlohmann::json::parse(stmt->text(10), nullptr, false);
        if (c.fields.is_discarded() || c.base.is_discarded() || c.sets.is_discarded())
            return storage::fail(storage::ErrorCode::Damaged,
                                 "a change record in the outbox is damaged; run `chasqui verify`");
        c.hlc = stmt->text(7);
        c.device = stmt->text(8);
        c.author = stmt->text(9);
        c.office = office;
        out.push_back(std::move(c));
    }
    stmt->reset();
    return out;
}

std::size_t cleanBatchEnd(const std::vector<std::string>& records, std::size_t limit) {
    const std::size_t n = records.size();
    if (n <= limit) return n;
    // A record touched first at f and last at l blocks every end c with
    // f < c <= l: +1 at f + 1, -1 at l + 1, and a running sum of 0 is clean.
    std::unordered_map<std::string_view, std::pair<std::size_t, std::size_t>> spans;
    spans.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        auto [it, added] = spans.try_emplace(records[i], i, i);
        if (!added) it->second.second = i;
    }
    std::vector<int> opens(n + 1, 0);
    for (const auto& [name, span] : spans) {
        if (span.first == span.second) continue;
        ++opens[span.first + 1];
        --opens[span.second + 1];
    }
    std::size_t end = limit;
    int open = 0;
    for (std::size_t c = 0; c <= limit; ++c) {
        open += opens[c];
        if (open == 0 && c > 0 && c >= limit / 2) end = c;
    }
    return end;
}

storage::Result<OutboxBatch> readOutboxBatch(storage::Db& db, std::int64_t afterSeq, std::size_t limit,
                                             const std::string& office, std::size_t lookahead) {
    if (lookahead > 0 && limit > 0) {
        auto peek = db.prepare("SELECT entity, record_id FROM changes WHERE seq > ? ORDER BY seq LIMIT ?");
        if (!peek) return std::unexpected(peek.error());
        peek->bind(1, afterSeq).bind(2, static_cast<std::int64_t>(limit + lookahead));
        std::vector<std::string> records;
        records.reserve(limit + lookahead);
        for (;;) {
            auto row = peek->step();
            if (!row) return std::unexpected(row.error());
            if (!*row) break;
            records.push_back(recordName(peek->text(0), peek->text(1)));
        }
        peek->reset();
        limit = cleanBatchEnd(records, limit);
    }
    auto stmt = db.prepare(
        "SELECT seq, change_id, entity, record_id, op, fields, base, hlc, device, author, sets FROM changes "
        "WHERE seq > ? ORDER BY seq LIMIT ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, afterSeq).bind(2, static_cast<std::int64_t>(limit));
    const auto damaged = [] {
        return storage::fail(storage::ErrorCode::Damaged,
                             "a queued change is damaged (not valid JSON or UTF-8); run `chasqui verify`");
    };
    // One growing text per column, in the order dump() writes an object's keys
    // (sorted): author, base, device, entity, fields, hlc, id, office, op,
    // record, then sets when some change has one.
    enum Column { Author, Base, Device, Entity, Fields, Hlc, Id, Office, Op, Record, Sets, kCount };
    std::array<std::string, kCount> columns;
    bool anySets = false;
    OutboxBatch batch;
    batch.lastSeq = afterSeq;
    const auto addText = [&](Column column, std::string_view text) {
        if (!storage::isValidUtf8(text)) return false;
        columns[column] += batch.changes == 0 ? '[' : ',';
        appendJsonString(columns[column], text);
        return true;
    };
    // Stored JSON goes in as it is once it is known to be valid; an empty
    // object is what the DOM path wrote for a missing base or sets.
    const auto addJson = [&](Column column, std::string_view text) {
        if (!nlohmann::json::accept(text)) return false;
        columns[column] += batch.changes == 0 ? '[' : ',';
        columns[column] += text;
        return true;
    };
    for (;;) {
        auto row = stmt->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        batch.lastSeq = stmt->integer(0);
        std::string id = stmt->text(1);
        const std::string sets = stmt->text(10);
        if (!addText(Id, id) || !addText(Entity, stmt->text(2)) || !addText(Record, stmt->text(3)) ||
            !addText(Op, stmt->text(4)) || !addJson(Fields, stmt->text(5)) || !addJson(Base, stmt->text(6)) ||
            !addText(Hlc, stmt->text(7)) || !addText(Device, stmt->text(8)) || !addText(Author, stmt->text(9)) ||
            !addText(Office, office) || !addJson(Sets, sets))
            return damaged();
        if (!anySets && sets != "{}") anySets = nlohmann::json::parse(sets, nullptr, false) != nlohmann::json::object();
        if (batch.changes == 0) batch.firstId = std::move(id);
        batch.records.push_back(recordName(stmt->text(2), stmt->text(3)));
        ++batch.changes;
    }
    stmt->reset();
    if (batch.changes == 0) return batch;
    std::sort(batch.records.begin(), batch.records.end());
    batch.records.erase(std::unique(batch.records.begin(), batch.records.end()), batch.records.end());
    static constexpr std::array<std::string_view, kCount> kNames{
        "author", "base", "device", "entity", "fields", "hlc", "id", "office", "op", "record", "sets"};
    std::size_t size = 64 + batch.firstId.size();
    for (const auto& column : columns) size += column.size() + 16;
    batch.text.reserve(size);
    batch.text += "{\"batch\":";
    appendJsonString(batch.text, batch.firstId);
    batch.text += ",\"columns\":{";
    for (int column = 0; column < kCount; ++column) {
        if (column == Sets && !anySets) break;
        if (column != 0) batch.text += ',';
        appendJsonString(batch.text, kNames[static_cast<std::size_t>(column)]);
        batch.text += ':';
        batch.text += columns[static_cast<std::size_t>(column)];
        batch.text += ']';
    }
    batch.text += "}}";
    return batch;
}

}  // namespace chasqui::sync
