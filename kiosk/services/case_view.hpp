#pragma once
// What the case view shows of one person, read in one go on the worker and
// handed to the UI thread as plain data (CaseService::load). Personal data:
// the screen drops it on sign-out and on the inactivity lock.
#include <map>
#include <string>
#include <vector>

#include "storage/base/model.hpp"

namespace chasqui::kiosk {

// What a referral shows of its catalog service, in every language it has.
struct ReferralServiceInfo {
    std::map<std::string, std::string> names;  // by language
    std::string organization;
    std::string districtName;
};

// Assistance, referrals (with their status history) and notes of a case.
struct CaseFileView {
    storage::Case record;
    std::vector<storage::Assistance> assistance;  // newest first
    std::vector<storage::Referral> referrals;     // with history, oldest step first
    std::vector<storage::Note> notes;             // newest first
};

struct CaseView {
    storage::Person person;
    std::vector<storage::Person> household;  // every member, the person included
    std::string householdDistrict;           // its name when the catalog knows it, else the UBIGEO code
    std::string householdDistrictCode;       // the UBIGEO code itself ("" when none)
    bool hasCase = false;
    CaseFileView file;
    // Indexes into file.referrals in the order shown: open ones first (they
    // need follow-up), newest first within each group.
    std::vector<std::size_t> referralOrder;
    std::map<std::string, std::string> staffNames;        // staff id -> name (or login)
    std::map<std::string, ReferralServiceInfo> services;  // service id -> what to show
};

}  // namespace chasqui::kiosk
