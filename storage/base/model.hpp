#pragma once
// Plain records of spec section 4. Strings hold UTF-8; dates are "YYYY-MM-DD";
// timestamps are Unix milliseconds (UTC). Enumerated fields hold the codes
// listed in vocabulary.hpp. Validation lives in validation.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace chasqui::storage {

// Columns every record carries (filled by the repositories, not by callers).
struct RecordMeta {
    std::string id;  // UUIDv7 made on the device
    std::int64_t createdAt = 0;
    std::int64_t updatedAt = 0;
    std::string author;    // staff id
    std::string device;    // device id
    bool deleted = false;  // tombstone
};

struct Office {
    RecordMeta meta;
    std::string code;  // "TUM", 3 upper-case letters
    std::string name;
    std::string district;  // INEI UBIGEO, 6 digits
};

struct Staff {
    RecordMeta meta;
    std::string login;  // lower-case handle used on the sign-in screen
    std::string name;
    std::string role;  // staff | supervisor | admin
    std::string officeId;
    bool active = true;
};

struct Person {
    RecordMeta meta;
    std::string caseCode;  // "TUM-03-00042": office, device number, per-device sequence
    std::string givenNames;
    std::string familyName1;
    std::string familyName2;
    std::string sex;                  // female | male | intersex | not_stated
    std::string genderIdentity;       // optional, free text
    std::string birthDate;            // exact or estimated date
    bool birthDateEstimated = false;  // true when only an age was given
    std::string nationality;          // ISO 3166-1 alpha-3 ("VEN"); "XXX" stateless
    std::string docType;              // dni | ce | ptp | cpp | asylum_card | passport | cedula_ven | none
    std::string docNumber;
    std::string phone;
    std::vector<std::string> languages;  // ISO 639 codes
    std::string populationType;          // in_destination | in_transit | host_community | peruvian_returnee
    std::string migrationStatus;
    std::string arrivalDate;     // in Peru; optional
    std::string disability;      // Washington Group short set: 6 digits 0-4 (0 = not asked)
    std::string householdId;     // optional
    std::string relationToHead;  // head | spouse | child | ...
};

struct Household {
    RecordMeta meta;
    std::string headPersonId;
    std::string district;  // UBIGEO of residence; optional
};

struct Consent {
    bool given = false;
    std::string date;                // when it was asked
    std::vector<std::string> scope;  // registration | referral_sharing | follow_up_contact | reporting
};

struct Case {
    RecordMeta meta;
    std::string personId;  // exactly one of personId / householdId
    std::string householdId;
    std::string officeId;
    std::string status = "open";      // open | closed
    std::string priority = "normal";  // low | normal | high | critical
    std::vector<std::string> vulnerabilities;
    std::vector<std::string> needs;  // sector codes
    Consent consent;
    std::string openedDate;
    std::string closedDate;
};

struct Assistance {
    RecordMeta meta;
    std::string caseId;
    std::string date;
    std::string sector;
    std::string type;  // from the assistance-type catalog of its sector
    double quantity = 1;
    std::string unit;
    std::string officeId;
    std::string staffId;
};

struct ReferralStatusChange {
    RecordMeta meta;
    std::string referralId;
    std::string status;
    std::string date;
    std::string staffId;
    std::string comment;
};

struct Referral {
    RecordMeta meta;
    std::string caseId;
    std::string serviceId;  // catalog service id
    std::string reason;
    std::string urgency = "normal";  // low | normal | high | emergency
    bool consentToShare = false;
    std::string status = "sent";
    std::string followUpDate;
    std::string outcome;
    std::vector<ReferralStatusChange> history;  // filled on read
};

struct Note {
    RecordMeta meta;
    std::string caseId;
    std::string text;
};

struct AuditEntry {
    std::int64_t seq = 0;
    std::int64_t at = 0;
    std::string staffId;
    std::string device;
    std::string action;  // view | create | update | delete | export | sign_in | failed_sign_in | sync | ...
    std::string entity;
    std::string recordId;
    std::string prevHash;
    std::string hash;
};

}  // namespace chasqui::storage
