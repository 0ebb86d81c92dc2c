#include "storage/base/csv.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace chasqui::storage {

namespace {

class CsvParser {
public:
    explicit CsvParser(std::string_view text) : m_text(text) {}

    Result<std::vector<CsvRecord>> run() {
        std::vector<CsvRecord> records;
        while (m_pos < m_text.size()) {
            CsvRecord record;
            record.line = m_line;
            for (;;) {
                auto field = atQuote() ? quotedField() : plainField();
                if (!field) return std::unexpected(field.error());
                record.fields.push_back(std::move(*field));
                if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                    ++m_pos;
                    continue;  // a trailing comma still opens one (empty) field
                }
                skipLineBreak();
                break;
            }
            records.push_back(std::move(record));
        }
        return records;
    }

private:
    bool atQuote() const { return m_pos < m_text.size() && m_text[m_pos] == '"'; }

    // LF, CRLF, or a lone CR as the very last byte.
    bool atLineBreak() const {
        if (m_pos >= m_text.size()) return false;
        const char c = m_text[m_pos];
        if (c == '\n') return true;
        return c == '\r' && (m_pos + 1 == m_text.size() || m_text[m_pos + 1] == '\n');
    }

    void skipLineBreak() {
        if (m_pos < m_text.size() && m_text[m_pos] == '\r') ++m_pos;
        if (m_pos < m_text.size() && m_text[m_pos] == '\n') {
            ++m_pos;
            ++m_line;
        }
    }

    Result<std::string> plainField() {
        std::string field;
        while (m_pos < m_text.size() && m_text[m_pos] != ',' && !atLineBreak()) {
            if (m_text[m_pos] == '"') {
                return invalid("csv", fmt::format("line {}: a quote (\") in the middle of a field; put the whole "
                                                  "field in quotes and write the quote twice (\"\")",
                                                  m_line));
            }
            field += m_text[m_pos++];
        }
        return field;
    }

    Result<std::string> quotedField() {
        const int startLine = m_line;
        std::string field;
        ++m_pos;  // opening quote
        for (;;) {
            if (m_pos >= m_text.size()) {
                return invalid("csv", fmt::format("line {}: a quoted field starts here and is never closed; "
                                                  "add the closing quote (\")",
                                                  startLine));
            }
            const char c = m_text[m_pos];
            if (c == '"') {
                if (m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '"') {
                    field += '"';
                    m_pos += 2;
                    continue;
                }
                ++m_pos;
                break;
            }
            if (c == '\r' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '\n') {
                ++m_pos;  // keep line breaks inside fields as plain "\n"
                continue;
            }
            if (c == '\n') ++m_line;
            field += c;
            ++m_pos;
        }
        if (m_pos < m_text.size() && m_text[m_pos] != ',' && !atLineBreak()) {
            return invalid("csv", fmt::format("line {}: text after the closing quote of a field; a quote inside a "
                                              "quoted field must be written twice (\"\")",
                                              m_line));
        }
        return field;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
    int m_line = 1;
};

}  // namespace

CsvReader::CsvReader(std::istream& in, char separator, CsvLimits limits, int firstLine)
    : m_buf(in.rdbuf()), m_sep(separator), m_limits(limits), m_line(firstLine) {}

int CsvReader::get() {
    if (m_buf == nullptr) return EOF;
    const int c = m_buf->sbumpc();
    return c == std::char_traits<char>::eof() ? EOF : c;
}

int CsvReader::peek() {
    if (m_buf == nullptr) return EOF;
    const int c = m_buf->sgetc();
    return c == std::char_traits<char>::eof() ? EOF : c;
}

std::unexpected<Error> CsvReader::tooLong(int line, std::string_view what) const {
    return invalid("csv", fmt::format("line {}: {}; is this the right file, saved as CSV?", line, what));
}

Result<std::optional<CsvRecord>> CsvReader::next() {
    if (peek() == EOF) return std::optional<CsvRecord>{};
    CsvRecord record;
    record.line = m_line;
    std::size_t recordBytes = 0;
    std::string field;
    bool quoted = false;      // inside a quoted field
    bool afterQuote = false;  // a quoted field was closed: only a separator or a line break may follow
    int quoteLine = m_line;
    auto endField = [&]() -> Result<void> {
        if (record.fields.size() >= m_limits.maxFields) return tooLong(record.line, "too many columns in one row");
        record.fields.push_back(std::move(field));
        field.clear();
        afterQuote = false;
        return {};
    };
    for (;;) {
        const int c = get();
        if (c == EOF) {
            if (quoted) {
                return invalid("csv", fmt::format("line {}: a quoted field starts here and is never closed (the file "
                                                  "may be cut short); add the closing quote (\")",
                                                  quoteLine));
            }
            if (auto r = endField(); !r) return std::unexpected(r.error());
            return std::optional<CsvRecord>(std::move(record));
        }
        if (++recordBytes > m_limits.maxRecordBytes)
            return tooLong(record.line, fmt::format("a row longer than {} bytes", m_limits.maxRecordBytes));
        const char ch = static_cast<char>(c);
        if (quoted) {
            if (ch == '"') {
                if (peek() == '"') {
                    get();
                    field += '"';
                } else {
                    quoted = false;
                    afterQuote = true;
                }
                continue;
            }
            if (ch == '\r' && peek() == '\n') continue;  // CRLF inside a field is kept as "\n"
            if (ch == '\n') ++m_line;
            field += ch;
        } else if (ch == m_sep) {
            if (auto r = endField(); !r) return std::unexpected(r.error());
            continue;
        } else if (ch == '\n' || (ch == '\r' && (peek() == '\n' || peek() == EOF))) {
            if (ch == '\r') get();
            ++m_line;
            if (auto r = endField(); !r) return std::unexpected(r.error());
            return std::optional<CsvRecord>(std::move(record));
        } else if (afterQuote) {
            return invalid("csv", fmt::format("line {}: text after the closing quote of a field; a quote inside a "
                                              "quoted field must be written twice (\"\")",
                                              m_line));
        } else if (ch == '"') {
            if (!field.empty()) {
                return invalid("csv", fmt::format("line {}: a quote (\") in the middle of a field; put the whole "
                                                  "field in quotes and write the quote twice (\"\")",
                                                  m_line));
            }
            quoted = true;
            quoteLine = m_line;
            continue;
        } else {
            field += ch;
        }
        if (field.size() > m_limits.maxFieldBytes)
            return tooLong(m_line, fmt::format("a field longer than {} bytes", m_limits.maxFieldBytes));
    }
}

char detectSeparator(std::string_view headerLine) {
    std::size_t commas = 0, semicolons = 0;
    bool quoted = false;
    for (const char c : headerLine) {
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        if (c == ',') ++commas;
        if (c == ';') ++semicolons;
    }
    return semicolons > commas ? ';' : ',';
}

bool CsvRecord::blank() const {
    return std::all_of(fields.begin(), fields.end(), [](const std::string& f) { return f.empty(); });
}

Result<std::vector<CsvRecord>> parseCsv(std::string_view text) {
    return CsvParser(text).run();
}

std::string csvEscape(std::string_view field) {
    const bool needsQuotes = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                             (!field.empty() && (field.front() == ' ' || field.back() == ' '));
    if (!needsQuotes) return std::string(field);
    std::string out;
    out.reserve(field.size() + 2);
    out += '"';
    for (const char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string spreadsheetSafe(std::string_view text) {
    if (text.empty() || std::string_view("=+-@\t\r").find(text.front()) == std::string_view::npos)
        return std::string(text);
    return "'" + std::string(text);
}

std::string csvRow(std::span<const std::string> fields) {
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ',';
        out += csvEscape(fields[i]);
    }
    out += "\r\n";
    return out;
}

}  // namespace chasqui::storage
