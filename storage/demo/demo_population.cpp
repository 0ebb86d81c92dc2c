#include "storage/demo/demo_population.hpp"

#include <array>
#include <string_view>

#include <fmt/format.h>

#include "storage/base/clock.hpp"
#include "storage/base/text.hpp"
#include "storage/base/vocabulary.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"

namespace chasqui::storage::demo {

namespace {

using namespace std::string_view_literals;

constexpr std::array kFemale{"María"sv,    "Ana"sv,       "Luisa"sv,    "Carmen"sv,    "Yolanda"sv,  "Daniela"sv,
                             "Gabriela"sv, "Valentina"sv, "Andreína"sv, "Yusmary"sv,   "Rosa"sv,     "Lucía"sv,
                             "Fabiola"sv,  "Mariela"sv,   "Wislande"sv, "Nadège"sv,    "Guerline"sv, "Sofía"sv,
                             "Isabella"sv, "Camila"sv,    "Milagros"sv, "Esperanza"sv, "Yelitza"sv,  "Josefina"sv};
constexpr std::array kMale{"José"sv,    "Luis"sv,   "Carlos"sv, "Jesús"sv,    "Miguel"sv,   "Ángel"sv,
                           "Jorge"sv,   "Rafael"sv, "Yorman"sv, "Wilmer"sv,   "Johan"sv,    "Jean"sv,
                           "Wilson"sv,  "Frantz"sv, "Pedro"sv,  "Andrés"sv,   "Santiago"sv, "Darwin"sv,
                           "Eduardo"sv, "Héctor"sv, "Samuel"sv, "Reinaldo"sv, "Nelson"sv,   "Alexánder"sv};
constexpr std::array kFamily{
    "González"sv,   "Rodríguez"sv, "Pérez"sv,    "Hernández"sv, "García"sv,   "Martínez"sv,      "López"sv,
    "Ramírez"sv,    "Torres"sv,    "Flores"sv,   "Rivas"sv,     "Mendoza"sv,  "Quispe"sv,        "Mamani"sv,
    "Huamán"sv,     "Chávez"sv,    "Castillo"sv, "Rojas"sv,     "Díaz"sv,     "Morales"sv,       "Jiménez"sv,
    "Vargas"sv,     "Suárez"sv,    "Salazar"sv,  "Pierre"sv,    "Joseph"sv,   "Jean-Baptiste"sv, "Louis"sv,
    "Charles"sv,    "Álvarez"sv,   "Briceño"sv,  "Ñáñez"sv,     "Montilla"sv, "Peña"sv,          "Urdaneta"sv,
    "Villalobos"sv, "Carrasco"sv,  "Espinoza"sv, "Guerrero"sv,  "Medina"sv,   "Ortiz"sv,         "Paredes"sv,
    "Zambrano"sv,   "Acosta"sv,    "Aguilar"sv,  "Cárdenas"sv,  "Delgado"sv,  "Escalona"sv};

struct Weighted {
    std::string_view code;
    int weight;
};
constexpr std::array kNationalities{Weighted{"VEN", 70}, Weighted{"COL", 10}, Weighted{"PER", 8},
                                    Weighted{"HTI", 5},  Weighted{"ECU", 5},  Weighted{"CUB", 2}};

template <typename List>
std::string pick(std::mt19937_64& rng, const List& list) {
    std::uniform_int_distribution<std::size_t> d(0, list.size() - 1);
    return std::string(list[d(rng)]);
}

int uniform(std::mt19937_64& rng, int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
}
bool chance(std::mt19937_64& rng, double p) {
    return std::bernoulli_distribution(p)(rng);
}

std::string pickNationality(std::mt19937_64& rng) {
    int roll = uniform(rng, 1, 100);
    for (const auto& n : kNationalities) {
        if (roll <= n.weight) return std::string(n.code);
        roll -= n.weight;
    }
    return "VEN";
}

std::string dateMinusDays(const std::string& today, int days) {
    const std::int64_t d =
        daysFromCivil(std::stoi(today.substr(0, 4)), static_cast<unsigned>(std::stoi(today.substr(5, 2))),
                      static_cast<unsigned>(std::stoi(today.substr(8, 2))));
    return isoDate((d - days) * 86400000LL);
}

}  // namespace

PersonGenerator::PersonGenerator(std::uint64_t seed, std::string today) : m_rng(seed), m_today(std::move(today)) {}

Person PersonGenerator::next() {
    ++m_serial;
    Person p;
    const bool female = chance(m_rng, 0.55);
    p.sex = female ? "female" : "male";
    p.givenNames = female ? pick(m_rng, kFemale) : pick(m_rng, kMale);
    if (chance(m_rng, 0.45)) {
        std::string second = female ? pick(m_rng, kFemale) : pick(m_rng, kMale);
        if (second != p.givenNames) p.givenNames += " " + second;
    }
    p.familyName1 = pick(m_rng, kFamily);
    p.familyName2 = chance(m_rng, 0.85) ? pick(m_rng, kFamily) : "";
    p.nationality = pickNationality(m_rng);
    // Age pyramid of a migrant population: many young adults and children.
    const int roll = uniform(m_rng, 1, 100);
    const int age = roll <= 30 ? uniform(m_rng, 0, 17) : roll <= 93 ? uniform(m_rng, 18, 59) : uniform(m_rng, 60, 85);
    p.birthDate = dateMinusDays(m_today, age * 365 + uniform(m_rng, 0, 364));
    p.birthDateEstimated = chance(m_rng, 0.08);
    const std::uint64_t serial = m_serial;
    if (p.nationality == "PER") {
        p.docType = "dni";
        p.docNumber = fmt::format("{:08}", 40000000 + serial % 50000000);
        p.populationType = chance(m_rng, 0.5) ? "host_community" : "peruvian_returnee";
        p.migrationStatus = "national";
    } else {
        const int d = uniform(m_rng, 1, 100);
        if (d <= 35) {
            p.docType = p.nationality == "VEN" ? "cedula_ven" : "passport";
            p.docNumber = p.docType == "cedula_ven" ? fmt::format("V-{}", 10000000 + serial % 20000000)
                                                    : fmt::format("P{:08}", serial % 100000000);
        } else if (d <= 55) {
            p.docType = "cpp";
            p.docNumber = fmt::format("{:09}", 100000000 + serial % 800000000);
        } else if (d <= 65) {
            p.docType = "ptp";
            p.docNumber = fmt::format("{:09}", 200000000 + serial % 700000000);
        } else if (d <= 72) {
            p.docType = "ce";
            p.docNumber = fmt::format("{:09}", 300000000 + serial % 600000000);
        } else if (d <= 80) {
            p.docType = "asylum_card";
            p.docNumber = fmt::format("SR{:07}", serial % 10000000);
        } else if (d <= 88) {
            p.docType = "passport";
            p.docNumber = fmt::format("{}{:08}", p.nationality.substr(0, 1), serial % 100000000);
        } else {
            p.docType = "none";
        }
        p.populationType = chance(m_rng, 0.7) ? "in_destination" : "in_transit";
        p.migrationStatus =
            pick(m_rng, std::array{"regular"sv, "irregular"sv, "in_regularization"sv, "asylum_seeker"sv});
        if (age > 0) p.arrivalDate = dateMinusDays(m_today, uniform(m_rng, 1, std::min(age * 365, 2500)));
    }
    if (age >= 14 && chance(m_rng, 0.7))
        p.phone = fmt::format("+51 9{:02} {:03} {:03}", serial % 100, (serial / 100) % 1000, uniform(m_rng, 0, 999));
    p.languages = {p.nationality == "HTI" ? "ht" : "es"};
    if (p.nationality == "HTI" && chance(m_rng, 0.5)) p.languages.push_back("fr");
    if (chance(m_rng, 0.1))
        p.disability =
            fmt::format("{}{}{}{}{}{}", uniform(m_rng, 1, 3), uniform(m_rng, 1, 2), uniform(m_rng, 1, 3), 1, 1, 1);
    return p;
}

Person PersonGenerator::nearDuplicate(const Person& original, int kind) {
    Person p = original;
    p.meta = {};
    if (kind < 0) kind = uniform(m_rng, 0, 4);
    switch (kind) {
        case 0: {  // typo in the first family name: a letter replaced or dropped
            std::string& f = p.familyName1;
            const std::size_t at = static_cast<std::size_t>(uniform(m_rng, 1, static_cast<int>(f.size()) - 2));
            if ((static_cast<unsigned char>(f[at]) & 0x80) == 0 &&
                (static_cast<unsigned char>(f[at + 1]) & 0x80) == 0) {
                if (chance(m_rng, 0.5))
                    f.erase(at, 1);
                else
                    f[at] = f[at] == 'e' ? 'i' : 'e';
            } else {
                f += "s";
            }
            break;
        }
        case 1:  // family names swapped (or, with only one, typed in capitals without accents)
            if (!p.familyName2.empty())
                std::swap(p.familyName1, p.familyName2);
            else
                p.familyName1 = compactIdentifier(foldForSearch(p.familyName1));
            break;
        case 2:  // second family name and second given name left out
            p.familyName2.clear();
            if (auto space = p.givenNames.find(' '); space != std::string::npos) p.givenNames.resize(space);
            break;
        case 3:  // the same document presented as another type, names typed without accents
            if (p.docType == "cedula_ven")
                p.docType = "passport";
            else if (p.docType != "none" && p.docType != "dni")
                p.docType = "asylum_card";
            break;
        default: {  // date of birth a few days off, and a missing second given name
            p.birthDate = dateMinusDays(p.birthDate, -uniform(m_rng, 1, 20));
            if (p.birthDate > m_today) p.birthDate = original.birthDate;
            if (auto space = p.givenNames.find(' '); space != std::string::npos) p.givenNames.resize(space);
            break;
        }
    }
    if (p.docType == "asylum_card" && p.docNumber.size() > 15) p.docType = original.docType;
    return p;
}

Result<DemoCounts> generateDemoPopulation(PersonalStore& store, const DemoOptions& options) {
    PersonGenerator people(options.seed, store.today());
    auto& rng = people.rng();
    PersonRepository persons(store);
    CaseRepository cases(store);
    DemoCounts counts;
    const Session& session = store.session();
    const auto sectors = vocab::sectors();
    const auto vulnerabilities = vocab::vulnerabilities();
    while (counts.persons < options.persons) {
        const int batchEnd = std::min(options.persons, counts.persons + options.batchSize);
        auto batch = store.writeVoid([&](RecordWriter& w) -> Result<void> {
            while (counts.persons < batchEnd) {
                // One in four registrations is a family of 2-5 with a household case.
                const int familySize = chance(rng, 0.25) ? uniform(rng, 2, 5) : 1;
                std::vector<std::string> ids;
                Person head = people.next();
                std::string householdId;
                if (familySize > 1) {
                    if (head.birthDate > dateMinusDays(store.today(), 18 * 365))
                        head.birthDate = dateMinusDays(store.today(), 30 * 365);
                    auto hh = persons.addHousehold(
                        w, Household{{}, "", pick(rng, std::array{"240101"sv, "240302"sv, "150132"sv, "150117"sv})});
                    if (!hh) return std::unexpected(hh.error());
                    householdId = *hh;
                    ++counts.households;
                    head.householdId = householdId;
                    head.relationToHead = "head";
                }
                for (int m = 0; m < familySize && counts.persons < batchEnd; ++m) {
                    Person p = m == 0 ? head : people.next();
                    if (m > 0) {
                        p.householdId = householdId;
                        p.relationToHead = m == 1 ? "spouse" : "child";
                        if (m > 1 && p.birthDate < dateMinusDays(store.today(), 17 * 365)) {
                            p.birthDate = dateMinusDays(store.today(), uniform(rng, 0, 17 * 365));
                            p.arrivalDate =
                                p.arrivalDate.empty() || p.arrivalDate >= p.birthDate ? p.arrivalDate : p.birthDate;
                        }
                        p.familyName1 = head.familyName1;
                        p.nationality = head.nationality;
                        if (p.nationality == "PER" && p.docType != "dni") p.nationality = "VEN";
                    }
                    auto added = persons.add(w, p);
                    if (!added) return std::unexpected(added.error());
                    ids.push_back(added->id);
                    ++counts.persons;
                }
                if (!householdId.empty()) {
                    if (auto r = w.update("household", householdId, {{"head_person_id", ids.front()}}); !r)
                        return std::unexpected(r.error());
                }
                Case c;
                if (householdId.empty())
                    c.personId = ids.front();
                else
                    c.householdId = householdId;
                c.officeId = session.officeId;
                c.priority = pick(rng, std::array{"low"sv, "normal"sv, "normal"sv, "high"sv, "critical"sv});
                const int openedAgo = uniform(rng, 0, 150);
                c.openedDate = dateMinusDays(store.today(), openedAgo);
                c.consent.given = chance(rng, 0.92);
                if (c.consent.given) {
                    c.consent.date = c.openedDate;
                    c.consent.scope = {"registration", "referral_sharing"};
                } else {
                    c.consent.date = c.openedDate;
                }
                for (int k = uniform(rng, 1, 3); k > 0; --k) {
                    std::string s = pick(rng, sectors);
                    if (std::find(c.needs.begin(), c.needs.end(), s) == c.needs.end()) c.needs.push_back(s);
                }
                if (chance(rng, 0.3)) c.vulnerabilities.push_back(pick(rng, vulnerabilities));
                auto caseId = cases.open(w, c);
                if (!caseId) return std::unexpected(caseId.error());
                ++counts.cases;
                for (int k = uniform(rng, 1, 2); k > 0; --k) {
                    Assistance a;
                    a.caseId = *caseId;
                    a.date = dateMinusDays(store.today(), uniform(rng, 0, openedAgo));
                    a.sector = c.needs.front();
                    const auto types = vocab::assistanceTypes(a.sector);
                    a.type = pick(rng, types);
                    a.unit = a.sector == "multipurpose_cash" ? "pen" : a.sector == "shelter" ? "night" : "kit";
                    a.quantity = a.unit == "pen" ? 350 : uniform(rng, 1, 5);
                    a.officeId = session.officeId;
                    a.staffId = session.staffId;
                    if (auto r = cases.recordAssistance(w, a); !r) return std::unexpected(r.error());
                    ++counts.assistance;
                }
                for (int k = uniform(rng, 0, 2); k > 0 && !options.serviceIds.empty(); --k) {
                    Referral r;
                    r.caseId = *caseId;
                    r.serviceId = pick(rng, options.serviceIds);
                    r.reason = "Necesita atención y orientación especializada.";
                    r.urgency = pick(rng, std::array{"low"sv, "normal"sv, "high"sv});
                    r.consentToShare = c.consent.given;
                    auto refId = cases.refer(w, r);
                    if (!refId) return std::unexpected(refId.error());
                    ++counts.referrals;
                    if (chance(rng, 0.6)) {
                        if (auto s = cases.setReferralStatus(w, *refId, "accepted", store.today(), ""); !s)
                            return std::unexpected(s.error());
                    }
                }
                if (chance(rng, 0.15)) {
                    if (auto n = w.insert(
                            "note", {{"case_id", *caseId}, {"text", std::string("Seguimiento telefónico acordado.")}});
                        !n)
                        return std::unexpected(n.error());
                    ++counts.notes;
                }
            }
            return {};
        });
        if (!batch) return std::unexpected(batch.error());
        if (options.progress) options.progress(counts.persons, options.persons);
    }
    return counts;
}

std::optional<std::string> spelledAsHeard(std::string_view foldedWord, std::size_t variant) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kSwaps{{{"v", "b"},
                                                                                           {"b", "v"},
                                                                                           {"z", "s"},
                                                                                           {"ce", "se"},
                                                                                           {"ci", "si"},
                                                                                           {"ll", "y"},
                                                                                           {"y", "ll"},
                                                                                           {"rr", "r"},
                                                                                           {"r", "rr"},
                                                                                           {"s", "z"},
                                                                                           {"qu", "k"},
                                                                                           {"h", ""}}};
    for (std::size_t n = 0; n < kSwaps.size(); ++n) {
        const auto& [from, to] = kSwaps[(variant + n) % kSwaps.size()];
        if (const std::size_t at = foldedWord.find(from); at != std::string_view::npos) {
            std::string out(foldedWord);
            out.replace(at, from.size(), to);
            return out;
        }
    }
    return std::nullopt;
}

}  // namespace chasqui::storage::demo
