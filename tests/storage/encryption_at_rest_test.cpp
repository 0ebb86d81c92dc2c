// The raw bytes on disk reveal nothing that was stored.
#include <doctest/doctest.h>

#include <filesystem>

#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using namespace chasqui::storage;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// Every file of the data directory (database, WAL, shared memory, keyring).
std::string allBytes(const std::filesystem::path& dir) {
    std::string out;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) out += test::readBytes(entry.path());
    return out;
}

}  // namespace

TEST_CASE("names, document numbers, phones and notes are not in the database, its WAL or the keyring") {
    test::TestStore t;
    Person p = test::samplePerson();
    p.givenNames = "Zoraida Xiomara";
    p.familyName1 = "Quintanilla";
    p.familyName2 = "Yépez";
    p.docType = "passport";
    p.docNumber = "ZQ9876543";
    p.phone = "+51 912 345 678";
    PersonRepository persons(*t.store);
    auto added = persons.add(p);
    REQUIRE(added);
    Case c;
    c.personId = added->id;
    c.officeId = t->session().officeId;
    c.openedDate = "2025-06-01";
    c.consent = {true, "2025-06-01", {"registration"}};
    CaseRepository cases(*t.store);
    auto caseId = cases.open(c);
    REQUIRE(caseId);
    REQUIRE(cases.addNote(Note{{}, *caseId, "Sobreviviente refugiada en Calle Esperanza 42"}));

    const std::vector<std::string> secrets{"Zoraida",   "Xiomara",      "Quintanilla",   "ZQ9876543",  "zq9876543",
                                           "912345678", "Esperanza 42", added->caseCode, "quintanilla"};
    // While the store is open: the WAL holds the recent pages.
    const std::filesystem::path wal = t.dataDir.personalDb().string() + "-wal";
    REQUIRE(std::filesystem::exists(wal));
    CHECK(std::filesystem::file_size(wal) > 0);
    std::string bytes = allBytes(t.dataDir.root);
    for (const auto& s : secrets) {
        CAPTURE(s);
        CHECK_FALSE(contains(bytes, s));
    }
    // And after closing (checkpointed into the main file).
    t.store.reset();
    bytes = allBytes(t.dataDir.root);
    REQUIRE(bytes.size() > 8192);
    for (const auto& s : secrets) {
        CAPTURE(s);
        CHECK_FALSE(contains(bytes, s));
    }
    // Sanity check that the search would work: the same bytes in a plain file are found.
    CHECK(contains(std::string("..Quintanilla.."), "Quintanilla"));
    CHECK_FALSE(contains(bytes, "SQLite format 3"));  // not a plain SQLite header
}
