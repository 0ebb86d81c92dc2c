#pragma once
// The columns `chasqui import persons` understands (README, "Importing an
// existing registry"): our own names, a few aliases, and the layout of a
// Kobo/ODK export, whose headers carry group paths ("group_person/given_names",
// "person-given_names": the last segment counts) and meta columns ("_index",
// "_submission_time", "start", "deviceid"...: ignored). Kobo's "_uuid" (else
// "_id") stands in for source_id when the file has no source_id column.
// Header names are not personal data; they may appear in messages. Pure
// functions, thread-safe.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/error.hpp"

namespace chasqui::storage {

enum class ImportColumn : std::size_t {
    SourceId,
    GivenNames,
    FamilyName1,
    FamilyName2,
    Sex,
    GenderIdentity,
    BirthDate,
    BirthDateEstimated,
    Nationality,
    DocumentType,
    DocumentNumber,
    Phone,
    Languages,
    PopulationType,
    MigrationStatus,
    ArrivalDate,
    Disability,
    HouseholdKey,
    RelationToHead,
    HouseholdDistrict,
    CaseStatus,
    Priority,
    Vulnerabilities,
    Needs,
    Consent,
    ConsentDate,
    ConsentScope,
    OpenedDate,
    ClosedDate,
    Count
};
inline constexpr std::size_t kImportColumnCount = static_cast<std::size_t>(ImportColumn::Count);

// The column's name as the README documents it ("document_number").
std::string_view importColumnName(ImportColumn column);

struct ImportColumnMap {
    static constexpr int kMissing = -1;
    // Index in the row of each column, or kMissing.
    std::array<int, kImportColumnCount> index{};
    std::size_t headerSize = 0;
    // Header cells that name nothing we know (not Kobo meta either): ignored,
    // listed so the supervisor sees what was left out.
    std::vector<std::string> ignored;
    int at(ImportColumn column) const { return index[static_cast<std::size_t>(column)]; }
};

// Maps a header row. Fails with InvalidInput when no cell names a known
// column (field "header"), when two cells name the same column (field: the
// column), or when a column every person needs is missing (field: the column):
// source_id (or Kobo's _uuid/_id), given_names, family_name_1, sex, birth_date,
// nationality, population_type.
Result<ImportColumnMap> mapImportColumns(const std::vector<std::string>& header);

}  // namespace chasqui::storage
