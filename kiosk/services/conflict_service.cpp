#include "kiosk/services/conflict_service.hpp"

#include "kiosk/services/store_access.hpp"

namespace chasqui::kiosk {

storage::Result<std::int64_t> ConflictService::countOpen() {
    return withStore<std::int64_t>(
        m_staff, [](storage::PersonalStore& store) { return storage::ConflictRepository(store).countOpen(); });
}

storage::Result<std::vector<ConflictView>> ConflictService::listOpen() {
    return withStore<std::vector<ConflictView>>(
        m_staff, [](storage::PersonalStore& store) { return storage::ConflictRepository(store).listOpen(); });
}

storage::Result<void> ConflictService::resolve(const std::string& conflictId, ConflictChoice choice) {
    return withStore<void>(m_staff, [&](storage::PersonalStore& store) {
        return storage::ConflictRepository(store).resolve(conflictId, choice);
    });
}

}  // namespace chasqui::kiosk
