#include "storage/import/person_columns.hpp"

#include <algorithm>
#include <initializer_list>

#include <fmt/format.h>

#include "storage/base/text.hpp"

namespace chasqui::storage {

namespace {

using C = ImportColumn;

struct ColumnName {
    ImportColumn column;
    std::string_view name;  // first: the documented name; the rest: aliases
};

// Aliases are the model's own column names and the words other registries use.
constexpr std::array kNames{
    ColumnName{C::SourceId, "source_id"},
    ColumnName{C::GivenNames, "given_names"},
    ColumnName{C::GivenNames, "nombres"},
    ColumnName{C::FamilyName1, "family_name_1"},
    ColumnName{C::FamilyName1, "apellido_paterno"},
    ColumnName{C::FamilyName2, "family_name_2"},
    ColumnName{C::FamilyName2, "apellido_materno"},
    ColumnName{C::Sex, "sex"},
    ColumnName{C::GenderIdentity, "gender_identity"},
    ColumnName{C::BirthDate, "birth_date"},
    ColumnName{C::BirthDateEstimated, "birth_date_estimated"},
    ColumnName{C::Nationality, "nationality"},
    ColumnName{C::DocumentType, "document_type"},
    ColumnName{C::DocumentType, "doc_type"},
    ColumnName{C::DocumentNumber, "document_number"},
    ColumnName{C::DocumentNumber, "doc_number"},
    ColumnName{C::Phone, "phone"},
    ColumnName{C::Languages, "languages"},
    ColumnName{C::PopulationType, "population_type"},
    ColumnName{C::MigrationStatus, "migration_status"},
    ColumnName{C::ArrivalDate, "arrival_date"},
    ColumnName{C::Disability, "disability"},
    ColumnName{C::HouseholdKey, "household_key"},
    ColumnName{C::HouseholdKey, "household_source_id"},
    ColumnName{C::RelationToHead, "relation_to_head"},
    ColumnName{C::HouseholdDistrict, "household_district"},
    ColumnName{C::CaseStatus, "case_status"},
    ColumnName{C::Priority, "priority"},
    ColumnName{C::Vulnerabilities, "vulnerabilities"},
    ColumnName{C::Needs, "needs"},
    ColumnName{C::Consent, "consent"},
    ColumnName{C::ConsentDate, "consent_date"},
    ColumnName{C::ConsentScope, "consent_scope"},
    ColumnName{C::OpenedDate, "opened_date"},
    ColumnName{C::ClosedDate, "closed_date"},
};

// Columns every Kobo/ODK form carries about the submission, not the person.
constexpr std::array<std::string_view, 12> kKoboMeta{"start",      "end",          "today",        "deviceid",
                                                     "username",   "simserial",    "subscriberid", "phonenumber",
                                                     "instanceid", "instancename", "audit",        "__version__"};

constexpr std::array kRequired{C::GivenNames, C::FamilyName1, C::Sex, C::BirthDate, C::Nationality, C::PopulationType};

std::string lowerAscii(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string_view lastSegment(std::string_view name, char separator) {
    const auto at = name.rfind(separator);
    return at == std::string_view::npos ? name : name.substr(at + 1);
}

const ColumnName* findName(std::string_view name) {
    const auto it = std::find_if(kNames.begin(), kNames.end(), [&](const ColumnName& n) { return n.name == name; });
    return it == kNames.end() ? nullptr : &*it;
}

}  // namespace

std::string_view importColumnName(ImportColumn column) {
    for (const ColumnName& n : kNames)
        if (n.column == column) return n.name;
    return "?";
}

Result<ImportColumnMap> mapImportColumns(const std::vector<std::string>& header) {
    ImportColumnMap map;
    map.index.fill(ImportColumnMap::kMissing);
    map.headerSize = header.size();
    int koboUuid = ImportColumnMap::kMissing;
    int koboId = ImportColumnMap::kMissing;
    bool anyKnown = false;
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (!isValidUtf8(header[i]))
            return invalid("header",
                           "line 1: the header is not UTF-8 text; save the file as "
                           "CSV UTF-8");
        const std::string full = lowerAscii(trimmed(header[i]));
        // "group_person/given_names" (Kobo), "person-given_names" (ODK Central).
        std::string_view name = lastSegment(full, '/');
        const ColumnName* known = findName(name);
        if (known == nullptr && findName(lastSegment(name, '-')) != nullptr) {
            name = lastSegment(name, '-');
            known = findName(name);
        }
        const int at = static_cast<int>(i);
        if (known != nullptr) {
            auto& slot = map.index[static_cast<std::size_t>(known->column)];
            if (slot != ImportColumnMap::kMissing) {
                return invalid(std::string(importColumnName(known->column)),
                               fmt::format("line 1: two columns of the header mean {}; keep one",
                                           importColumnName(known->column)));
            }
            slot = at;
            anyKnown = true;
        } else if (name == "_uuid") {
            koboUuid = at;
        } else if (name == "_id") {
            koboId = at;
        } else if (name.empty() || name.front() == '_' ||
                   std::find(kKoboMeta.begin(), kKoboMeta.end(), name) != kKoboMeta.end()) {
            // Kobo/ODK bookkeeping (_index, _submission_time, _validation_status...).
        } else {
            map.ignored.push_back(std::string(trimmed(header[i])).substr(0, 80));
        }
    }
    if (!anyKnown) {
        return invalid("header",
                       "line 1: the header names none of the columns Chasqui imports (source_id, given_names, "
                       "family_name_1, sex, birth_date, nationality, population_type...); is the first line the "
                       "header, and is this the right file?");
    }
    auto& source = map.index[static_cast<std::size_t>(C::SourceId)];
    if (source == ImportColumnMap::kMissing) source = koboUuid != ImportColumnMap::kMissing ? koboUuid : koboId;
    if (source == ImportColumnMap::kMissing) {
        return invalid("source_id",
                       "the file has no source_id column (nor Kobo's _uuid or _id): every row needs the id it had in "
                       "its registry, so that importing it again adds nothing");
    }
    for (const ImportColumn column : kRequired) {
        if (map.at(column) == ImportColumnMap::kMissing) {
            return invalid(std::string(importColumnName(column)),
                           fmt::format("the file has no {} column; every person needs one", importColumnName(column)));
        }
    }
    return map;
}

}  // namespace chasqui::storage
