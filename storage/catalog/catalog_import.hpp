#pragma once
// Reading a service catalog file (the format of assets/catalog/demo_catalog.json
// or, one row per service and language, demo_catalog_sample.csv) into checked
// Services. Every problem is collected with the line where its service starts
// and reported together (up to 20 in one message), so an administrator can fix
// a file in one pass. A failed parse returns InvalidInput (field "catalog")
// and produces nothing: callers write to the CatalogStore only on success.
// Pure functions apart from loadCatalogFile's read; thread-safe.
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/catalog/catalog_store.hpp"

namespace chasqui::storage {

constexpr std::size_t kMaxCatalogBytes = 20u * 1024u * 1024u;
constexpr std::size_t kMaxCatalogServices = 5000;

struct ImportedCatalog {
    std::vector<Service> services;
    // The JSON's "version" when given; otherwise "blake2b-" and 16 hex digits
    // of the hash of the file, so the same file always has the same version.
    std::string version;
};

Result<ImportedCatalog> parseCatalogJson(std::string_view text);
Result<ImportedCatalog> parseCatalogCsv(std::string_view text);
// By extension, .json or .csv (any case); NotFound when the file cannot be read.
Result<ImportedCatalog> loadCatalogFile(const std::filesystem::path& path);
// loadCatalogFile, then CatalogStore::replaceAll: on any failure the store
// keeps the catalog it had. Returns what the store holds afterwards.
Result<CatalogInfo> importCatalogFile(CatalogStore& store, const std::filesystem::path& path);

// The field rules of a catalog: ids unique, closed lists, UBIGEO, phones, dates,
// "es" texts present, lengths. `lines[i]` is where services[i] starts in its
// file (empty: messages name the service without a line).
Result<void> validateCatalog(const std::vector<Service>& services, std::span<const int> lines = {});

}  // namespace chasqui::storage
