#pragma once
// RFC 4180 CSV: a reader that keeps the line number where each record starts
// (so an importer can point a person at the offending row) and a writer helper.
// Pure functions, thread-safe.
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
