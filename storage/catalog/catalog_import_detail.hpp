#pragma once
// Shared by the JSON and CSV catalog readers; not part of the public API.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/catalog/catalog_store.hpp"

namespace chasqui::storage::catalog_detail {

// Collects every problem of a file so that one message lists them all.
class Problems {
public:
    // "line 42: service 'demo-x': <message>"; line 0 and an empty `who` are left out.
    void add(int line, std::string_view who, std::string_view message);
    bool empty() const { return m_total == 0; }
    // InvalidInput, field "catalog", listing the first 20 problems.
    Error toError() const;

private:
    std::vector<std::string> m_shown;
    std::size_t m_total = 0;
};

// Byte offset -> 1-based line number.
class LineIndex {
public:
    explicit LineIndex(std::string_view text);
    int lineOf(std::size_t offset) const;

private:
    std::vector<std::size_t> m_breaks;  // offsets of '\n'
};

// Where a service came from, for messages.
struct ServiceSource {
    std::size_t index = 0;                 // position in the file, for "service #N" when the id is unusable
    int line = 0;                          // where the service starts (0: unknown)
    std::map<std::string, int> textLines;  // CSV: the row of each language
};

// Size limit, UTF-8 check (naming the first bad line) and a leading BOM
// removed. The returned view points into `text`.
Result<std::string_view> prepareText(std::string_view text);
// "blake2b-" + 16 hex digits of the BLAKE2b hash of the content.
std::string contentVersion(std::string_view text);
// "service 'id'" when the id is well formed, otherwise "service #N".
std::string serviceLabel(std::string_view id, std::size_t index);
bool isServiceId(std::string_view id);
// A closed-list value quoted for a message, or a placeholder when it is unprintable or long.
std::string shown(std::string_view value);
// Applies every field rule and the catalog-wide ones (unique ids, one name per district).
void checkCatalog(const std::vector<Service>& services, const std::vector<ServiceSource>& sources, Problems& problems);

}  // namespace chasqui::storage::catalog_detail
