// Search as you type over persons registered through PersonRepository: what a
// person at the desk types (accents or not, any case, part of any name, a
// document or phone with separators, a case code read over the phone) finds
// the right people, ranked, and nothing the user types can break the query.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "storage/records/person_repository.hpp"
#include "storage/search/search_index.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui::storage;
using chasqui::test::samplePerson;
using chasqui::test::TestStore;

namespace {

Person makePerson(std::string given, std::string family1, std::string family2, std::string docType,
                  std::string docNumber, std::string phone = {}) {
    Person p = samplePerson();
    p.givenNames = std::move(given);
    p.familyName1 = std::move(family1);
    p.familyName2 = std::move(family2);
    p.docType = std::move(docType);
    p.docNumber = std::move(docNumber);
    p.phone = std::move(phone);
    return p;
}

std::vector<std::string> idsOf(const std::vector<PersonMatch>& matches) {
    std::vector<std::string> ids;
    for (const auto& m : matches) ids.push_back(m.id);
    return ids;
}

bool holds(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// A small office population with the hard cases of Latin American and
// Haitian names.
struct Population {
    TestStore ts;
    PersonRepository repo{*ts};
    RegisteredPerson mariaJose;   // María José Pérez Gómez, cédula V-12.345.678, +51 987 654 321
    RegisteredPerson mariaLopez;  // María Fernanda López Díaz
    RegisteredPerson carlos;      // Carlos Ñáñez Ruiz, DNI 12345678
    RegisteredPerson lucia;       // Lucía González Paz, PTP
    RegisteredPerson rose;        // Rose Jean-Baptiste Pierre, passport, Haitian
    RegisteredPerson pedro;       // Pedro Gómez Pérez (the same family names, reversed)

    Population() {
        mariaJose = add(samplePerson());
        mariaLopez = add(makePerson("María Fernanda", "López", "Díaz", "passport", "AB123456", "+51 912 345 678"));
        carlos = add(makePerson("Carlos", "Ñáñez", "Ruiz", "dni", "12345678", "944 111 222"));
        lucia = add(makePerson("Lucía", "González", "Paz", "ptp", "123456789"));
        Person haitian = makePerson("Rose", "Jean-Baptiste", "Pierre", "passport", "HT7654321", "+509 3456 7890");
        haitian.nationality = "HTI";
        haitian.languages = {"ht", "fr"};
        rose = add(haitian);
        pedro = add(makePerson("Pedro", "Gómez", "Pérez", "none", ""));
    }

    RegisteredPerson add(const Person& person) {
        auto added = repo.add(person);
        REQUIRE(added.has_value());
        return *added;
    }

    std::vector<std::string> find(std::string_view query, std::size_t limit = 20) {
        auto found = searchPersons(ts->db(), query, limit);
        REQUIRE(found.has_value());
        return idsOf(*found);
    }
};

}  // namespace

TEST_CASE("search ignores accents and case") {
    Population pop;
    struct Expect {
        const char* query;
        const RegisteredPerson* who;
    };
    const std::vector<Expect> cases = {
        {"perez", &pop.mariaJose},
        {"PEREZ", &pop.mariaJose},
        {"P\xC3\xA9rez", &pop.mariaJose},
        {"nanez", &pop.carlos},
        {"\xC3\x91\xC3\x81\xC3\x91"
         "EZ",
         &pop.carlos},  // ÑÁÑEZ
        {"Na\xC3\xB1"
         "ez",
         &pop.carlos},  // Nañez
        {"GONZ", &pop.lucia},
        {"gonz\xC3\xA1lez", &pop.lucia},  // González typed with the accent
        {"lucia", &pop.lucia},
        {"LUC\xC3\x8D"
         "A",
         &pop.lucia},  // LUCÍA
    };
    for (const auto& c : cases) {
        const std::string query = c.query;
        CAPTURE(query);
        const auto ids = pop.find(query);
        CHECK(holds(ids, c.who->id));
    }
    // And the accent-free query does not match everyone.
    const auto nanez = pop.find("nanez");
    CHECK(nanez.size() == 1);
}

TEST_CASE("search matches a prefix of any name part") {
    Population pop;
    for (const char* query : {"mar", "Mar\xC3\xAD", "jos", "jose", "p\xC3\xA9r", "gom", "G\xC3\xB3mez", "mari"}) {
        const std::string q = query;
        CAPTURE(q);
        CHECK(holds(pop.find(q), pop.mariaJose.id));
    }
    SUBCASE("compound given names: the second given name alone finds the person") {
        CHECK(pop.find("jose") == std::vector<std::string>{pop.mariaJose.id});
        CHECK(pop.find("fernanda") == std::vector<std::string>{pop.mariaLopez.id});
    }
    SUBCASE("hyphenated family names: each half alone finds the person") {
        CHECK(pop.find("baptiste") == std::vector<std::string>{pop.rose.id});
        CHECK(pop.find("bapt") == std::vector<std::string>{pop.rose.id});
        CHECK(pop.find("jean") == std::vector<std::string>{pop.rose.id});
        CHECK(pop.find("Jean-Baptiste") == std::vector<std::string>{pop.rose.id});
        CHECK(pop.find("jean baptiste") == std::vector<std::string>{pop.rose.id});
    }
    SUBCASE("a letter in the middle of a word is not a prefix") {
        CHECK(pop.find("erez").empty());
        CHECK(pop.find("aptiste").empty());
    }
}

TEST_CASE("search with several words requires every word") {
    Population pop;
    SUBCASE("double family names, typed in either order") {
        for (const char* query :
             {"P\xC3\xA9rez G\xC3\xB3mez", "G\xC3\xB3mez P\xC3\xA9rez", "perez gomez", "gomez perez"}) {
            const std::string q = query;
            CAPTURE(q);
            const auto ids = pop.find(q);
            CHECK(holds(ids, pop.mariaJose.id));
            CHECK(holds(ids, pop.pedro.id));  // Gómez Pérez matches both words as well
            CHECK(ids.size() == 2);
        }
    }
    SUBCASE("prefixes are AND-ed") {
        CHECK(pop.find("mar gom") == std::vector<std::string>{pop.mariaJose.id});
        CHECK(pop.find("mar lop") == std::vector<std::string>{pop.mariaLopez.id});
        CHECK(pop.find("maria jose perez") == std::vector<std::string>{pop.mariaJose.id});
        CHECK(pop.find("pedro perez") == std::vector<std::string>{pop.pedro.id});
        CHECK(pop.find("mar ruiz").empty());
        const auto maria = pop.find("maria");
        CHECK(maria.size() == 2);
        CHECK(holds(maria, pop.mariaJose.id));
        CHECK(holds(maria, pop.mariaLopez.id));
    }
}

TEST_CASE("search finds document numbers typed with or without separators") {
    Population pop;
    SUBCASE("DNI") {
        for (const char* query : {"12345678", "12.345.678", "12 345 678", "12-345-678", "1234"}) {
            const std::string q = query;
            CAPTURE(q);
            CHECK(holds(pop.find(q), pop.carlos.id));
        }
        CHECK_FALSE(holds(pop.find("12345679"), pop.carlos.id));
    }
    SUBCASE("other documents typed as stored") {
        CHECK(pop.find("123456789") == std::vector<std::string>{pop.lucia.id});  // PTP
        CHECK(pop.find("AB123456") == std::vector<std::string>{pop.mariaLopez.id});
        CHECK(pop.find("ab123456") == std::vector<std::string>{pop.mariaLopez.id});
        CHECK(pop.find("ht7654321") == std::vector<std::string>{pop.rose.id});
        CHECK(pop.find("V12345678") == std::vector<std::string>{pop.mariaJose.id});
        CHECK(pop.find("v12345678") == std::vector<std::string>{pop.mariaJose.id});
    }
}

// searchTerms() only strips separators from all-numeric queries; a document
// number with letters typed as printed ("V-12.345.678", "AB-123456") is split
// into words "v 12 345 678", and no indexed word starts with "12".
TEST_CASE("search finds a document number with letters typed with separators") {
    Population pop;
    for (const char* query : {"V-12.345.678", "v-12345678", "V 12345678", "AB-123456"}) {
        const std::string q = query;
        CAPTURE(q);
        const auto ids = pop.find(q);
        CHECK(ids.size() == 1);
        CHECK((holds(ids, pop.mariaJose.id) || holds(ids, pop.mariaLopez.id)));
    }
}

// The cédula is indexed only as "v12345678", so its digits alone, as people
// usually quote a cédula ("C.I. 12.345.678"), do not find the holder.
TEST_CASE("the digits of a Venezuelan cedula find its holder") {
    Population pop;
    for (const char* query : {"12345678", "12.345.678"}) {
        const std::string q = query;
        CAPTURE(q);
        const auto ids = pop.find(q);
        CHECK(holds(ids, pop.mariaJose.id));
        CHECK(holds(ids, pop.carlos.id));  // the DNI 12345678 matches as well
    }
}

TEST_CASE("search finds phones with and without the country code") {
    Population pop;
    for (const char* query :
         {"+51 987 654 321", "+51987654321", "51987654321", "987654321", "987 654 321", "987-654-321", "987 654"}) {
        const std::string q = query;
        CAPTURE(q);
        CHECK(pop.find(q) == std::vector<std::string>{pop.mariaJose.id});
    }
    // A number stored without the country code is found by its digits too.
    CHECK(pop.find("944 111 222") == std::vector<std::string>{pop.carlos.id});
    CHECK(pop.find("+509 3456 7890") == std::vector<std::string>{pop.rose.id});
    CHECK(pop.find("999 999 999").empty());
}

TEST_CASE("search finds a case code as printed, in any case") {
    Population pop;
    REQUIRE(pop.mariaJose.caseCode == "TUM-01-00001");
    REQUIRE(pop.carlos.caseCode == "TUM-01-00003");
    for (const char* query : {"TUM-01-00001", "tum-01-00001", "TUM0100001", "Tum-01-00001"}) {
        const std::string q = query;
        CAPTURE(q);
        CHECK(pop.find(q) == std::vector<std::string>{pop.mariaJose.id});
    }
    CHECK(pop.find("TUM-01-00003") == std::vector<std::string>{pop.carlos.id});
    CHECK(pop.find("TUM-01-00099").empty());
    CHECK(pop.find("LIM-01-00001").empty());
}

TEST_CASE("search ranks exact words above prefixes") {
    TestStore ts;
    PersonRepository repo(*ts);
    const auto add = [&](Person p) {
        auto added = repo.add(p);
        REQUIRE(added.has_value());
        return added->id;
    };
    // Registered first and alphabetically last, so neither recency nor the
    // alphabetical tie-break could put it first: only the exact match can.
    const std::string rosa = add(makePerson("Rosa", "Zapata", "Vera", "none", ""));
    const std::string rosalinda = add(makePerson("Rosalinda", "\xC3\x81lvarez", "", "none", ""));
    const std::string rosario = add(makePerson("Rosario", "Benites", "", "none", ""));

    auto found = searchPersons(ts->db(), "rosa", 20);
    REQUIRE(found.has_value());
    REQUIRE(found->size() == 3);
    CHECK((*found)[0].id == rosa);
    CHECK((*found)[0].score > (*found)[1].score);
    CHECK(holds(idsOf(*found), rosalinda));
    CHECK(holds(idsOf(*found), rosario));

    SUBCASE("a match on the first family name ranks above the same match on the second") {
        const std::string first = add(makePerson("Ana", "Quispe", "Mamani", "none", ""));
        const std::string second = add(makePerson("Ana", "Mamani", "Quispe", "none", ""));
        auto byFamily = searchPersons(ts->db(), "quispe", 20);
        REQUIRE(byFamily.has_value());
        REQUIRE(byFamily->size() == 2);
        CHECK((*byFamily)[0].id == first);
        CHECK((*byFamily)[1].id == second);
    }
    SUBCASE("the limit keeps the best") {
        auto top = searchPersons(ts->db(), "rosa", 1);
        REQUIRE(top.has_value());
        REQUIRE(top->size() == 1);
        CHECK((*top)[0].id == rosa);
    }
}

// The scorer stops at the first name that merely starts with the term, so an
// exact match later in the name ("Mar" as second family name after "Marisol")
// only scores as a prefix and loses to a person with no exact match at all.
TEST_CASE("an exact word anywhere in the name outranks a prefix-only match") {
    TestStore ts;
    PersonRepository repo(*ts);
    auto exact = repo.add(makePerson("Marisol", "Z\xC3\xBA\xC3\xB1iga", "Mar", "none", ""));
    auto prefixOnly = repo.add(makePerson("Maribel", "Quispe", "", "none", ""));
    REQUIRE(exact.has_value());
    REQUIRE(prefixOnly.has_value());
    auto found = searchPersons(ts->db(), "mar", 20);
    REQUIRE(found.has_value());
    REQUIRE(found->size() == 2);
    CHECK((*found)[0].id == exact->id);
    CHECK((*found)[0].score > (*found)[1].score);
}

TEST_CASE("deleted persons are not found") {
    Population pop;
    REQUIRE(holds(pop.find("nanez"), pop.carlos.id));
    REQUIRE(pop.repo.remove(pop.carlos.id).has_value());
    for (const char* query : {"nanez", "carlos", "12345678", "944111222", "TUM-01-00003"}) {
        const std::string q = query;
        CAPTURE(q);
        CHECK_FALSE(holds(pop.find(q), pop.carlos.id));
    }
    // The others are still there.
    CHECK(holds(pop.find("perez"), pop.mariaJose.id));
}

TEST_CASE("empty and one-letter queries return nothing") {
    Population pop;
    for (const char* query : {"", " ", "   ", "m", "M", "\xC3\x91", "5", "-", " m ", "m-", "\xC3\xA1"}) {
        const std::string q = query;
        CAPTURE(q);
        auto found = searchPersons(pop.ts->db(), q, 20);
        REQUIRE(found.has_value());
        CHECK(found->empty());
    }
    // Two letters already search.
    CHECK_FALSE(pop.find("ma").empty());
}

TEST_CASE("FTS query syntax typed by a user neither fails nor changes the meaning") {
    Population pop;
    const std::vector<std::string> mar = pop.find("mar");
    REQUIRE(mar.size() == 2);

    SUBCASE("syntax around a word is ignored") {
        for (const char* query : {"\"mar\"", "\"mar", "mar\"", "mar*", "*mar", "-mar", "(mar)", "mar)", "(mar", "^mar",
                                  "mar:", "'mar'", "mar\xE2\x80\x99", "{mar}", "mar;", "mar --", "mar +"}) {
            const std::string q = query;
            CAPTURE(q);
            auto found = searchPersons(pop.ts->db(), q, 20);
            REQUIRE(found.has_value());
            CHECK(idsOf(*found) == mar);
        }
    }
    SUBCASE("operators are plain words, never operators") {
        for (const char* query : {"\"",
                                  "\"\"",
                                  "*",
                                  "**",
                                  "-",
                                  "()",
                                  "(",
                                  ")",
                                  "OR",
                                  "AND",
                                  "NOT",
                                  "NEAR",
                                  "NEAR/3",
                                  "mar OR lop",
                                  "mar AND gom",
                                  "mar NOT gom",
                                  "mar NEAR gom",
                                  "mar NEAR/2 gom",
                                  "words:mar",
                                  "person_search:mar",
                                  "mar -gom",
                                  "\"mar gom\"",
                                  "mar* OR *",
                                  "\xE2\x82\xAC\xE2\x82\xAC",
                                  "\xC2\xBF\xC2\xA1",
                                  "mar \xE2\x82\xAC",
                                  "\xF0\x9F\x98\x80\xF0\x9F\x98\x80",
                                  "\xE6\x9D\x8E\xE6\x98\x8E",
                                  "%",
                                  "_",
                                  "\\",
                                  "mar\\",
                                  "'; DROP TABLE persons; --"}) {
            const std::string q = query;
            CAPTURE(q);
            Result<std::vector<PersonMatch>> found = std::vector<PersonMatch>{};
            CHECK_NOTHROW(found = searchPersons(pop.ts->db(), q, 20));
            REQUIRE(found.has_value());
            // Whatever comes back is a live, registered person and matches no
            // more than the plain words would.
            for (const auto& id : idsOf(*found)) CHECK(holds(mar, id));
        }
        // "OR" is a word to match, not a union: "mar OR lop" needs a word
        // starting with "or" as well, which nobody has.
        CHECK(pop.find("mar OR lop").empty());
        CHECK(pop.find("mar AND gom").empty());
        CHECK(pop.find("mar NOT gom").empty());
        auto count = pop.ts->db().scalarInt("SELECT count(*) FROM persons");
        REQUIRE(count.has_value());
        CHECK(*count == 6);
    }
    SUBCASE("invalid UTF-8 and very long queries do not fail") {
        for (const std::string& q : {std::string("mar\xC3\x28"), std::string("\xFF\xFE"), std::string(201, 'm'),
                                     std::string(5000, 'a') + " mar"}) {
            CAPTURE(q.size());
            Result<std::vector<PersonMatch>> found = std::vector<PersonMatch>{};
            CHECK_NOTHROW(found = searchPersons(pop.ts->db(), q, 20));
            REQUIRE(found.has_value());
            for (const auto& id : idsOf(*found)) CHECK(holds(mar, id));
        }
    }
}

TEST_CASE("updating a name re-indexes the person") {
    Population pop;
    auto person = pop.repo.get(pop.carlos.id);
    REQUIRE(person.has_value());
    person->givenNames = "Juan Carlos";
    person->familyName1 = "Ybarra";
    person->phone = "955 000 111";
    REQUIRE(pop.repo.update(*person).has_value());

    CHECK(pop.find("nanez").empty());
    CHECK(pop.find("944 111 222").empty());
    CHECK(pop.find("ybarra") == std::vector<std::string>{pop.carlos.id});
    CHECK(pop.find("juan carlos") == std::vector<std::string>{pop.carlos.id});
    CHECK(pop.find("955000111") == std::vector<std::string>{pop.carlos.id});
    // The unchanged parts still find the person, exactly once.
    CHECK(pop.find("ruiz") == std::vector<std::string>{pop.carlos.id});
    CHECK(pop.find("TUM-01-00003") == std::vector<std::string>{pop.carlos.id});

    SUBCASE("what a match reports is the current record") {
        auto found = searchPersons(pop.ts->db(), "ybarra", 20);
        REQUIRE(found.has_value());
        REQUIRE(found->size() == 1);
        CHECK((*found)[0].givenNames == "Juan Carlos");
        CHECK((*found)[0].familyName1 == "Ybarra");
        CHECK((*found)[0].caseCode == "TUM-01-00003");
        CHECK((*found)[0].docNumber == "12345678");
    }
    SUBCASE("the index survives closing and reopening the store") {
        pop.ts.reopen();
        CHECK(pop.find("ybarra") == std::vector<std::string>{pop.carlos.id});
        CHECK(pop.find("nanez").empty());
    }
}

// indexPerson writes only what changed (each page written costs an encryption
// and a MAC at commit). Every FTS5 write rewrites the index's structure record
// (id 10: the segments) and its averages record (id 1), so unchanged records
// mean the index was not written.
TEST_CASE("an edit outside the indexed words leaves the index unwritten; a new document re-indexes") {
    Population pop;
    auto segments = [&] {
        auto n =
            pop.ts->db().readOne("SELECT group_concat(hex(block), '/') FROM person_search_data WHERE id IN (1, 10)",
                                 [](const Stmt& st) { return st.text(0); });
        REQUIRE(n.has_value());
        REQUIRE(n->has_value());
        return **n;
    };
    auto person = pop.repo.get(pop.lucia.id);
    REQUIRE(person.has_value());
    const std::string before = segments();
    person->nationality = "COL";
    person->sex = "female";
    REQUIRE(pop.repo.update(*person).has_value());
    CHECK(segments() == before);
    CHECK(pop.find("gonzalez") == std::vector<std::string>{pop.lucia.id});

    person = pop.repo.get(pop.lucia.id);
    REQUIRE(person.has_value());
    person->docNumber = "246813579";
    REQUIRE(pop.repo.update(*person).has_value());
    CHECK(segments() != before);
    CHECK(pop.find("246813579") == std::vector<std::string>{pop.lucia.id});
    CHECK(pop.find("123456789").empty());
    auto norm = pop.ts->db().scalarInt("SELECT count(*) FROM persons WHERE doc_number_norm = '246813579'");
    REQUIRE(norm.has_value());
    CHECK(*norm == 1);
    CHECK(pop.find("gonzalez") == std::vector<std::string>{pop.lucia.id});
}

// Staff type a name as they hear it. Each query below differs from the stored
// spelling in a way a prefix cannot bridge, so each needs the sound keys.
TEST_CASE("search finds names typed as they sound") {
    Population pop;
    const auto valderrama = pop.add(makePerson("Cecilia", "Valderrama", "Yépez", "none", ""));
    const auto hernandez = pop.add(makePerson("Yuliana", "Hernández", "Zúñiga", "none", ""));
    const auto munoz = pop.add(makePerson("Wilmer", "Muñoz", "Carrillo", "none", ""));
    struct Typo {
        const char* query;
        const RegisteredPerson* person;
    };
    for (const Typo& typo :
         {Typo{"Balderama", &valderrama}, Typo{"Llepes", &valderrama}, Typo{"Sesilia Balderrama", &valderrama},
          Typo{"Ernandes", &hernandez}, Typo{"Suniga", &hernandez}, Typo{"Lluliana Ernandez", &hernandez},
          Typo{"Munos", &munoz}, Typo{"Vilmer Munos Cariyo", &munoz}, Typo{"balder", &valderrama}}) {
        INFO("query: ", std::string(typo.query));
        CHECK(holds(pop.find(typo.query), typo.person->id));
    }
    SUBCASE("a sound-alike does not make different names match") {
        CHECK_FALSE(holds(pop.find("Valdez"), valderrama.id));
        CHECK_FALSE(holds(pop.find("Mendoza"), munoz.id));
    }
    SUBCASE("the spelling typed ranks above names that only sound like it") {
        const auto balderama = pop.add(makePerson("Cecilia", "Balderama", "Paz", "none", ""));
        const auto found = pop.find("Balderama");
        REQUIRE(found.size() >= 2);
        CHECK(found[0] == balderama.id);
        CHECK(holds(found, valderrama.id));
        const auto again = pop.find("Valderrama");
        REQUIRE(again.size() >= 2);
        CHECK(again[0] == valderrama.id);
    }
}
