#include "kiosk/services/catalog_service.hpp"

namespace chasqui::kiosk {

storage::Result<storage::CatalogStore*> CatalogService::store() {
    if (!m_store) {
        auto opened = storage::CatalogStore::open(m_dir);
        if (!opened) return std::unexpected(opened.error());
        m_store.emplace(std::move(*opened));
    }
    return &*m_store;
}

storage::Result<storage::CatalogInfo> CatalogService::info() {
    auto s = store();
    if (!s) return std::unexpected(s.error());
    return (*s)->info();
}

storage::Result<std::vector<storage::ServiceSummary>> CatalogService::list(const std::string& category,
                                                                           const std::string& district,
                                                                           const std::string& lang) {
    auto s = store();
    if (!s) return std::unexpected(s.error());
    return (*s)->list(category, district, lang);
}

storage::Result<std::vector<storage::DistrictOption>> CatalogService::districts(const std::string& category) {
    auto s = store();
    if (!s) return std::unexpected(s.error());
    return (*s)->districts(category);
}

storage::Result<std::optional<storage::Service>> CatalogService::get(const std::string& id) {
    auto s = store();
    if (!s) return std::unexpected(s.error());
    return (*s)->get(id);
}

}  // namespace chasqui::kiosk
