#include "storage/import/person_import.hpp"

#include <algorithm>
#include <fstream>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "storage/base/text.hpp"
#include "storage/base/validation.hpp"
#include "storage/base/vocabulary.hpp"
#include "storage/import/person_columns.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"

namespace chasqui::storage {

namespace {

using C = ImportColumn;

// A valid id that stands for "the person being imported" while a case is
// validated before the person exists.
constexpr const char* kPlaceholderId = "00000000-0000-7000-8000-000000000000";
constexpr std::size_t kMaxSourceIdBytes = 64;

// One data row, mapped onto the model.
struct ImportRow {
    std::string sourceId;
    Person person;
    Case record;
    std::string householdKey;
    std::string householdDistrict;
};

struct RowProblem {
    std::string column;
    std::string message;
};

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string lowerAscii(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// Codes of a multi-valued cell: Kobo separates a select_multiple's choices by
// spaces; spreadsheets use '|', ',' or ';'.
std::vector<std::string> splitList(std::string_view cell) {
    std::vector<std::string> out;
    std::string item;
    for (const char c : cell) {
        if (c == ' ' || c == '|' || c == ',' || c == ';') {
            if (!item.empty()) out.push_back(std::move(item));
            item.clear();
        } else {
            item += c;
        }
    }
    if (!item.empty()) out.push_back(std::move(item));
    return out;
}

// yes/no in the spellings registries use; nullopt for anything else.
std::optional<bool> parseYesNo(std::string_view cell) {
    const std::string v = lowerAscii(cell);
    if (v == "1" || v == "yes" || v == "true" || v == "si" || v == "s\xc3\xad" || v == "y") return true;
    if (v == "0" || v == "no" || v == "false" || v == "n") return false;
    return std::nullopt;
}

// The column a model field is read from ("doc_number" -> "document_number").
std::string columnOf(std::string_view field) {
    if (field == "doc_type") return "document_type";
    if (field == "doc_number") return "document_number";
    if (field == "status") return "case_status";
    if (field == "district") return "household_district";
    if (field == "person_id" || field == "household_id" || field == "office_id") return "household_key";
    return std::string(field);
}

// A validator's message without the value it quotes: a row's values may be
// personal data and must not reach a terminal or a log. When the value is
// still in the message, a generic one replaces it.
std::string valueFree(std::string message, std::string_view value) {
    if (const auto got = message.find(" (got \""); got != std::string::npos) message.erase(got);
    const auto leaks = [&](std::string_view v) { return !v.empty() && message.find(v) != std::string::npos; };
    bool leaked = leaks(value);
    for (const std::string& item : splitList(value)) leaked = leaked || leaks(item);
    if (leaked) return "is not valid; see the README's table of columns for what it may hold";
    return message;
}

class RowMapper {
public:
    RowMapper(const ImportColumnMap& map, std::string today, std::string officeId)
        : m_map(map), m_today(std::move(today)), m_officeId(std::move(officeId)) {}

    // The row as a person, household and case, or the first problem found.
    std::variant<ImportRow, RowProblem> map(const CsvRecord& record) const {
        if (record.fields.size() != m_map.headerSize) {
            return RowProblem{"csv", fmt::format("this row has {} columns and the header {}; a value holding the "
                                                 "separator must be in quotes",
                                                 record.fields.size(), m_map.headerSize)};
        }
        for (std::size_t i = 0; i < record.fields.size(); ++i) {
            if (!isValidUtf8(record.fields[i])) {
                return RowProblem{columnAt(i), "is not UTF-8 text; save the file as CSV UTF-8"};
            }
        }
        ImportRow row;
        row.sourceId = cell(record, C::SourceId);
        Person& p = row.person;
        p.givenNames = cell(record, C::GivenNames);
        p.familyName1 = cell(record, C::FamilyName1);
        p.familyName2 = cell(record, C::FamilyName2);
        p.sex = cell(record, C::Sex);
        p.genderIdentity = cell(record, C::GenderIdentity);
        p.birthDate = cell(record, C::BirthDate);
        p.nationality = cell(record, C::Nationality);
        p.docType = cell(record, C::DocumentType);
        if (p.docType.empty()) p.docType = "none";
        p.docNumber = cell(record, C::DocumentNumber);
        p.phone = cell(record, C::Phone);
        p.languages = splitList(cell(record, C::Languages));
        p.populationType = cell(record, C::PopulationType);
        p.migrationStatus = cell(record, C::MigrationStatus);
        if (p.migrationStatus.empty()) p.migrationStatus = "unknown";
        p.arrivalDate = cell(record, C::ArrivalDate);
        p.disability = cell(record, C::Disability);
        p.relationToHead = cell(record, C::RelationToHead);
        row.householdKey = cell(record, C::HouseholdKey);
        row.householdDistrict = cell(record, C::HouseholdDistrict);
        if (const std::string estimated = cell(record, C::BirthDateEstimated); !estimated.empty()) {
            const auto yes = parseYesNo(estimated);
            if (!yes) return RowProblem{"birth_date_estimated", "must be yes or no (1 or 0)"};
            p.birthDateEstimated = *yes;
        }

        Case& c = row.record;
        c.personId = kPlaceholderId;
        c.officeId = m_officeId;
        if (auto v = cell(record, C::CaseStatus); !v.empty()) c.status = v;
        if (auto v = cell(record, C::Priority); !v.empty()) c.priority = v;
        c.vulnerabilities = splitList(cell(record, C::Vulnerabilities));
        c.needs = splitList(cell(record, C::Needs));
        c.openedDate = cell(record, C::OpenedDate);
        if (c.openedDate.empty()) c.openedDate = m_today;
        c.closedDate = cell(record, C::ClosedDate);
        // The wizard asks given | refused; a registry without the column has
        // no consent on record, which is kept as refused (nothing shared).
        if (const std::string consent = lowerAscii(cell(record, C::Consent)); !consent.empty()) {
            if (consent == "given") {
                c.consent.given = true;
            } else if (consent != "refused") {
                const auto yes = parseYesNo(consent);
                if (!yes) return RowProblem{"consent", "must be given or refused"};
                c.consent.given = *yes;
            }
        }
        c.consent.date = cell(record, C::ConsentDate);
        c.consent.scope = splitList(cell(record, C::ConsentScope));

        if (auto problem = check(record, row)) return *problem;
        return row;
    }

private:
    std::string cell(const CsvRecord& record, ImportColumn column) const {
        const int at = m_map.at(column);
        if (at == ImportColumnMap::kMissing) return {};
        return std::string(trimmed(record.fields[static_cast<std::size_t>(at)]));
    }

    std::string columnAt(std::size_t index) const {
        for (std::size_t c = 0; c < kImportColumnCount; ++c)
            if (m_map.index[c] == static_cast<int>(index)) return std::string(importColumnName(ImportColumn(c)));
        return "csv";
    }

    RowProblem problem(const CsvRecord& record, const Error& error) const {
        const std::string column = columnOf(error.field);
        std::string value;
        for (std::size_t c = 0; c < kImportColumnCount; ++c) {
            if (importColumnName(ImportColumn(c)) == column) value = cell(record, ImportColumn(c));
        }
        return RowProblem{column, valueFree(error.message, value)};
    }

    std::optional<RowProblem> check(const CsvRecord& record, const ImportRow& row) const {
        if (row.sourceId.empty())
            return RowProblem{"source_id",
                              "is empty; a row without the id it had in its registry cannot be imported "
                              "(importing the file again would add it twice)"};
        if (row.sourceId.size() > kMaxSourceIdBytes || hasControlChars(row.sourceId, false))
            return RowProblem{"source_id", fmt::format("must be at most {} bytes of text", kMaxSourceIdBytes)};
        if (row.householdKey.size() > kMaxSourceIdBytes || hasControlChars(row.householdKey, false))
            return RowProblem{"household_key", fmt::format("must be at most {} bytes of text", kMaxSourceIdBytes)};
        if (auto r = validatePerson(row.person, m_today); !r) return problem(record, r.error());
        if (row.householdKey.empty()) {
            if (!row.person.relationToHead.empty())
                return RowProblem{"relation_to_head",
                                  "is set but household_key is empty; a relation is to the head "
                                  "of a household"};
            if (!row.householdDistrict.empty())
                return RowProblem{"household_district", "is set but household_key is empty"};
        } else {
            if (!vocab::contains(vocab::relationsToHead(), row.person.relationToHead))
                return RowProblem{"relation_to_head", fmt::format("must be one of: {} (a row with a household_key "
                                                                  "needs one)",
                                                                  vocab::joinForMessage(vocab::relationsToHead()))};
            Household home;
            home.district = row.householdDistrict;
            if (auto r = validateHousehold(home); !r) return problem(record, r.error());
        }
        if (auto r = validateCase(row.record, m_today); !r) return problem(record, r.error());
        return std::nullopt;
    }

    const ImportColumnMap& m_map;
    std::string m_today;
    std::string m_officeId;
};

std::size_t hashOf(std::string_view text) {
    return std::hash<std::string_view>{}(text);
}

// The file opened past its byte order mark, with the separator its header uses.
struct OpenedFile {
    std::ifstream in;
    std::streampos start = 0;
    char separator = ',';
};

Result<void> openFile(const std::filesystem::path& path, std::size_t maxRecordBytes, OpenedFile& file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return fail(ErrorCode::NotFound, "the file to import does not exist or is not a regular file", "file");
    file.in.open(path, std::ios::binary);
    if (!file.in) return fail(ErrorCode::Io, "the file to import cannot be opened (permissions?)", "file");
    char bom[3] = {};
    file.in.read(bom, 3);
    const bool hasBom = file.in.gcount() == 3 && bom[0] == '\xEF' && bom[1] == '\xBB' && bom[2] == '\xBF';
    file.in.clear();
    file.start = hasBom ? 3 : 0;
    file.in.seekg(file.start);
    std::string header;
    for (int c = file.in.get(); c != EOF && c != '\n' && header.size() <= maxRecordBytes; c = file.in.get())
        header += static_cast<char>(c);
    if (header.empty() || header == "\r")
        return invalid("file", "the file is empty or its first line is; it needs a header naming its columns");
    file.separator = detectSeparator(header);
    file.in.clear();
    file.in.seekg(file.start);
    return {};
}

class Importer {
public:
    Importer(PersonalStore& store, const ImportOptions& options) : m_store(store), m_options(options) {}

    Result<ImportSummary> run(const std::filesystem::path& path) {
        if (!m_store.session().isSupervisor())
            return fail(ErrorCode::PermissionDenied, "only a supervisor or an administrator may import a registry");
        OpenedFile file;
        if (auto r = openFile(path, m_options.limits.maxRecordBytes, file); !r) return std::unexpected(r.error());
        CsvReader reader(file.in, file.separator, m_options.limits);
        auto header = reader.next();
        if (!header) return std::unexpected(header.error());
        if (!*header) return invalid("file", "the file is empty; it needs a header naming its columns");
        auto map = mapImportColumns((*header)->fields);
        if (!map) return std::unexpected(map.error());
        m_map = std::move(*map);
        m_summary.ignoredColumns = m_map.ignored;
        if (auto r = scan(reader); !r) return std::unexpected(r.error());

        // Second pass: map, validate and write.
        file.in.clear();
        file.in.seekg(file.start);
        CsvReader rows(file.in, file.separator, m_options.limits);
        if (auto skip = rows.next(); !skip) return std::unexpected(skip.error());
        const RowMapper mapper(m_map, m_store.today(), m_store.session().officeId);
        bool done = false;
        while (!done) {
            long inBatch = 0;
            auto batch = [&](RecordWriter* writer) -> Result<void> {
                while (inBatch < m_options.batchSize) {
                    auto record = rows.next();
                    if (!record) return std::unexpected(record.error());
                    if (!*record) {
                        done = true;
                        return {};
                    }
                    if ((*record)->blank()) continue;
                    ++inBatch;
                    if (auto r = importRow(mapper, **record, writer); !r) return r;
                }
                return {};
            };
            const long before = m_done;
            Result<void> r =
                m_options.dryRun ? batch(nullptr) : m_store.writeVoid([&](RecordWriter& w) { return batch(&w); });
            if (!r) {
                m_done = before;
                return std::unexpected(r.error());
            }
            m_done += inBatch;
            if (!m_options.dryRun) m_heads.clear();  // committed: the store answers from now on
            if (m_options.progress && inBatch > 0) m_options.progress(m_done, m_summary.rows);
        }
        return std::move(m_summary);
    }

private:
    // First pass: the CSV is well formed, how many rows it has, and which
    // source ids appear more than once.
    Result<void> scan(CsvReader& reader) {
        std::vector<std::size_t> hashes;
        const int sourceAt = m_map.at(C::SourceId);
        for (;;) {
            auto record = reader.next();
            if (!record) return std::unexpected(record.error());
            if (!*record) break;
            if ((*record)->blank()) continue;
            ++m_summary.rows;
            const auto& fields = (*record)->fields;
            if (static_cast<std::size_t>(sourceAt) < fields.size()) {
                const auto id = trimmed(fields[static_cast<std::size_t>(sourceAt)]);
                if (!id.empty()) hashes.push_back(hashOf(id));
            }
        }
        std::sort(hashes.begin(), hashes.end());
        for (std::size_t i = 1; i < hashes.size(); ++i)
            if (hashes[i] == hashes[i - 1] && (m_repeated.empty() || m_repeated.back() != hashes[i]))
                m_repeated.push_back(hashes[i]);
        return {};
    }

    void refuse(int line, std::string column, std::string message) {
        ++m_summary.invalid;
        if (m_summary.problems.size() < m_options.maxListedProblems)
            m_summary.problems.push_back({line, std::move(column), std::move(message)});
    }

    // The household an earlier row or run started for `key`: id and head.
    // (The "<> ''" lets SQLite use the partial unique index.)
    Result<std::optional<std::pair<std::string, std::string>>> household(const std::string& key) {
        return m_store.db().readOne(
            "SELECT id, head_person_id FROM households WHERE source_id = ? AND source_id <> '' AND deleted = 0",
            [](const Stmt& s) { return std::make_pair(s.text(0), s.text(1)); }, key);
    }

    Result<void> importRow(const RowMapper& mapper, const CsvRecord& record, RecordWriter* writer) {
        auto mapped = mapper.map(record);
        if (auto* bad = std::get_if<RowProblem>(&mapped)) {
            refuse(record.line, std::move(bad->column), std::move(bad->message));
            return {};
        }
        ImportRow& row = std::get<ImportRow>(mapped);
        if (std::binary_search(m_repeated.begin(), m_repeated.end(), hashOf(row.sourceId))) {
            refuse(record.line, "source_id", "appears on more than one row of the file; none of them is imported");
            return {};
        }
        auto known = m_store.db().hasRow("SELECT 1 FROM persons WHERE source_id = ? AND source_id <> ''", row.sourceId);
        if (!known) return std::unexpected(known.error());
        if (*known) {
            ++m_summary.alreadyImported;
            return {};
        }
        std::optional<std::pair<std::string, std::string>> home;
        if (!row.householdKey.empty()) {
            auto found = household(row.householdKey);
            if (!found) return std::unexpected(found.error());
            home = std::move(*found);
            const bool head = row.person.relationToHead == "head";
            const std::size_t key = hashOf(row.householdKey);
            if (head && ((home && !home->second.empty()) || m_heads.count(key) > 0)) {
                refuse(record.line, "relation_to_head", "a household has one head and this household_key has one");
                return {};
            }
            if (head) m_heads.insert(key);
            if (!home && m_options.dryRun && m_newHouseholds.insert(key).second) ++m_summary.households;
        }
        ++m_summary.added;
        if (writer == nullptr) return {};
        return write(*writer, row, home);
    }

    Result<void> write(RecordWriter& w, ImportRow& row, std::optional<std::pair<std::string, std::string>>& home) {
        PersonRepository persons(m_store);
        if (!row.householdKey.empty() && !home) {
            Household h;
            h.district = row.householdDistrict;
            auto id = persons.addHousehold(w, h);
            if (!id) return std::unexpected(id.error());
            if (auto r = setSourceId("households", *id, row.householdKey); !r) return r;
            home = std::make_pair(*id, std::string());
            ++m_summary.households;
        }
        if (home) row.person.householdId = home->first;
        auto added = persons.add(w, row.person);
        if (!added) return std::unexpected(added.error());
        if (auto r = setSourceId("persons", added->id, row.sourceId); !r) return r;
        if (home && row.person.relationToHead == "head") {
            if (auto r = w.update("household", home->first, {{"head_person_id", added->id}}); !r)
                return std::unexpected(r.error());
        }
        row.record.personId = added->id;
        auto opened = CaseRepository(m_store).open(w, row.record);
        if (!opened) return std::unexpected(opened.error());
        return {};
    }

    // source_id is local to this kiosk (schema migration 9): not a synced
    // column, so it is set beside RecordWriter, in the same transaction.
    Result<void> setSourceId(std::string_view table, const std::string& id, const std::string& sourceId) {
        auto stmt = m_store.db().prepare(fmt::format("UPDATE {} SET source_id = ? WHERE id = ?", table));
        if (!stmt) return std::unexpected(stmt.error());
        stmt->bind(1, sourceId);
        stmt->bind(2, id);
        return stmt->run();
    }

    PersonalStore& m_store;
    const ImportOptions& m_options;
    ImportColumnMap m_map;
    ImportSummary m_summary;
    long m_done = 0;
    std::vector<std::size_t> m_repeated;              // hashes of source ids on more than one row
    std::unordered_set<std::size_t> m_heads;          // households headed in the batch being written
    std::unordered_set<std::size_t> m_newHouseholds;  // dry run: households that would be started
};

}  // namespace

Result<ImportSummary> importPersons(PersonalStore& store, const std::filesystem::path& file,
                                    const ImportOptions& options) {
    try {
        return Importer(store, options).run(file);
    } catch (const std::exception&) {
        // std::bad_alloc and stream failures: the batch being written rolled back.
        return fail(ErrorCode::Internal,
                    "the import stopped on an unexpected error; rows already committed stay "
                    "imported and importing the file again completes it");
    }
}

}  // namespace chasqui::storage
