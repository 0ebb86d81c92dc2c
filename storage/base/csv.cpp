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
