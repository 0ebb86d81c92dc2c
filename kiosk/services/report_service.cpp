#include "kiosk/services/report_service.hpp"

#include <fmt/format.h>

#include "kiosk/services/store_access.hpp"
#include "storage/base/data_dir.hpp"

namespace chasqui::kiosk {

namespace fs = std::filesystem;

storage::Result<Report5W> ReportService::build(const std::string& month) {
    return withStore<Report5W>(m_staff,
                               [&](storage::PersonalStore& store) { return storage::buildReport5W(store, month); });
}

storage::Result<fs::path> ReportService::exportCsv(const std::string& month, const fs::path& dir, bool createDir) {
    return withStore<fs::path>(m_staff, [&](storage::PersonalStore& store) -> storage::Result<fs::path> {
        auto report = storage::buildReport5W(store, month);
        if (!report) return std::unexpected(report.error());
        const fs::path path = dir / fmt::format("chasqui-5w-{}-{}.csv", report->officeCode, month);  // i18n: not UI
        std::error_code ec;
        if (createDir) fs::create_directories(dir, ec);  // a failure shows as the write's
        if (auto written = storage::writeFileAtomically(path, storage::reportToCsv(*report)); !written)
            return std::unexpected(written.error());
        return path;
    });
}

}  // namespace chasqui::kiosk
