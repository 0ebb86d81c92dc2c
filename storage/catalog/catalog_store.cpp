#include "storage/catalog/catalog_store.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <string_view>

#include <fmt/format.h>

#include "storage/base/text.hpp"
#include "storage/base/validation.hpp"
#include "storage/base/vocabulary.hpp"
#include "storage/catalog/catalog_import.hpp"

namespace chasqui::storage {

namespace {

// Numbered like the personal store's migrations (PRAGMA user_version). Code
// lists are stored ';'-joined: validated codes never contain ';'.
constexpr std::string_view kMigration1 =
    "CREATE TABLE catalog_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE services (id TEXT PRIMARY KEY, position INTEGER NOT NULL, organization TEXT NOT NULL, "
    "  category TEXT NOT NULL, district TEXT NOT NULL, district_name TEXT NOT NULL, address TEXT NOT NULL, "
    "  phone TEXT NOT NULL, whatsapp TEXT NOT NULL, email TEXT NOT NULL, languages_spoken TEXT NOT NULL, "
    "  populations TEXT NOT NULL, last_verified TEXT NOT NULL);"
    "CREATE INDEX services_category ON services(category, district, position);"
    "CREATE TABLE service_texts (service_id TEXT NOT NULL REFERENCES services(id), lang TEXT NOT NULL, "
    "  name TEXT NOT NULL, description TEXT NOT NULL, requirements TEXT NOT NULL, hours TEXT NOT NULL, "
    "  cost TEXT NOT NULL, PRIMARY KEY (service_id, lang));";

constexpr std::array<std::string_view, 1> kMigrations{kMigration1};

Result<void> migrateCatalog(Db& db) {
    auto current = db.scalarInt("PRAGMA user_version");
    if (!current) return std::unexpected(current.error());
    const auto latest = static_cast<std::int64_t>(kMigrations.size());
    if (*current > latest) {
        return fail(ErrorCode::Damaged, fmt::format("the service catalog was written by a newer Chasqui (schema {} > "
                                                    "{}); update this program",
                                                    *current, latest));
    }
    for (std::int64_t version = *current + 1; version <= latest; ++version) {
        Transaction tx(db);
        if (auto r = tx.begin(); !r) return r;
        if (auto r = db.exec(kMigrations[static_cast<std::size_t>(version - 1)]); !r) return r;
        if (auto r = db.exec(fmt::format("PRAGMA user_version = {}", version)); !r) return r;
        if (auto r = tx.commit(); !r) return r;
    }
    return {};
}

// A deferred read transaction: reads that take several statements see one
// catalog even when an import commits in between. Ended (rolled back, nothing
// was written) on destruction.
class ReadSnapshot {
public:
    explicit ReadSnapshot(Db& db) : m_db(db) {}
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;
    ~ReadSnapshot() { m_db.rollback(); }
    Result<void> begin() { return m_db.exec("BEGIN"); }

private:
    Db& m_db;
};

Result<void> checkCategory(std::string_view category) {
    if (vocab::contains(vocab::serviceCategories(), category)) return {};
    return invalid("category",
                   fmt::format("category must be one of: {}", vocab::joinForMessage(vocab::serviceCategories())));
}

}  // namespace

const ServiceText* textFor(const Service& service, std::string_view lang) {
    if (auto it = service.texts.find(std::string(lang)); it != service.texts.end()) return &it->second;
    if (auto it = service.texts.find("es"); it != service.texts.end()) return &it->second;
    return nullptr;
}

Result<CatalogStore> CatalogStore::open(const DataDir& dir) {
    return openWith(dir, nullptr);
}

Result<CatalogStore> CatalogStore::open(const DataDir& dir, const Clock& clock) {
    return openWith(dir, &clock);
}

Result<CatalogStore> CatalogStore::openWith(const DataDir& dir, const Clock* clock) {
    std::error_code ec;
    const bool created = std::filesystem::create_directories(dir.root, ec);
    if (ec) {
        return fail(ErrorCode::Io,
                    fmt::format("cannot create the data directory {}: {}", dir.root.string(), ec.message()));
    }
    // Same mode as PersonalStore::create gives it: the directory may later hold personal data.
    if (created) {
        std::filesystem::permissions(dir.root, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::replace, ec);
    }
    const std::string path = dir.catalogDb().string();
    auto db = Db::open(path, OpenOptions{});  // no key: the catalog is public information
    if (!db) {
        Error error = db.error();
        if (error.code == ErrorCode::Damaged) {
            error.message =
                fmt::format("the service catalog {} is damaged; delete it and import the catalog again", path);
        }
        return std::unexpected(error);
    }
    if (auto r = migrateCatalog(*db); !r) return std::unexpected(r.error());
    return CatalogStore(std::move(*db), clock);
}

std::int64_t CatalogStore::nowMs() const {
    return m_clock != nullptr ? m_clock->nowMs() : SystemClock{}.nowMs();
}

Result<void> CatalogStore::replaceAll(const std::vector<Service>& services, const std::string& version) {
    if (auto r = validateCatalog(services); !r) return r;
    if (auto r = checkText("version", version, 1, 64); !r) return r;
    Transaction tx(m_db);
    if (auto r = tx.begin(); !r) return r;
    if (auto r = m_db.exec("DELETE FROM service_texts; DELETE FROM services;"); !r) return r;
    for (std::size_t i = 0; i < services.size(); ++i) {
        if (auto r = insertService(services[i], static_cast<int>(i)); !r) return r;
    }
    auto setMeta = m_db.prepare(
        "INSERT INTO catalog_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    if (!setMeta) return std::unexpected(setMeta.error());
    if (auto r = setMeta->bind(1, "version").bind(2, version).run(); !r) return r;
    if (auto r = setMeta->bind(1, "imported_at").bind(2, std::to_string(nowMs())).run(); !r) return r;
    return tx.commit();
}

Result<void> CatalogStore::insertService(const Service& s, int position) {
    auto row = m_db.prepare(
        "INSERT INTO services (id, position, organization, category, district, district_name, address, phone, "
        "whatsapp, email, languages_spoken, populations, last_verified) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    if (!row) return std::unexpected(row.error());
    row->bind(1, s.id).bind(2, position).bind(3, s.organization).bind(4, s.category).bind(5, s.district);
    row->bind(6, s.districtName).bind(7, s.address).bind(8, s.phone).bind(9, s.whatsapp).bind(10, s.email);
    row->bind(11, joinCodes(s.languagesSpoken, ';')).bind(12, joinCodes(s.populations, ';')).bind(13, s.lastVerified);
    if (auto r = row->run(); !r) return r;
    auto text = m_db.prepare(
        "INSERT INTO service_texts (service_id, lang, name, description, requirements, hours, cost) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!text) return std::unexpected(text.error());
    for (const auto& [lang, t] : s.texts) {
        text->bind(1, s.id).bind(2, lang).bind(3, t.name).bind(4, t.description).bind(5, t.requirements);
        text->bind(6, t.hours).bind(7, t.cost);
        if (auto r = text->run(); !r) return r;
    }
    return {};
}

Result<std::vector<ServiceSummary>> CatalogStore::list(std::string_view category, std::string_view district,
                                                       std::string_view lang) {
    if (auto r = checkCategory(category); !r) return std::unexpected(r.error());
    // Spanish is always present (validated on import), so it backs any missing language.
    auto stmt = m_db.prepare(
        "SELECT s.id, COALESCE(t.name, e.name, ''), CASE WHEN t.name IS NULL THEN 'es' ELSE t.lang END, "
        "s.organization, s.district, s.district_name, s.address, s.phone, s.whatsapp "
        "FROM services s "
        "LEFT JOIN service_texts t ON t.service_id = s.id AND t.lang = ?3 "
        "LEFT JOIN service_texts e ON e.service_id = s.id AND e.lang = 'es' "
        "WHERE s.category = ?1 AND (?2 = '' OR s.district = ?2) ORDER BY s.position");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, category).bind(2, district).bind(3, lang);
    std::vector<ServiceSummary> out;
    for (;;) {
        auto row = stmt->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        out.push_back(ServiceSummary{stmt->text(0), stmt->text(1), stmt->text(2), stmt->text(3), stmt->text(4),
                                     stmt->text(5), stmt->text(6), stmt->text(7), stmt->text(8)});
    }
    stmt->reset();
    return out;
}

Result<std::optional<Service>> CatalogStore::get(std::string_view id) {
    ReadSnapshot snapshot(m_db);
    if (auto r = snapshot.begin(); !r) return std::unexpected(r.error());
    auto found = m_db.readOne(
        "SELECT id, organization, category, district, district_name, address, phone, whatsapp, email, "
        "languages_spoken, populations, last_verified FROM services WHERE id = ?1",
        [](const Stmt& row) {
            Service out;
            out.id = row.text(0);
            out.organization = row.text(1);
            out.category = row.text(2);
            out.district = row.text(3);
            out.districtName = row.text(4);
            out.address = row.text(5);
            out.phone = row.text(6);
            out.whatsapp = row.text(7);
            out.email = row.text(8);
            out.languagesSpoken = splitCodes(row.text(9), ';');
            out.populations = splitCodes(row.text(10), ';');
            out.lastVerified = row.text(11);
            return out;
        },
        id);
    if (!found) return std::unexpected(found.error());
    if (!*found) return std::optional<Service>{};
    Service& s = **found;

    auto texts = m_db.prepare(
        "SELECT lang, name, description, requirements, hours, cost FROM service_texts WHERE service_id = ?1");
    if (!texts) return std::unexpected(texts.error());
    texts->bind(1, id);
    for (;;) {
        auto row = texts->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        s.texts[texts->text(0)] = ServiceText{.name = texts->text(1),
                                              .description = texts->text(2),
                                              .requirements = texts->text(3),
                                              .hours = texts->text(4),
                                              .cost = texts->text(5)};
    }
    texts->reset();
    return std::optional<Service>(std::move(s));
}

Result<std::vector<DistrictOption>> CatalogStore::districts(std::string_view category) {
    if (!category.empty()) {
        if (auto r = checkCategory(category); !r) return std::unexpected(r.error());
    }
    auto stmt = m_db.prepare("SELECT DISTINCT district, district_name FROM services WHERE ?1 = '' OR category = ?1");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, category);
    std::vector<DistrictOption> out;
    for (;;) {
        auto row = stmt->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        out.push_back(DistrictOption{stmt->text(0), stmt->text(1)});
    }
    stmt->reset();
    // Accent-insensitive, so "Ático" sorts with the A's and not after "Zarumilla".
    std::sort(out.begin(), out.end(), [](const DistrictOption& a, const DistrictOption& b) {
        const std::string ka = foldForSearch(a.name);
        const std::string kb = foldForSearch(b.name);
        return ka != kb ? ka < kb : a.code < b.code;
    });
    return out;
}

Result<std::string> CatalogStore::meta(const std::string& key) {
    auto value = m_db.readOne(
        "SELECT value FROM catalog_meta WHERE key = ?1", [](const Stmt& s) { return s.text(0); }, key);
    if (!value) return std::unexpected(value.error());
    return value->value_or(std::string());
}

Result<CatalogInfo> CatalogStore::info() {
    ReadSnapshot snapshot(m_db);
    if (auto r = snapshot.begin(); !r) return std::unexpected(r.error());
    CatalogInfo info;
    auto version = meta("version");
    if (!version) return std::unexpected(version.error());
    info.version = *version;
    auto importedAt = meta("imported_at");
    if (!importedAt) return std::unexpected(importedAt.error());
    std::from_chars(importedAt->data(), importedAt->data() + importedAt->size(), info.importedAtMs);
    auto stmt = m_db.prepare("SELECT category, count(*) FROM services GROUP BY category");
    if (!stmt) return std::unexpected(stmt.error());
    for (;;) {
        auto row = stmt->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        const auto n = static_cast<int>(stmt->integer(1));
        info.perCategory[stmt->text(0)] = n;
        info.count += n;
    }
    stmt->reset();
    return info;
}

}  // namespace chasqui::storage
