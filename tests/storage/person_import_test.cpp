// Importing persons from a registry's CSV (storage/import/person_import.hpp)
// into a real encrypted store: layouts, validation by line and column without
// values, dry runs, reruns, households and cases.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "storage/import/person_import.hpp"
#include "storage/keys/staff_admin.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using namespace chasqui::storage;
using chasqui::test::has;

namespace {

struct Fixture {
    test::TestStore t;
    std::filesystem::path write(const std::string& name, const std::string& content) {
        const auto path = t.dir.path() / name;
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }
    Result<ImportSummary> import(const std::string& content, ImportOptions options = {}) {
        return importPersons(*t, write("registry.csv", content), options);
    }
    std::int64_t count(const std::string& sql) {
        auto n = t->db().scalarInt(sql);
        REQUIRE(n);
        return *n;
    }
    std::int64_t persons() { return count("SELECT count(*) FROM persons"); }
    // Everything a write leaves: rows, audit entries, sync changes.
    std::string footprint() {
        return std::to_string(persons()) + "/" + std::to_string(count("SELECT count(*) FROM households")) + "/" +
               std::to_string(count("SELECT count(*) FROM cases")) + "/" +
               std::to_string(count("SELECT count(*) FROM audit")) + "/" +
               std::to_string(count("SELECT count(*) FROM changes"));
    }
};

const std::string kHeader =
    "source_id,given_names,family_name_1,family_name_2,sex,birth_date,nationality,document_type,document_number,"
    "phone,population_type\n";

std::string person(const std::string& id, const std::string& given, const std::string& doc = "V12345678") {
    return id + "," + given + ",Pérez,Gómez,female,1990-04-02,VEN,cedula_ven," + doc + ",987654321,in_destination\n";
}

}  // namespace

TEST_CASE("import: a comma file; every person keeps its source_id, gets a case, an audit entry and a sync change") {
    Fixture f;
    auto s = f.import(kHeader + person("R-1", "Ana") + person("R-2", "Luisa", "V23456789"));
    REQUIRE_MESSAGE(s, (s ? "" : s.error().message));
    CHECK(s->rows == 2);
    CHECK(s->added == 2);
    CHECK(s->invalid == 0);
    CHECK(f.persons() == 2);
    CHECK(f.count("SELECT count(*) FROM persons WHERE source_id IN ('R-1', 'R-2')") == 2);
    CHECK(f.count("SELECT count(*) FROM persons WHERE given_names = 'Ana' AND doc_number = 'V12345678'") == 1);
    CHECK(f.count("SELECT count(*) FROM cases WHERE person_id IN (SELECT id FROM persons)") == 2);
    CHECK(f.count("SELECT count(*) FROM changes WHERE entity IN ('person', 'case')") == 4);
    CHECK(f.count("SELECT count(*) FROM audit WHERE action = 'create' AND entity = 'person'") == 2);
}

TEST_CASE("import: a semicolon file with a BOM, CRLF and quoted fields holding ; quotes and line breaks") {
    Fixture f;
    const std::string text =
        "\xEF\xBB\xBFsource_id;given_names;family_name_1;family_name_2;sex;birth_date;nationality;population_type;"
        "gender_identity\r\n"
        "S1;\"María; José\";\"D'\"\"Angelo\";;female;1985-12-31;COL;in_transit;\"\"\r\n"
        "S2;Jean;Baptiste;;male;2001-01-01;HTI;host_community;\r\n";
    auto s = f.import(text);
    REQUIRE_MESSAGE(s, (s ? "" : s.error().message));
    CHECK(s->added == 2);
    CHECK(s->invalid == 0);
    CHECK(f.count("SELECT count(*) FROM persons WHERE given_names = 'María; José' AND family_name_1 = 'D''\"Angelo' "
                  "AND source_id = 'S1' AND doc_type = 'none' AND migration_status = 'unknown'") == 1);
}

TEST_CASE("import: a Kobo export: group paths, _uuid as source_id, meta columns ignored, select_multiple lists") {
    Fixture f;
    const std::string text =
        "start,end,deviceid,group_person/given_names,group_person/family_name_1,group_person/sex,"
        "group_person/birth_date,group_person/nationality,group_person/population_type,group_case/needs,"
        "group_case/consent,group_case/consent_date,group_case/consent_scope,_id,_uuid,_submission_time,_index,"
        "favourite_colour\n"
        "2024-05-01T10:00,2024-05-01T10:10,enketo:1,Rosa,Quispe,female,1970-07-07,PER,peruvian_returnee,"
        "food_security health,given,2024-05-01,registration follow_up_contact,101,"
        "4f1c2a7e-1111-4a1b-9c1d-000000000001,2024-05-01T10:11,1,blue\n";
    auto s = f.import(text);
    REQUIRE_MESSAGE(s, (s ? "" : s.error().message));
    CHECK(s->added == 1);
    REQUIRE(s->ignoredColumns.size() == 1);
    CHECK(s->ignoredColumns.front() == "favourite_colour");
    CHECK(f.count("SELECT count(*) FROM persons WHERE source_id = '4f1c2a7e-1111-4a1b-9c1d-000000000001'") == 1);
    CHECK(f.count("SELECT count(*) FROM cases WHERE needs = 'food_security,health' AND consent_given = 1 AND "
                  "consent_scope = 'follow_up_contact,registration'") == 1);  // sets are kept sorted
}

TEST_CASE("import: households by household_key, across batches, with one head and relations to it") {
    Fixture f;
    const std::string header =
        "source_id,given_names,family_name_1,sex,birth_date,nationality,population_type,"
        "household_key,relation_to_head,household_district\n";
    const std::string rows =
        "P1,Hijo,Rojas,male,2015-01-01,VEN,in_destination,H1,child,\n"
        "P2,Madre,Rojas,female,1988-01-01,VEN,in_destination,H1,head,150132\n"
        "P3,Padre,Rojas,male,1986-01-01,VEN,in_destination,H1,spouse,\n"
        "P4,Sola,Lima,female,1950-01-01,VEN,in_destination,,,\n"
        "P5,Otra,Rojas,female,1990-01-01,VEN,in_destination,H1,head,\n";
    ImportOptions options;
    options.batchSize = 2;  // the family spans three transactions
    auto s = f.import(header + rows, options);
    REQUIRE_MESSAGE(s, (s ? "" : s.error().message));
    CHECK(s->added == 4);
    CHECK(s->households == 1);
    REQUIRE(s->problems.size() == 1);
    CHECK(s->problems[0].line == 6);
    CHECK(s->problems[0].column == "relation_to_head");
    CHECK(f.count("SELECT count(*) FROM households") == 1);
    CHECK(f.count("SELECT count(*) FROM households h JOIN persons p ON p.id = h.head_person_id "
                  "WHERE p.source_id = 'P2' AND h.source_id = 'H1'") == 1);
    CHECK(f.count("SELECT count(*) FROM persons p JOIN households h ON h.id = p.household_id "
                  "WHERE h.source_id = 'H1'") == 3);
    CHECK(f.count("SELECT count(*) FROM persons WHERE source_id = 'P1' AND relation_to_head = 'child'") == 1);
    CHECK(f.count("SELECT count(*) FROM persons WHERE source_id = 'P4' AND household_id = ''") == 1);
}

TEST_CASE("import: a bad row is named by line and column, its values appear nowhere; the good rows are imported") {
    Fixture f;
    const std::string text = kHeader + person("R-1", "Ana") +
                             // a quoted line break: the next record starts on line 5
                             "R-2,\"Zoraida\nSegunda\",Pérez,,female,1990-01-01,VEN,none,,,in_destination\n" +
                             "R-3,Xiomara,Pérez,,mujer,1990-01-01,VEN,none,,,in_destination\n" +
                             "R-4,Yubiri,Pérez,,female,1990-02-31,VEN,none,,,in_destination\n" +
                             "R-5,Wendy,Pérez,,female,1990-02-01,VEN,dni,X-SECRET-77,,in_destination\n" +
                             "R-6,Zully,Pérez,,female,1990-02-01,VEN,none,,,in_destination,extra\n" + "R-7,,,\n";
    auto s = f.import(text);
    REQUIRE_MESSAGE(s, (s ? "" : s.error().message));
    CHECK(s->added == 1);  // the name with a line break is not valid text
    CHECK(s->invalid == 6);
    REQUIRE(s->problems.size() == 6);
    CHECK(s->problems[0].line == 3);
    CHECK(s->problems[0].column == "given_names");
    CHECK(s->problems[1].line == 5);
    CHECK(s->problems[1].column == "sex");
    CHECK(s->problems[2].line == 6);
    CHECK(s->problems[2].column == "birth_date");
    CHECK(s->problems[3].line == 7);
    CHECK(s->problems[3].column == "document_number");
    CHECK(s->problems[4].line == 8);
    CHECK(s->problems[4].column == "csv");
    CHECK(s->problems[5].line == 9);
    for (const auto& p : s->problems) {
        for (const char* value : {"Zoraida", "Xiomara", "mujer", "Yubiri", "1990-02-31", "SECRET", "Wendy", "extra"})
            CHECK_MESSAGE(!has(p.message, value), p.message);
    }
    CHECK(f.persons() == 1);
}

TEST_CASE("import: a dry run writes nothing and counts what would happen") {
    Fixture f;
    REQUIRE(f.import(kHeader + person("R-1", "Ana")));
    const std::string footprint = f.footprint();
    ImportOptions dry;
    dry.dryRun = true;
    auto s = f.import(kHeader + person("R-1", "Ana") + person("R-2", "Bea", "V23456789") +
                          "R-3,Cira,Pérez,,female,2999-01-01,VEN,none,,,in_destination\n",
                      dry);
    REQUIRE(s);
    CHECK(s->added == 1);
    CHECK(s->alreadyImported == 1);
    CHECK(s->invalid == 1);
    CHECK(f.footprint() == footprint);
}

TEST_CASE("import: the same file twice adds nothing; rows without a source_id or with a repeated one are refused") {
    Fixture f;
    const std::string text = kHeader + person("R-1", "Ana") + person("R-2", "Bea", "V23456789") +
                             person("", "Sin", "V34567890") + person("R-9", "Una", "V45678901") +
                             person("R-9", "Dos", "V56789012");
    auto first = f.import(text);
    REQUIRE(first);
    CHECK(first->added == 2);
    CHECK(first->invalid == 3);
    CHECK(first->problems[0].column == "source_id");
    CHECK(first->problems[1].column == "source_id");
    const std::string footprint = f.footprint();
    auto second = f.import(text);
    REQUIRE(second);
    CHECK(second->added == 0);
    CHECK(second->alreadyImported == 2);
    CHECK(f.footprint() == footprint);
}

TEST_CASE("import: files refused whole, before anything is written, with a clear error") {
    Fixture f;
    const std::string footprint = f.footprint();
    auto refused = [&](const std::string& content, ErrorCode code, const std::string& part) {
        CAPTURE(part);
        auto s = f.import(content);
        REQUIRE_FALSE(s);
        CHECK(s.error().code == code);
        CHECK_MESSAGE(has(s.error().message, part), s.error().message);
        CHECK(!has(s.error().message, "Ana"));
    };
    refused("", ErrorCode::InvalidInput, "empty");
    refused("\xEF\xBB\xBF", ErrorCode::InvalidInput, "empty");
    refused("name,age,city\nAna,3,Lima\n", ErrorCode::InvalidInput, "none of the columns");
    refused("source_id,given_names\nR1,Ana\n", ErrorCode::InvalidInput, "family_name_1");
    // Cut short inside a quoted field: even the good first row is not written.
    refused(kHeader + person("R-1", "Ana") + "R-2,\"Ana", ErrorCode::InvalidInput, "line 3");
    refused(kHeader + "R-1,Ana" + std::string(10000, 'a') + ",x\n", ErrorCode::InvalidInput, "line 2");
    auto missing = importPersons(*f.t, f.t.dir.path() / "nothing-here.csv", {});
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ErrorCode::NotFound);
    CHECK(f.footprint() == footprint);
}

TEST_CASE("import: invalid UTF-8 in a row refuses the row, named by its column") {
    Fixture f;
    auto s = f.import(kHeader + "R-1,An\xC3\x28,Pérez,,female,1990-01-01,VEN,none,,,in_destination\n" +
                      person("R-2", "Bea"));
    REQUIRE(s);
    CHECK(s->added == 1);
    REQUIRE(s->problems.size() == 1);
    CHECK(s->problems[0].line == 2);
    CHECK(s->problems[0].column == "given_names");
    CHECK(has(s->problems[0].message, "UTF-8"));
}

TEST_CASE("import: only supervisors and administrators may import") {
    Fixture f;
    REQUIRE(StaffAdmin(*f.t, KdfParams::minimumForTests()).add("Luis Quispe", "luis.staff", "staff", "13572468"));
    auto staff = PersonalStore::signIn(f.t.dataDir, "luis.staff", "13572468", f.t.clock);
    REQUIRE(staff);
    auto s = importPersons(**staff, f.write("registry.csv", kHeader + person("R-1", "Ana")), {});
    REQUIRE_FALSE(s);
    CHECK(s.error().code == ErrorCode::PermissionDenied);
    CHECK((*staff)->db().scalarInt("SELECT count(*) FROM persons").value_or(-1) == 0);
}

TEST_CASE("import: a refused head row, fixed and imported again, heads the household its family already has") {
    Fixture f;
    const std::string header =
        "source_id,given_names,family_name_1,sex,birth_date,nationality,population_type,"
        "household_key,relation_to_head\n";
    const std::string child = "P1,Hijo,Rojas,male,2015-01-01,VEN,in_destination,H1,child\n";
    auto first = f.import(header + child + "P2,Madre,Rojas,mujer,1988-01-01,VEN,in_destination,H1,head\n");
    REQUIRE(first);
    CHECK(first->added == 1);
    CHECK(f.count("SELECT count(*) FROM households WHERE head_person_id = ''") == 1);
    auto fixed = f.import(header + child + "P2,Madre,Rojas,female,1988-01-01,VEN,in_destination,H1,head\n");
    REQUIRE(fixed);
    CHECK(fixed->added == 1);
    CHECK(fixed->alreadyImported == 1);
    CHECK(f.count("SELECT count(*) FROM households") == 1);
    CHECK(f.count("SELECT count(*) FROM households h JOIN persons p ON p.id = h.head_person_id "
                  "WHERE p.source_id = 'P2' AND p.household_id = h.id") == 1);
}
