#include "storage/base/vocabulary.hpp"

#include <algorithm>
#include <array>

namespace chasqui::storage::vocab {

namespace {
using namespace std::string_view_literals;

constexpr std::array kRoles{"staff"sv, "supervisor"sv, "admin"sv};
constexpr std::array kSexes{"female"sv, "male"sv, "intersex"sv, "not_stated"sv};
constexpr std::array kDocumentTypes{"dni"sv,         "ce"sv,       "ptp"sv,        "cpp"sv,
                                    "asylum_card"sv, "passport"sv, "cedula_ven"sv, "none"sv};
constexpr std::array kPopulationTypes{"in_destination"sv, "in_transit"sv, "host_community"sv, "peruvian_returnee"sv};
constexpr std::array kMigrationStatuses{
    "regular"sv, "irregular"sv, "in_regularization"sv, "asylum_seeker"sv, "refugee"sv, "national"sv, "unknown"sv};
constexpr std::array kRelations{"head"sv,       "spouse"sv,      "child"sv,          "parent"sv,      "sibling"sv,
                                "grandchild"sv, "grandparent"sv, "other_relative"sv, "non_relative"sv};
constexpr std::array kSectors{"shelter"sv,
                              "food_security"sv,
                              "wash"sv,
                              "health"sv,
                              "nutrition"sv,
                              "education"sv,
                              "protection"sv,
                              "child_protection"sv,
                              "gbv"sv,
                              "trafficking_smuggling"sv,
                              "livelihoods"sv,
                              "social_cohesion"sv,
                              "humanitarian_transport"sv,
                              "multipurpose_cash"sv,
                              "communication_with_communities"sv};
constexpr std::array kVulnerabilities{
    "unaccompanied_child"sv, "separated_child"sv, "gbv_survivor"sv,       "trafficking_victim"sv, "lgbtiq"sv,
    "disability"sv,          "older_person"sv,    "pregnant_lactating"sv, "chronic_illness"sv};
constexpr std::array kSensitiveVulnerabilities{"gbv_survivor"sv, "trafficking_victim"sv, "lgbtiq"sv};
constexpr std::array kSensitiveSectors{"gbv"sv, "trafficking_smuggling"sv};
constexpr std::array kConsentScopes{"registration"sv, "referral_sharing"sv, "follow_up_contact"sv, "reporting"sv};
constexpr std::array kCaseStatuses{"open"sv, "closed"sv};
constexpr std::array kCasePriorities{"low"sv, "normal"sv, "high"sv, "critical"sv};
constexpr std::array kUrgencies{"low"sv, "normal"sv, "high"sv, "emergency"sv};
constexpr std::array kReferralStatuses{"sent"sv,      "accepted"sv, "in_progress"sv,
                                       "completed"sv, "rejected"sv, "cancelled"sv};
constexpr std::array kUnits{"item"sv, "kit"sv,     "person"sv, "night"sv,        "meal"sv,  "session"sv,
                            "pen"sv,  "voucher"sv, "ticket"sv, "consultation"sv, "liter"sv, "kg"sv};
constexpr std::array kServiceCategories{"health"sv,    "regularization"sv, "legal_aid"sv,  "shelter"sv,
                                        "food"sv,      "work"sv,           "protection"sv, "emergency"sv,
                                        "education"sv, "cash"sv,           "transport"sv,  "wash"sv};
constexpr std::array kLanguages{"es"sv, "en"sv, "pt"sv, "ht"sv, "fr"sv, "qu"sv, "ay"sv, "ar"sv, "zh"sv, "other"sv};

// Assistance types per sector ("pen" = Peruvian soles for cash).
constexpr std::array kTypesShelter{"temporary_shelter"sv, "rental_support"sv, "shelter_kit"sv};
constexpr std::array kTypesFood{"food_kit"sv, "hot_meal"sv, "food_voucher"sv};
constexpr std::array kTypesWash{"hygiene_kit"sv, "drinking_water"sv, "menstrual_hygiene_kit"sv};
constexpr std::array kTypesHealth{"primary_care"sv, "mental_health"sv, "medicines"sv, "sexual_reproductive_health"sv};
constexpr std::array kTypesNutrition{"nutrition_screening"sv, "supplement"sv};
constexpr std::array kTypesEducation{"school_enrolment"sv, "school_kit"sv, "language_class"sv};
constexpr std::array kTypesProtection{"orientation"sv, "legal_counselling"sv, "documentation_support"sv,
                                      "psychosocial_support"sv};
constexpr std::array kTypesChild{"best_interest_assessment"sv, "family_tracing"sv, "child_friendly_space"sv};
constexpr std::array kTypesGbv{"gbv_case_management"sv, "safe_shelter"sv, "dignity_kit"sv};
constexpr std::array kTypesTrafficking{"victim_assistance"sv, "safe_referral"sv};
constexpr std::array kTypesLivelihoods{"job_placement"sv, "vocational_training"sv, "seed_capital"sv};
constexpr std::array kTypesCohesion{"community_activity"sv, "anti_xenophobia_workshop"sv};
constexpr std::array kTypesTransport{"bus_ticket"sv, "local_transport"sv};
constexpr std::array kTypesCash{"multipurpose_cash_transfer"sv};
constexpr std::array kTypesComms{"information_session"sv, "connectivity_sim"sv, "phone_charging"sv};

// ISO 3166-1 alpha-3, plus XXX for stateless or unknown.
constexpr std::array kCountries{
    "ABW"sv, "AFG"sv, "AGO"sv, "AIA"sv, "ALA"sv, "ALB"sv, "AND"sv, "ARE"sv, "ARG"sv, "ARM"sv, "ASM"sv, "ATA"sv, "ATF"sv,
    "ATG"sv, "AUS"sv, "AUT"sv, "AZE"sv, "BDI"sv, "BEL"sv, "BEN"sv, "BES"sv, "BFA"sv, "BGD"sv, "BGR"sv, "BHR"sv, "BHS"sv,
    "BIH"sv, "BLM"sv, "BLR"sv, "BLZ"sv, "BMU"sv, "BOL"sv, "BRA"sv, "BRB"sv, "BRN"sv, "BTN"sv, "BVT"sv, "BWA"sv, "CAF"sv,
    "CAN"sv, "CCK"sv, "CHE"sv, "CHL"sv, "CHN"sv, "CIV"sv, "CMR"sv, "COD"sv, "COG"sv, "COK"sv, "COL"sv, "COM"sv, "CPV"sv,
    "CRI"sv, "CUB"sv, "CUW"sv, "CXR"sv, "CYM"sv, "CYP"sv, "CZE"sv, "DEU"sv, "DJI"sv, "DMA"sv, "DNK"sv, "DOM"sv, "DZA"sv,
    "ECU"sv, "EGY"sv, "ERI"sv, "ESH"sv, "ESP"sv, "EST"sv, "ETH"sv, "FIN"sv, "FJI"sv, "FLK"sv, "FRA"sv, "FRO"sv, "FSM"sv,
    "GAB"sv, "GBR"sv, "GEO"sv, "GGY"sv, "GHA"sv, "GIB"sv, "GIN"sv, "GLP"sv, "GMB"sv, "GNB"sv, "GNQ"sv, "GRC"sv, "GRD"sv,
    "GRL"sv, "GTM"sv, "GUF"sv, "GUM"sv, "GUY"sv, "HKG"sv, "HMD"sv, "HND"sv, "HRV"sv, "HTI"sv, "HUN"sv, "IDN"sv, "IMN"sv,
    "IND"sv, "IOT"sv, "IRL"sv, "IRN"sv, "IRQ"sv, "ISL"sv, "ISR"sv, "ITA"sv, "JAM"sv, "JEY"sv, "JOR"sv, "JPN"sv, "KAZ"sv,
    "KEN"sv, "KGZ"sv, "KHM"sv, "KIR"sv, "KNA"sv, "KOR"sv, "KWT"sv, "LAO"sv, "LBN"sv, "LBR"sv, "LBY"sv, "LCA"sv, "LIE"sv,
    "LKA"sv, "LSO"sv, "LTU"sv, "LUX"sv, "LVA"sv, "MAC"sv, "MAF"sv, "MAR"sv, "MCO"sv, "MDA"sv, "MDG"sv, "MDV"sv, "MEX"sv,
    "MHL"sv, "MKD"sv, "MLI"sv, "MLT"sv, "MMR"sv, "MNE"sv, "MNG"sv, "MNP"sv, "MOZ"sv, "MRT"sv, "MSR"sv, "MTQ"sv, "MUS"sv,
    "MWI"sv, "MYS"sv, "MYT"sv, "NAM"sv, "NCL"sv, "NER"sv, "NFK"sv, "NGA"sv, "NIC"sv, "NIU"sv, "NLD"sv, "NOR"sv, "NPL"sv,
    "NRU"sv, "NZL"sv, "OMN"sv, "PAK"sv, "PAN"sv, "PCN"sv, "PER"sv, "PHL"sv, "PLW"sv, "PNG"sv, "POL"sv, "PRI"sv, "PRK"sv,
    "PRT"sv, "PRY"sv, "PSE"sv, "PYF"sv, "QAT"sv, "REU"sv, "ROU"sv, "RUS"sv, "RWA"sv, "SAU"sv, "SDN"sv, "SEN"sv, "SGP"sv,
    "SGS"sv, "SHN"sv, "SJM"sv, "SLB"sv, "SLE"sv, "SLV"sv, "SMR"sv, "SOM"sv, "SPM"sv, "SRB"sv, "SSD"sv, "STP"sv, "SUR"sv,
    "SVK"sv, "SVN"sv, "SWE"sv, "SWZ"sv, "SXM"sv, "SYC"sv, "SYR"sv, "TCA"sv, "TCD"sv, "TGO"sv, "THA"sv, "TJK"sv, "TKL"sv,
    "TKM"sv, "TLS"sv, "TON"sv, "TTO"sv, "TUN"sv, "TUR"sv, "TUV"sv, "TWN"sv, "TZA"sv, "UGA"sv, "UKR"sv, "UMI"sv, "URY"sv,
    "USA"sv, "UZB"sv, "VAT"sv, "VCT"sv, "VEN"sv, "VGB"sv, "VIR"sv, "VNM"sv, "VUT"sv, "WLF"sv, "WSM"sv, "XXX"sv, "YEM"sv,
    "ZAF"sv, "ZMB"sv, "ZWE"sv};
}  // namespace

List roles() {
    return kRoles;
}
List sexes() {
    return kSexes;
}
List documentTypes() {
    return kDocumentTypes;
}
List populationTypes() {
    return kPopulationTypes;
}
List migrationStatuses() {
    return kMigrationStatuses;
}
List relationsToHead() {
    return kRelations;
}
List sectors() {
    return kSectors;
}
List vulnerabilities() {
    return kVulnerabilities;
}

bool sensitiveVulnerability(std::string_view code) {
    return contains(kSensitiveVulnerabilities, code);
}

bool sensitiveSector(std::string_view code) {
    return contains(kSensitiveSectors, code);
}
List consentScopes() {
    return kConsentScopes;
}
List caseStatuses() {
    return kCaseStatuses;
}
List casePriorities() {
    return kCasePriorities;
}
List referralUrgencies() {
    return kUrgencies;
}
List referralStatuses() {
    return kReferralStatuses;
}
List assistanceUnits() {
    return kUnits;
}
List serviceCategories() {
    return kServiceCategories;
}
List languages() {
    return kLanguages;
}

List assistanceTypes(std::string_view sector) {
    if (sector == "shelter") return kTypesShelter;
    if (sector == "food_security") return kTypesFood;
    if (sector == "wash") return kTypesWash;
    if (sector == "health") return kTypesHealth;
    if (sector == "nutrition") return kTypesNutrition;
    if (sector == "education") return kTypesEducation;
    if (sector == "protection") return kTypesProtection;
    if (sector == "child_protection") return kTypesChild;
    if (sector == "gbv") return kTypesGbv;
    if (sector == "trafficking_smuggling") return kTypesTrafficking;
    if (sector == "livelihoods") return kTypesLivelihoods;
    if (sector == "social_cohesion") return kTypesCohesion;
    if (sector == "humanitarian_transport") return kTypesTransport;
    if (sector == "multipurpose_cash") return kTypesCash;
    if (sector == "communication_with_communities") return kTypesComms;
    return {};
}

bool contains(List list, std::string_view code) {
    return std::find(list.begin(), list.end(), code) != list.end();
}

std::string joinForMessage(List list) {
    std::string out;
    for (auto item : list) {
        if (!out.empty()) out += ", ";
        out += item;
    }
    return out;
}

bool referralOpen(std::string_view status) {
    return status != "completed" && status != "rejected" && status != "cancelled";
}

bool referralTransitionAllowed(std::string_view from, std::string_view to) {
    if (!referralOpen(from)) return false;
    if (to == "rejected" || to == "cancelled") return true;
    if (from == "sent") return to == "accepted";
    if (from == "accepted") return to == "in_progress";
    if (from == "in_progress") return to == "completed";
    return false;
}

bool isCountryCode(std::string_view code) {
    return std::binary_search(kCountries.begin(), kCountries.end(), code);
}

}  // namespace chasqui::storage::vocab
