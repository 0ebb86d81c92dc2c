#pragma once
// The staff home's search over every person on the kiosk (any name part or
// its beginning, accents and case ignored, document number, phone or case
// code). Opening a result goes through CaseService::currentCase.
//
// Threading: search() on the worker thread only;
// searchable() is pure and runs on the UI thread. Errors are storage's;
// PermissionDenied when nobody is signed in.
#include <cstddef>
#include <string>
#include <vector>

#include "kiosk/services/person_row.hpp"
#include "kiosk/services/staff_session.hpp"
#include "storage/base/error.hpp"

namespace chasqui::kiosk {

class StaffSearchService {
public:
    static constexpr std::size_t kResultLimit = 30;
    static constexpr std::size_t kMinQueryChars = 2;

    explicit StaffSearchService(StaffSession& staff) : m_staff(staff) {}

    // Letters and digits in `query`, the ones that count toward the
    // kMinQueryChars a search needs.
    static std::size_t meaningfulChars(const std::string& query);
    static bool searchable(const std::string& query) { return meaningfulChars(query) >= kMinQueryChars; }

    // Up to kResultLimit persons, best match first.
    storage::Result<std::vector<PersonRow>> search(const std::string& query);

private:
    StaffSession& m_staff;
};

}  // namespace chasqui::kiosk
