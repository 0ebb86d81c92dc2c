#include "storage/catalog/catalog_import.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <system_error>

#include <fmt/format.h>

#include "storage/base/data_dir.hpp"
#include "storage/base/secret.hpp"
#include "storage/base/text.hpp"
#include "storage/catalog/catalog_import_detail.hpp"

namespace chasqui::storage {

namespace catalog_detail {

namespace {
constexpr std::size_t kShownProblems = 20;
}  // namespace

void Problems::add(int line, std::string_view who, std::string_view message) {
    ++m_total;
    if (m_shown.size() >= kShownProblems) return;
    std::string item;
    if (line > 0) item += fmt::format("line {}: ", line);
    if (!who.empty()) item += fmt::format("{}: ", who);
    item += message;
    m_shown.push_back(std::move(item));
}

Error Problems::toError() const {
    std::string message = fmt::format("The catalog was not imported ({} problem{}; nothing was changed):", m_total,
                                      m_total == 1 ? "" : "s");
    for (const auto& item : m_shown) message += "\n" + item;
    if (m_total > m_shown.size()) message += fmt::format("\n... and {} more", m_total - m_shown.size());
    return Error{ErrorCode::InvalidInput, std::move(message), "catalog"};
}

LineIndex::LineIndex(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') m_breaks.push_back(i);
    }
}

int LineIndex::lineOf(std::size_t offset) const {
    const auto before = std::lower_bound(m_breaks.begin(), m_breaks.end(), offset) - m_breaks.begin();
    return static_cast<int>(before) + 1;
}

Result<std::string_view> prepareText(std::string_view text) {
    if (text.size() > kMaxCatalogBytes) {
        return invalid(
            "catalog",
            fmt::format("The catalog was not imported: the file has {:.1f} MiB and at most {} MiB "
                        "are accepted. Is it the right file?",
                        static_cast<double>(text.size()) / (1024.0 * 1024.0), kMaxCatalogBytes / (1024 * 1024)));
    }
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // spreadsheets write a BOM
    // Line by line so the message can say where: a UTF-8 sequence never spans a '\n'.
    int line = 1;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        if (!isValidUtf8(text.substr(start, end - start))) {
            Problems problems;
            problems.add(line, {},
                         "the file is not valid UTF-8 text; save it again as UTF-8 "
                         "(in a spreadsheet: \"CSV UTF-8\")");
            return std::unexpected(problems.toError());
        }
        start = end + 1;
        ++line;
    }
    return text;
}

std::string contentVersion(std::string_view text) {
    ensureSodium();
    std::array<unsigned char, crypto_generichash_BYTES> digest{};
    crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                       nullptr, 0);
    std::array<char, 17> hex{};
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), 8);
    return std::string("blake2b-") + hex.data();
}

bool isServiceId(std::string_view id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

std::string serviceLabel(std::string_view id, std::size_t index) {
    if (isServiceId(id)) return fmt::format("service '{}'", id);
    return fmt::format("service #{}", index + 1);
}

std::string shown(std::string_view value) {
    if (value.size() > 40 || !isValidUtf8(value) || hasControlChars(value, false))
        return "(a long or unprintable value)";
    return fmt::format("\"{}\"", value);
}

}  // namespace catalog_detail

Result<void> validateCatalog(const std::vector<Service>& services, std::span<const int> lines) {
    using namespace catalog_detail;
    if (services.size() > kMaxCatalogServices) {
        return invalid("catalog", fmt::format("The catalog was not imported: it has {} services and at most {} are "
                                              "accepted",
                                              services.size(), kMaxCatalogServices));
    }
    std::vector<ServiceSource> sources(services.size());
    for (std::size_t i = 0; i < services.size(); ++i) {
        sources[i].index = i;
        sources[i].line = i < lines.size() ? lines[i] : 0;
    }
    Problems problems;
    checkCatalog(services, sources, problems);
    if (!problems.empty()) return std::unexpected(problems.toError());
    return {};
}

Result<ImportedCatalog> loadCatalogFile(const std::filesystem::path& path) {
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (extension != ".json" && extension != ".csv") {
        return invalid("catalog", fmt::format("{}: a catalog file must end in .json or .csv", path.string()));
    }
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        return fail(ErrorCode::NotFound,
                    fmt::format("cannot read {}: the file does not exist or is not readable", path.string()));
    }
    if (size > kMaxCatalogBytes) {
        return invalid("catalog", fmt::format("The catalog was not imported: {} has {} bytes and at most {} MiB are "
                                              "accepted. Is it the right file?",
                                              path.string(), size, kMaxCatalogBytes / (1024 * 1024)));
    }
    auto content = readSmallFile(path, kMaxCatalogBytes);
    if (!content) return std::unexpected(content.error());
    return extension == ".json" ? parseCatalogJson(*content) : parseCatalogCsv(*content);
}

Result<CatalogInfo> importCatalogFile(CatalogStore& store, const std::filesystem::path& path) {
    auto catalog = loadCatalogFile(path);
    if (!catalog) return std::unexpected(catalog.error());
    if (auto r = store.replaceAll(catalog->services, catalog->version); !r) return std::unexpected(r.error());
    return store.info();
}

}  // namespace chasqui::storage
