// The CSV catalog format (assets/catalog/demo_catalog_sample.csv): one row per
// service and language. The service columns repeat on each row of a service
// and must agree; the text columns belong to the row's `lang`.
#include <algorithm>
#include <array>
#include <map>

#include <fmt/format.h>

#include "storage/base/csv.hpp"
#include "storage/base/text.hpp"
#include "storage/base/vocabulary.hpp"
#include "storage/catalog/catalog_import.hpp"
#include "storage/catalog/catalog_import_detail.hpp"

namespace chasqui::storage {

namespace {

using namespace catalog_detail;
using namespace std::string_view_literals;

// Columns by meaning; the file may order them as it likes.
enum Column : std::size_t {
    kId,
    kOrganization,
    kCategory,
    kDistrict,
    kDistrictName,
    kAddress,
    kPhone,
    kWhatsapp,
    kEmail,
    kLanguagesSpoken,
    kPopulations,
    kLastVerified,
    kLang,
    kName,
    kDescription,
    kHours,
    kRequirements,
    kCost,
    kColumnCount
};
constexpr std::array<std::string_view, kColumnCount> kColumnNames{
    "id"sv,          "organization"sv, "category"sv,         "district"sv,    "district_name"sv, "address"sv, "phone"sv,
    "whatsapp"sv,    "email"sv,        "languages_spoken"sv, "populations"sv, "last_verified"sv, "lang"sv,    "name"sv,
    "description"sv, "hours"sv,        "requirements"sv,     "cost"sv};
constexpr std::size_t kFirstTextColumn = kLang;

// Position of each column in the file, or the problems with the header.
bool mapHeader(const CsvRecord& header, std::array<std::size_t, kColumnCount>& at, Problems& problems) {
    std::array<bool, kColumnCount> seen{};
    bool ok = true;
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const auto it = std::find(kColumnNames.begin(), kColumnNames.end(), header.fields[i]);
        if (it == kColumnNames.end()) {
            problems.add(header.line, {},
                         fmt::format("unknown column {}; the columns are: {}", shown(header.fields[i]),
                                     vocab::joinForMessage(kColumnNames)));
            ok = false;
            continue;
        }
        const auto column = static_cast<std::size_t>(it - kColumnNames.begin());
        if (seen[column]) {
            problems.add(header.line, {}, fmt::format("column {} appears twice", *it));
            ok = false;
        }
        seen[column] = true;
        at[column] = i;
    }
    for (std::size_t c = 0; c < kColumnCount; ++c) {
        if (!seen[c]) {
            problems.add(header.line, {},
                         fmt::format("column {} is missing; the first row must name the columns: {}", kColumnNames[c],
                                     vocab::joinForMessage(kColumnNames)));
            ok = false;
        }
    }
    return ok;
}

class CsvCatalogBuilder {
public:
    CsvCatalogBuilder(const std::array<std::size_t, kColumnCount>& at, Problems& problems)
        : m_at(at), m_problems(problems) {}

    // False when the catalog has more services than accepted.
    bool addRow(const CsvRecord& row) {
        const std::string& id = field(row, kId);
        auto [it, added] = m_byId.emplace(id, m_services.size());
        if (added) {
            if (m_services.size() == kMaxCatalogServices) return false;
            m_services.push_back(serviceFrom(row));
            m_sources.push_back(ServiceSource{m_services.size() - 1, row.line, {}});
            m_firstRows.push_back(row);
        } else {
            compareServiceColumns(row, it->second);
        }
        addTexts(row, it->second);
        return true;
    }

    std::vector<Service>& services() { return m_services; }
    const std::vector<ServiceSource>& sources() const { return m_sources; }

private:
    const std::string& field(const CsvRecord& row, Column column) const { return row.fields[m_at[column]]; }

    Service serviceFrom(const CsvRecord& row) const {
        Service s;
        s.id = field(row, kId);
        s.organization = field(row, kOrganization);
        s.category = field(row, kCategory);
        s.district = field(row, kDistrict);
        s.districtName = field(row, kDistrictName);
        s.address = field(row, kAddress);
        s.phone = field(row, kPhone);
        s.whatsapp = field(row, kWhatsapp);
        s.email = field(row, kEmail);
        s.languagesSpoken = splitCodes(field(row, kLanguagesSpoken), ';');
        s.populations = splitCodes(field(row, kPopulations), ';');
        s.lastVerified = field(row, kLastVerified);
        return s;
    }

    void compareServiceColumns(const CsvRecord& row, std::size_t index) {
        const CsvRecord& first = m_firstRows[index];
        for (std::size_t c = 0; c < kFirstTextColumn; ++c) {
            const auto column = static_cast<Column>(c);
            if (field(row, column) != field(first, column)) {
                m_problems.add(row.line, serviceLabel(field(row, kId), index),
                               fmt::format("column {} differs from line {}; every row of a service must repeat the "
                                           "same service columns (only lang and the texts change)",
                                           kColumnNames[c], first.line));
            }
        }
    }

    void addTexts(const CsvRecord& row, std::size_t index) {
        const std::string& lang = field(row, kLang);
        ServiceSource& source = m_sources[index];
        const auto [it, added] = source.textLines.emplace(lang, row.line);
        if (!added) {
            m_problems.add(
                row.line, serviceLabel(field(row, kId), index),
                fmt::format("the texts in language {} are given twice (also on line {})", shown(lang), it->second));
            return;
        }
        m_services[index].texts[lang] = ServiceText{.name = field(row, kName),
                                                    .description = field(row, kDescription),
                                                    .requirements = field(row, kRequirements),
                                                    .hours = field(row, kHours),
                                                    .cost = field(row, kCost)};
    }

    const std::array<std::size_t, kColumnCount>& m_at;
    Problems& m_problems;
    std::map<std::string, std::size_t> m_byId;
    std::vector<Service> m_services;
    std::vector<ServiceSource> m_sources;
    std::vector<CsvRecord> m_firstRows;
};

}  // namespace

Result<ImportedCatalog> parseCatalogCsv(std::string_view text) {
    auto body = prepareText(text);
    if (!body) return std::unexpected(body.error());
    Problems problems;
    auto records = parseCsv(*body);
    if (!records) {
        problems.add(0, {}, records.error().message);  // already says which line
        return std::unexpected(problems.toError());
    }
    const auto first = std::find_if(records->begin(), records->end(), [](const CsvRecord& r) { return !r.blank(); });
    if (first == records->end()) {
        problems.add(0, {},
                     fmt::format("the file is empty; its first row must name the columns: {}",
                                 vocab::joinForMessage(kColumnNames)));
        return std::unexpected(problems.toError());
    }
    std::array<std::size_t, kColumnCount> at{};
    if (!mapHeader(*first, at, problems)) return std::unexpected(problems.toError());

    CsvCatalogBuilder builder(at, problems);
    for (auto row = std::next(first); row != records->end(); ++row) {
        if (row->blank()) continue;
        if (row->fields.size() != first->fields.size()) {
            problems.add(row->line, {},
                         fmt::format("expected {} columns but found {}; a field that holds a comma must be in quotes",
                                     first->fields.size(), row->fields.size()));
            continue;
        }
        if (!builder.addRow(*row)) {
            return invalid("catalog", fmt::format("The catalog was not imported: it has more than {} services",
                                                  kMaxCatalogServices));
        }
    }
    if (builder.services().empty() && problems.empty()) {
        return invalid("catalog", "The catalog was not imported: the file has no service rows under its header");
    }
    checkCatalog(builder.services(), builder.sources(), problems);
    if (!problems.empty()) return std::unexpected(problems.toError());
    return ImportedCatalog{std::move(builder.services()), contentVersion(text)};
}

}  // namespace chasqui::storage
