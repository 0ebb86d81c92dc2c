#pragma once
// The public service catalog for self-service screens. Opens only
// DIR/catalog.db, never the personal-data store, so self-service needs no
// sign-in and cannot show personal data. Worker thread only (post its calls
// through the TaskRunner); the store is opened on first use.

#include <optional>
#include <string>
#include <vector>

#include "storage/base/data_dir.hpp"
#include "storage/catalog/catalog_store.hpp"

namespace chasqui::kiosk {

class CatalogService {
public:
    explicit CatalogService(storage::DataDir dir) : m_dir(std::move(dir)) {}

    storage::Result<storage::CatalogInfo> info();
    storage::Result<std::vector<storage::ServiceSummary>> list(const std::string& category, const std::string& district,
                                                               const std::string& lang);
    storage::Result<std::vector<storage::DistrictOption>> districts(const std::string& category);
    storage::Result<std::optional<storage::Service>> get(const std::string& id);
    // Closes the file so a catalog pulled by sync is seen on the next read.
    void reopen() { m_store.reset(); }

private:
    storage::Result<storage::CatalogStore*> store();

    storage::DataDir m_dir;
    std::optional<storage::CatalogStore> m_store;
};

}  // namespace chasqui::kiosk
