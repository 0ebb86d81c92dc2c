#pragma once
// The monthly 5W report (storage/reports/report_5w.hpp) for a supervisor:
// built for the screen, or built afresh and written as CSV into a folder.
// Building is audited as an export, so every file written is audited too.
//
// Threading: worker thread only. Errors are storage's: PermissionDenied
// (not a supervisor, or signed out), InvalidInput (a month that is not
// YYYY-MM), Io when the file cannot be written.
#include <filesystem>
#include <string>

#include "kiosk/services/staff_session.hpp"
#include "storage/base/error.hpp"
#include "storage/reports/report_5w.hpp"

namespace chasqui::kiosk {

using Report5W = storage::Report5W;
using Report5WRow = storage::Report5WRow;

class ReportService {
public:
    explicit ReportService(StaffSession& staff) : m_staff(staff) {}

    storage::Result<Report5W> build(const std::string& month);
    // Writes chasqui-5w-<office>-<month>.csv into `dir` (made first when
    // `createDir`: the configured export folder) and answers its path.
    storage::Result<std::filesystem::path> exportCsv(const std::string& month, const std::filesystem::path& dir,
                                                     bool createDir);

private:
    StaffSession& m_staff;
};

}  // namespace chasqui::kiosk
