#include "sync/server/repository/record_fields_blob.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace chasqui::sync {

namespace {

constexpr unsigned char kFormat = 0x01;

// One entry as it lies in a blob: views into it.
struct EntryView {
    std::array<std::string_view, 6> parts;  // name, value, clock, base, author, elements
    std::string_view whole;                 // the entry's bytes, to copy it unchanged
};

void putLength(std::string& out, std::size_t n) {
    while (n >= 0x80) {
        out.push_back(static_cast<char>((n & 0x7F) | 0x80));
        n >>= 7;
    }
    out.push_back(static_cast<char>(n));
}

void putString(std::string& out, std::string_view s) {
    putLength(out, s.size());
    out.append(s);
}

void putEntry(std::string& out, std::string_view name, const StoredField& f) {
    for (std::string_view part : {name, std::string_view(f.value), std::string_view(f.clock), std::string_view(f.base),
                                  std::string_view(f.author), std::string_view(f.elements)})
        putString(out, part);
}

SyncError damaged(std::string_view what) {
    return syncError(SyncErrorCode::Internal, std::string("a record's stored fields are damaged (") +
                                                  std::string(what) + "); restore server.db from a backup");
}

// Walks a blob's entries, checking each as it goes.
class Reader {
public:
    explicit Reader(std::string_view blob) : m_rest(blob) {}

    SyncResult<void> start() {
        if (m_rest.empty()) return {};
        if (static_cast<unsigned char>(m_rest.front()) != kFormat) return std::unexpected(damaged("unknown format"));
        m_rest.remove_prefix(1);
        return {};
    }

    // The next entry; nullopt at the end.
    SyncResult<std::optional<EntryView>> next() {
        if (m_rest.empty()) return std::nullopt;
        const std::string_view begin = m_rest;
        EntryView e;
        for (auto& part : e.parts) {
            auto s = string();
            if (!s) return std::unexpected(s.error());
            part = *s;
        }
        if (m_previous && !(*m_previous < e.parts[0])) return std::unexpected(damaged("field names out of order"));
        m_previous = e.parts[0];
        e.whole = begin.substr(0, begin.size() - m_rest.size());
        return e;
    }

private:
    SyncResult<std::string_view> string() {
        std::uint64_t n = 0;
        for (int shift = 0;; shift += 7) {
            if (m_rest.empty() || shift > 28) return std::unexpected(damaged("bad length"));
            const auto byte = static_cast<unsigned char>(m_rest.front());
            m_rest.remove_prefix(1);
            n |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
            if ((byte & 0x80) == 0) break;
        }
        if (n > m_rest.size()) return std::unexpected(damaged("truncated"));
        const std::string_view s = m_rest.substr(0, n);
        m_rest.remove_prefix(n);
        return s;
    }

    std::string_view m_rest;
    std::optional<std::string_view> m_previous;
};

}  // namespace

std::string encodeRecordFields(const RecordFields& fields) {
    std::string out;
    if (fields.empty()) return out;
    out.push_back(static_cast<char>(kFormat));
    for (const auto& [name, field] : fields) putEntry(out, name, field);
    return out;
}

SyncResult<RecordFields> decodeRecordFields(std::string_view blob) {
    RecordFields out;
    Reader reader(blob);
    if (auto r = reader.start(); !r) return std::unexpected(r.error());
    for (;;) {
        auto entry = reader.next();
        if (!entry) return std::unexpected(entry.error());
        if (!*entry) break;
        const auto& p = (*entry)->parts;
        out.emplace_hint(
            out.end(), std::string(p[0]),
            StoredField{std::string(p[1]), std::string(p[2]), std::string(p[3]), std::string(p[4]), std::string(p[5])});
    }
    return out;
}

SyncResult<std::string> patchRecordFields(std::string_view blob, const std::vector<const FieldWrite*>& writes) {
    std::string out;
    out.reserve(blob.size() + 64 * writes.size() + 1);
    out.push_back(static_cast<char>(kFormat));
    Reader reader(blob);
    if (auto r = reader.start(); !r) return std::unexpected(r.error());
    auto write = writes.begin();
    for (;;) {
        auto entry = reader.next();
        if (!entry) return std::unexpected(entry.error());
        if (!*entry) break;
        const std::string_view name = (*entry)->parts[0];
        for (; write != writes.end() && std::string_view((*write)->field) < name; ++write)
            putEntry(out, (*write)->field, (*write)->state);
        if (write != writes.end() && (*write)->field == name) {
            putEntry(out, name, (*write)->state);
            ++write;
        } else {
            out.append((*entry)->whole);
        }
    }
    for (; write != writes.end(); ++write) putEntry(out, (*write)->field, (*write)->state);
    if (out.size() == 1) out.clear();
    return out;
}

}  // namespace chasqui::sync
