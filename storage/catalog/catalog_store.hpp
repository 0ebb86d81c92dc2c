#pragma once
// The service catalog: public information (where to get health care, legal
// aid, shelter...) kept in its own plain SQLite file, DataDir::catalogDb(),
// apart from personal data. Self-service mode reads it with no staff sign-in
// and never opens personal.db. One CatalogStore is used by one thread at a
// time; a kiosk may have a reader and an importer open at once (WAL), and a
// reader sees either the whole old catalog or the whole new one.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/clock.hpp"
#include "storage/base/data_dir.hpp"
#include "storage/base/error.hpp"
#include "storage/base/sqlite_db.hpp"

namespace chasqui::storage {

// What a person reads about a service, in one language.
struct ServiceText {
    std::string name;
    std::string description;
    std::string requirements;  // documents to bring
    std::string hours;
    std::string cost;
};

struct Service {
    std::string id;  // [a-z0-9-]{1,64}, stable across catalog versions (referrals point at it)
    std::string organization;
    std::string category;  // vocab::serviceCategories()
    std::string district;  // INEI UBIGEO
    std::string districtName;
    std::string address;
    std::string phone;  // may be a 3-4 digit short emergency number ("105")
    std::string whatsapp;
    std::string email;
    std::vector<std::string> languagesSpoken;  // vocab::languages()
    std::vector<std::string> populations;      // vocab::populationTypes()
    std::string lastVerified;                  // YYYY-MM-DD
    std::map<std::string, ServiceText> texts;  // by language; "es" is always present
};

// The texts in `lang`, or the Spanish ones when the service has no `lang`;
// nullptr only for a Service that never passed validation.
const ServiceText* textFor(const Service& service, std::string_view lang);

// One row of a category's list of services.
struct ServiceSummary {
    std::string id;
    std::string name;      // in the requested language, or Spanish
    std::string textLang;  // the language `name` is in ("es" when it fell back)
    std::string organization;
    std::string district;
    std::string districtName;
    std::string address;
    std::string phone;
    std::string whatsapp;
};

// An entry of the district filter.
struct DistrictOption {
    std::string code;  // UBIGEO
    std::string name;
};

struct CatalogInfo {
    std::string version;                     // empty while nothing was imported
    int count = 0;                           // services
    std::int64_t importedAtMs = 0;           // 0 while nothing was imported
    std::map<std::string, int> perCategory;  // only categories with services
};

class CatalogStore {
public:
    // Opens DIR/catalog.db, creating the directory, the file and the schema if
    // missing. Damaged when the file is not a catalog or was written by a newer
    // Chasqui; Io when the directory is not writable. The clock (which must
    // outlive the store) stamps imports; the first overload uses the system clock.
    static Result<CatalogStore> open(const DataDir& dir);
    static Result<CatalogStore> open(const DataDir& dir, const Clock& clock);

    // Replaces the whole catalog in one transaction: on any failure the
    // previous catalog stays as it was. The services are validated again
    // (InvalidInput, nothing written); `version` is 1-64 characters.
    Result<void> replaceAll(const std::vector<Service>& services, const std::string& version);

    // Services of a category, in catalog order; `district` empty means all
    // districts. InvalidInput for an unknown category.
    Result<std::vector<ServiceSummary>> list(std::string_view category, std::string_view district,
                                             std::string_view lang);
    // A whole service with all its languages, or nullopt when no service has this id.
    Result<std::optional<Service>> get(std::string_view id);
    // Districts that have services of `category` (empty: of any category),
    // sorted by name for the filter.
    Result<std::vector<DistrictOption>> districts(std::string_view category);
    Result<CatalogInfo> info();

private:
    CatalogStore(Db db, const Clock* clock) : m_db(std::move(db)), m_clock(clock) {}
    static Result<CatalogStore> openWith(const DataDir& dir, const Clock* clock);
    std::int64_t nowMs() const;
    Result<void> insertService(const Service& service, int position);
    Result<std::string> meta(const std::string& key);

    Db m_db;
    const Clock* m_clock;  // nullptr: system clock
};

}  // namespace chasqui::storage
