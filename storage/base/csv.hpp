#pragma once
// RFC 4180 CSV: a reader that keeps the line number where each record starts
// (so an importer can point a person at the offending row) and a writer helper.
// Pure functions, thread-safe.
#include <cstddef>
#include <istream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/error.hpp"

namespace chasqui::storage {

struct CsvRecord {
    int line = 0;  // 1-based line of the file where the record starts
    std::vector<std::string> fields;
    // True for an empty line or a row of empty fields (",,,"), which
    // spreadsheets leave behind; importers usually skip these.
    bool blank() const;
};

// Parses the whole text. Fields are separated by ',', records by LF or CRLF;
// a field in double quotes may hold commas, line breaks and doubled quotes
// (""). A CRLF inside a quoted field is returned as "\n". A final line break
// does not make an extra record. Fails with InvalidInput (field "csv") and the
// line number for an unterminated quote, text after a closing quote, or a
// quote inside an unquoted field. Does not check UTF-8 or column counts.
Result<std::vector<CsvRecord>> parseCsv(std::string_view text);

// Caps that keep a streamed file from taking unbounded memory: a longer field
// or record, or more fields, fail with InvalidInput naming the line.
struct CsvLimits {
    std::size_t maxFieldBytes = 4096;
    std::size_t maxRecordBytes = 64 * 1024;
    std::size_t maxFields = 256;
};

// The same grammar as parseCsv, read one record at a time from a stream, so a
// file of any length is read in memory bounded by `limits`, with a chosen
// separator (',' or ';'). The stream is the caller's and must outlive the
// reader. Errors name the line only, never the text: a CSV of persons holds
// personal data. One thread.
class CsvReader {
public:
    CsvReader(std::istream& in, char separator, CsvLimits limits = {}, int firstLine = 1);
    // The next record, or nullopt at the end of the input. After an error the
    // reader is not usable (a read error of the stream looks like its end).
    Result<std::optional<CsvRecord>> next();
    // The line the next record starts on.
    int line() const { return m_line; }

private:
    int get();   // next byte or EOF
    int peek();  // next byte without taking it, or EOF
    std::unexpected<Error> tooLong(int line, std::string_view what) const;

    std::streambuf* m_buf;
    char m_sep;
    CsvLimits m_limits;
    int m_line;
};

// ',' or ';': whichever appears more often outside quotes in `headerLine`
// (',' on a tie, e.g. a single column).
char detectSeparator(std::string_view headerLine);

// One field as RFC 4180 wants it: quoted (with quotes doubled) when it holds a
// comma, quote, line break or leading/trailing space, unchanged otherwise.
// It does not defuse spreadsheet formulas: see spreadsheetSafe.
std::string csvEscape(std::string_view field);
// A text cell a spreadsheet will not run: one that starts with = + - @, a tab
// or a carriage return gets a leading apostrophe (OWASP's advice for CSV
// injection), anything else is returned as it is. For exports people open in
// a spreadsheet; not for files Chasqui reads back.
std::string spreadsheetSafe(std::string_view text);
// A whole record: escaped fields joined by ',' and ended by CRLF.
std::string csvRow(std::span<const std::string> fields);

}  // namespace chasqui::storage
