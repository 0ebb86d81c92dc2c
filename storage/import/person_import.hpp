#pragma once
// Importing persons from an existing registry (a CSV file, or a Kobo/ODK
// export of one): `chasqui import persons`. The columns are in
// person_columns.hpp and the README ("Importing an existing registry").
//
// Rules:
// - The file is read twice, streaming, in memory bounded by CsvLimits (plus
//   8 bytes per row for the source ids). The first pass checks the CSV itself:
//   a file that is not CSV, cut short inside a quoted field, with a field or a
//   row over the limits, or with a header naming no known column is refused
//   whole, before anything is written.
// - Every row is validated like a registration (storage's validatePerson and
//   validateCase, plus the household rules). A bad row is refused and named
//   by line and column, never by value (it may be personal data); the good
//   rows are imported. Fixing the bad rows and importing the same file again
//   adds just them.
// - Idempotent by source_id: a row whose source_id is already on this kiosk is
//   skipped and counted as already imported; a row without one is refused; a
//   source_id on two rows of the file refuses both.
// - One transaction per batch (ImportOptions::batchSize rows): person,
//   household, case, audit entries and sync changes, all through the
//   repositories and RecordWriter like a registration. A crash loses at most
//   the batch being written; importing the file again completes it.
// - Rows with the same household_key land in one household; the row whose
//   relation_to_head is "head" heads it (one per household); each person gets
//   a case, as a registration opens one.
// - Only supervisors and administrators may import (PermissionDenied).
//
// Errors: InvalidInput (field "csv", "header", "file" or a column) for a file
// refused whole, NotFound / Io when it cannot be read, and the store's errors.
// Bad rows are not errors: they are in ImportSummary::problems.
// One thread: the store's.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "storage/base/csv.hpp"
#include "storage/base/error.hpp"
#include "storage/db/personal_store.hpp"

namespace chasqui::storage {

struct ImportProblem {
    int line = 0;         // where the row starts in the file
    std::string column;   // the column as the README names it ("document_number")
    std::string message;  // what is wrong, without the value
};

struct ImportOptions {
    bool dryRun = false;                   // validate and count; write nothing
    int batchSize = 500;                   // rows per transaction
    std::size_t maxListedProblems = 1000;  // more are counted, not listed
    CsvLimits limits{};
    // Called after each batch (done rows, all rows): for a progress line.
    std::function<void(long done, long total)> progress;
};

struct ImportSummary {
    long rows = 0;                        // data rows in the file (blank rows not counted)
    long added = 0;                       // persons imported now (or, with dryRun, that would be)
    long alreadyImported = 0;             // source_id already on this kiosk
    long invalid = 0;                     // rows refused
    long households = 0;                  // households started
    std::vector<ImportProblem> problems;  // one per refused row, in file order (capped)
    std::vector<std::string> ignoredColumns;
};

Result<ImportSummary> importPersons(PersonalStore& store, const std::filesystem::path& file,
                                    const ImportOptions& options);

}  // namespace chasqui::storage
