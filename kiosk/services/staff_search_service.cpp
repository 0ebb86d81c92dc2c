#include "kiosk/services/staff_search_service.hpp"

#include "kiosk/services/store_access.hpp"
#include "storage/base/text.hpp"
#include "storage/search/search_index.hpp"

namespace chasqui::kiosk {

std::size_t StaffSearchService::meaningfulChars(const std::string& query) {
    const std::string folded = storage::foldForSearch(query);
    std::size_t count = 0;
    for (const std::string& word : storage::splitWords(folded)) count += storage::codePointCount(word);
    return count;
}

storage::Result<std::vector<PersonRow>> StaffSearchService::search(const std::string& query) {
    return withStore<std::vector<PersonRow>>(
        m_staff, [&](storage::PersonalStore& store) -> storage::Result<std::vector<PersonRow>> {
            auto found = storage::searchPersons(store.db(), query, kResultLimit);
            if (!found) return std::unexpected(found.error());
            std::vector<PersonRow> rows;
            rows.reserve(found->size());
            for (const auto& m : *found)
                rows.push_back({m.id, personName(m.givenNames, m.familyName1, m.familyName2), m.caseCode, m.birthDate,
                                m.nationality, m.docType, m.docNumber});
            return rows;
        });
}

}  // namespace chasqui::kiosk
