#pragma once
// A case to work on at the desk: a mother with her daughter in one household
// (the mother with an open case: needs, a vulnerability, consent to share
// data for referrals), put on the case view the way the staff search leaves
// it.
#include <string>

#include "tests/kiosk/support/kiosk_fixture.hpp"
#include "tests/kiosk/support/scrolling.hpp"

namespace chasqui::test {

inline constexpr const char* kMotherName = "María José Pérez Gómez";
inline constexpr const char* kChildName = "Sofía Pérez";

struct SeededCase {
    std::string personId;
    std::string caseId;  // empty when seeded without a case
    std::string caseCode;
    std::string childId;
};

SeededCase seedMotherAndChild(KioskFixture& f, bool withCase = true);
// Straight to the case view, as the search would leave it.
void openCaseView(KioskFixture& f, const SeededCase& s);
// Signed in as staff with the seeded mother's case on screen.
SeededCase startAtCase(KioskFixture& f, bool withCase = true);

// Every target touch-sized, no two items with one id, no missing words.
void checkTouchAndKeys(HeadlessKiosk& k);

}  // namespace chasqui::test
