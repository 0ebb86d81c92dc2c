// The PostgreSQL store keeps a record's fields in one jsonb row
// (record_state, pg_record_fields.hpp): what the core wrote comes back with
// the same texts, a push merges its fields into the stored ones, a row names
// the clock and author its fields share once (schema 6), migration 5 moves
// schema-4 field rows into it, and a damaged row is an error.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/server/repository/personal_fields.hpp"
#include "sync/server/repository/postgres/pg_record_fields.hpp"
#include "sync/server/repository/postgres/pg_schema.hpp"
#include "sync/server/repository/postgres/pg_transactions.hpp"
#include "tests/server/postgres/pg_test_database.hpp"

using namespace chasqui;
using namespace chasqui::sync;
using namespace chasqui::test::pgtest;

namespace {

// A push that reads its records first, as the core does: records found
// absent take the plain INSERT, the others the upsert.
void pushRead(ServerRepository& repo, const PushWrites& writes) {
    std::set<RecordKey> keys;
    for (const auto& [key, office] : writes.newOffices) keys.insert(key);
    for (const auto& f : writes.fields) keys.insert(f.key);
    auto tx = repo.beginPush();
    REQUIRE(tx.has_value());
    const std::vector<RecordKey> list(keys.begin(), keys.end());
    REQUIRE((*tx)->lockRecords(list));
    REQUIRE((*tx)->records(list));
    auto committed = (*tx)->commit(writes);
    REQUIRE_MESSAGE(committed.has_value(), (committed ? "" : committed.error().message));
}

std::map<RecordKey, RecordState> readBack(ServerRepository& repo, const std::vector<RecordKey>& keys) {
    auto tx = repo.beginPush();
    REQUIRE(tx.has_value());
    auto records = (*tx)->records(keys);
    REQUIRE_MESSAGE(records.has_value(), (records ? "" : records.error().message));
    return std::move(*records);
}

FieldWrite write(const RecordKey& key, const std::string& field, const std::string& value, std::string base = "",
                 std::string elements = "") {
    return FieldWrite{key, field,
                      StoredField{value, "0000000000a1-0000@dev-a", std::move(base), "staff-1", std::move(elements)}};
}

// Values as the core writes them (nlohmann dumps), among them texts jsonb
// would give back otherwise.
const std::vector<std::string> kValues = {
    R"("Tumbes")", R"("quote \" backslash \\ newline \n tab \t ñandú 😀 <>&")",
    R"("")",       "null",
    "true",        "12",
    "-7",          "0.1",
    "150.0",
    "1e+19",  // jsonb: 10000000000000000000, an integer
    "-1e+18",      "1.5e-07",
    "-0.0",  // jsonb: 0.0
};

}  // namespace

TEST_CASE("pg: record_state gives back every value text, base, author and element clock the core wrote") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    auto repo = openRepo(db.url, cipher);
    const RecordKey kase{"case", "c-1"};
    const RecordKey person{"person", "p-1"};
    PushWrites writes;
    writes.newOffices = {{kase, "TUM"}, {person, "TUM"}};
    for (std::size_t i = 0; i < kValues.size(); ++i)
        writes.fields.push_back(write(kase, "f" + std::to_string(100 + i), kValues[i]));
    writes.fields.push_back(write(kase, "needs", R"("food legal")", "0000000000a0-0000@dev-b",
                                  R"({"food":["0000000000a1-0000@dev-a",""],"legal":["x","y"]})"));
    // Fields whose clock or author is not the row's: they name their own.
    writes.fields.push_back(
        {kase, "other_clock", StoredField{R"("late")", "0000000000a9-0003@dev-c", "", "staff-1", ""}});
    writes.fields.push_back({kase, "no_author", StoredField{"3", "0000000000a1-0000@dev-a", "", "", ""}});
    // Personal fields, sealed, with the same texts.
    writes.fields.push_back(write(person, "given_names", kValues[1]));
    writes.fields.push_back(write(person, "phone", "null"));
    writes.fields.push_back(write(person, "birth_date", R"("1990-05-17")"));
    writes.fields.push_back(write(person, "doc_number", R"("ab-123 45")"));
    pushRead(*repo, writes);

    auto records = readBack(*repo, {kase, person});
    REQUIRE(records.size() == 2);
    for (const auto& w : writes.fields) {
        CAPTURE(w.field);
        const auto& fields = records.at(w.key).fields;
        REQUIRE(fields.contains(w.field));
        CHECK(fields.at(w.field) == w.state);
    }
    CHECK(records.at(kase).office == "TUM");
    // Queryable as a report would: values as JSON, the birth year, the hash.
    CHECK(db.scalar("SELECT fields #>> '{f100,v}' FROM record_state WHERE record_id = 'c-1'") == "Tumbes");
    CHECK(db.scalar("SELECT fields #>> '{birth_date,y}' FROM record_state WHERE record_id = 'p-1'") == "1990");
    CHECK(db.scalar("SELECT record_id FROM record_state WHERE fields #>> '{doc_number,h}' = '" +
                    cipher.lookupHash("AB12345") + "'") == "p-1");
    CHECK(db.scalar("SELECT fields::text LIKE '%ñandú%' FROM record_state WHERE record_id = 'p-1'") == "f");
    // The clock and author most fields share are the row's, named once.
    CHECK(db.scalar("SELECT field_clock || ' ' || field_author FROM record_state WHERE record_id = 'c-1'") ==
          "0000000000a1-0000@dev-a staff-1");
    CHECK(db.scalar("SELECT count(*) FROM record_state, jsonb_each(fields) AS f WHERE record_id = 'c-1' AND "
                    "(f.value ? 'c' OR f.value ? 'a')") == "2");
    CHECK(db.scalar("SELECT fields #>> '{other_clock,c}' FROM record_state WHERE record_id = 'c-1'") ==
          "0000000000a9-0003@dev-c");
    CHECK(db.scalar("SELECT fields #>> '{no_author,a}' FROM record_state WHERE record_id = 'c-1'") == "");
}

TEST_CASE("pg: a push merges its fields into the stored record and keeps the rest; a record gets its office once") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    auto repo = openRepo(db.url, cipher);
    const RecordKey person{"person", "p-2"};
    const RecordKey early{"case", "c-early"};  // fields before the change that names its office
    PushWrites first;
    first.newOffices = {{person, "TUM"}};
    first.fields = {write(person, "given_names", R"("Rosa")"), write(person, "sex", R"("F")"),
                    write(early, "status", R"("open")")};
    pushRead(*repo, first);
    CHECK(readBack(*repo, {early}).at(early).office.empty());

    PushWrites second;
    second.newOffices = {{person, "PUN"}, {early, "TAC"}};  // a record's office never moves
    second.fields = {write(person, "sex", R"("M")", "0000000000a1-0000@dev-a"),
                     write(person, "phone", R"("+51 900 000 000")")};
    pushRead(*repo, second);
    auto records = readBack(*repo, {person, early});
    const auto& fields = records.at(person).fields;
    CHECK(records.at(person).office == "TUM");
    CHECK(records.at(early).office == "TAC");
    CHECK(records.at(early).fields.at("status").value == R"("open")");
    REQUIRE(fields.size() == 3);
    CHECK(fields.at("given_names").value == R"("Rosa")");
    CHECK(fields.at("sex") == second.fields[0].state);
    CHECK(fields.at("phone").value == R"("+51 900 000 000")");
    const auto counts = repo->counts();
    REQUIRE(counts.has_value());
    REQUIRE(counts->offices.size() == 2);
    CHECK(counts->offices[0].office == "TAC");
    CHECK(counts->offices[0].cases == 1);
    CHECK(counts->offices[1].office == "TUM");
    CHECK(counts->offices[1].persons == 1);

    // A later clock and author on a stored row: the row's own stay, for the
    // fields that name none, and the new field names its own.
    PushWrites third;
    third.fields = {{person, "sex", StoredField{R"("F")", "0000000000b7-0001@dev-z", "", "staff-9", ""}}};
    pushRead(*repo, third);
    CHECK(db.scalar("SELECT field_clock || ' ' || field_author FROM record_state WHERE record_id = 'p-2'") ==
          "0000000000a1-0000@dev-a staff-1");
    auto after = readBack(*repo, {person}).at(person).fields;
    CHECK(after.at("sex") == third.fields[0].state);
    CHECK(after.at("given_names") == first.fields[0].state);
    // A push that did not read the row first (the core's conflict records)
    // names every clock and author, even an empty one, over the row's.
    PushWrites blind;
    blind.fields = {{person, "phone", StoredField{R"("+51 2")", "0000000000b8-0000@dev-z", "", "", ""}}};
    push(*repo, blind);
    after = readBack(*repo, {person}).at(person).fields;
    CHECK(after.at("phone") == blind.fields[0].state);
    CHECK(after.at("given_names") == first.fields[0].state);
}

TEST_CASE("pg: migration 5 moves schema-4 field rows and offices into record_state, sealed values as they were") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    auto repo = openRepo(db.url, cipher, false);
    auto conn = db.connect();
    REQUIRE(pg::migratePgSchema(*conn, cipher, 4));
    // What a schema-4 server wrote.
    const RecordKey person{"person", "p-9"};
    const RecordKey kase{"case", "c-9"};
    const RecordKey orphan{"case", "c-orphan"};  // fields, no office row
    const RecordKey bare{"person", "p-bare"};    // an office row, no fields
    struct Row {
        RecordKey key;
        std::string field;
        StoredField state;
    };
    const std::vector<Row> rows = {
        {person, "given_names", {R"("Wilmer")", "0000000000a1-0000@dev-a", "", "staff-1", ""}},
        {person, "birth_date", {R"("1987-03-09")", "0000000000a1-0000@dev-a", "0000000000a0-0000@dev-b", "", ""}},
        {person, "doc_number", {R"("XK-4471239")", "0000000000a1-0000@dev-a", "", "staff-1", ""}},
        {person, "sex", {R"("M")", "0000000000a1-0000@dev-a", "", "staff-1", ""}},
        {kase, "needs", {R"("food")", "0000000000a2-0000@dev-a", "", "staff-1", R"({"food":["a","b"]})"}},
        {kase, "amount", {"1e+19", "0000000000a2-0000@dev-a", "", "staff-1", ""}},
        {kase, "closed_at", {"null", "0000000000a2-0000@dev-a", "", "staff-1", ""}},
        {kase, "note", {R"("a \"quoted\" line\nand another")", "0000000000a2-0000@dev-a", "", "staff-1", ""}},
        {orphan, "status", {R"("open")", "0000000000a3-0000@dev-a", "", "staff-1", ""}},
    };
    for (const auto& row : rows) {
        const FieldPrivacy privacy = fieldPrivacy(row.key.entity, row.field);
        std::optional<std::string> value;
        std::optional<std::string> sealed;
        std::optional<std::string> year;
        std::optional<std::string> hash;
        if (privacy == FieldPrivacy::Plain) {
            value = row.state.value;
        } else {
            sealed =
                pg::byteaParam(cipher.seal(row.state.value, fieldPlace(row.key.entity, row.key.record, row.field)));
        }
        if (privacy == FieldPrivacy::BirthDate) year = "1987";
        if (privacy == FieldPrivacy::DocNumber) hash = cipher.lookupHash("XK-4471239");
        REQUIRE(
            conn->exec("INSERT INTO field_state (entity, record_id, field, value, sealed, birth_year, doc_hash, "
                       "clock, base, author, elements) VALUES ($1, $2, $3, $4, $5::bytea, $6::smallint, $7, $8, "
                       "$9, $10, $11)",
                       {row.key.entity, row.key.record, row.field, value, sealed, year, hash, row.state.clock,
                        row.state.base, row.state.author, row.state.elements},
                       "test"));
    }
    REQUIRE(
        conn->execScript("INSERT INTO record_office VALUES ('person', 'p-9', 'TUM'), ('case', 'c-9', 'TUM'), "
                         "('person', 'p-bare', 'PUN')",
                         "test"));

    REQUIRE(repo->migrate());  // and on through 6: the moved rows name every clock, with empty defaults
    CHECK(repo->schema()->current == 6);
    CHECK(db.scalar("SELECT count(*) FROM record_state WHERE field_clock <> '' OR field_author <> ''") == "0");
    CHECK(db.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('field_state', "
                    "'record_office')") == "0");
    CHECK(db.scalar("SELECT count(*) FROM record_state") == "4");
    auto records = readBack(*repo, {person, kase, orphan, bare});
    REQUIRE(records.size() == 4);
    for (const auto& row : rows) {
        CAPTURE(row.field);
        REQUIRE(records.at(row.key).fields.contains(row.field));
        CHECK(records.at(row.key).fields.at(row.field) == row.state);
    }
    CHECK(records.at(person).fields.size() == 4);
    CHECK(records.at(person).office == "TUM");
    CHECK(records.at(orphan).office.empty());
    CHECK(records.at(bare).office == "PUN");
    CHECK(records.at(bare).fields.empty());
    CHECK(db.scalar("SELECT record_id FROM record_state WHERE fields #>> '{doc_number,h}' = '" +
                    cipher.lookupHash("xk 4471239") + "'") == "p-9");
    CHECK(db.scalar("SELECT fields #>> '{birth_date,y}' FROM record_state WHERE record_id = 'p-9'") == "1987");
    CHECK(db.scalar("SELECT fields::text LIKE '%Wilmer%' FROM record_state WHERE record_id = 'p-9'") == "f");
    const auto counts = repo->counts();
    REQUIRE(counts.has_value());
    REQUIRE(counts->offices.size() == 2);
    CHECK(counts->offices[0].office == "PUN");
    CHECK(counts->offices[0].persons == 1);
    CHECK(counts->offices[1].persons == 1);
    CHECK(counts->offices[1].cases == 1);

    // A record written after the migration merges into a migrated one.
    PushWrites writes;
    writes.fields = {write(kase, "status", R"("closed")")};
    pushRead(*repo, writes);
    CHECK(readBack(*repo, {kase}).at(kase).fields.size() == 5);
}

TEST_CASE("pg: a damaged record_state row is an Internal error that names the table, never a crash") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    auto repo = openRepo(db.url, cipher);
    const RecordKey kase{"case", "c-d"};
    PushWrites writes;
    writes.newOffices = {{kase, "TUM"}};
    writes.fields = {write(kase, "status", R"("open")")};
    pushRead(*repo, writes);
    auto conn = db.connect();
    const std::vector<std::string> damages = {R"([])", R"({"status": 5})", R"({"status": {"v": "open"}})",
                                              R"({"status": {"c": 7, "v": 1}})", R"({"status": {"c": "x", "t": []}})",
                                              R"({"status": {"c": "x", "b": 1}})",
                                              // a personal field's ciphertext that is not base64, or does not open
                                              R"({"status": {"c": "x"}, "x": {"c": "x", "s": "***"}})"};
    for (const auto& damage : damages) {
        CAPTURE(damage);
        // Empty defaults, as a row written before schema 6: a field must name its clock.
        REQUIRE(conn->exec("UPDATE record_state SET fields = $1::jsonb, field_clock = '' WHERE record_id = 'c-d'",
                           {damage}, "test"));
        auto tx = repo->beginPush();
        REQUIRE(tx.has_value());
        auto records = (*tx)->records({kase});
        REQUIRE_FALSE(records.has_value());
        CHECK(records.error().code == SyncErrorCode::Internal);
        CHECK(records.error().message.find("record_state") != std::string::npos);
    }
    const RecordKey person{"person", "p-d"};
    PushWrites personal;
    personal.fields = {write(person, "phone", R"("+51 1")")};
    pushRead(*repo, personal);
    REQUIRE(
        conn->execScript("UPDATE record_state SET fields = jsonb_set(fields, '{phone,s}', '\"AAAA\"') WHERE "
                         "record_id = 'p-d'",
                         "test"));
    auto tx = repo->beginPush();
    auto records = (*tx)->records({person});
    REQUIRE_FALSE(records.has_value());
    CHECK(records.error().message.find("field key does not match") != std::string::npos);
}

TEST_CASE("pg: appendJsonString escapes what JSON needs and copies the rest") {
    std::string out;
    pg::appendJsonString(out, std::string("a\"b\\c\n\x01ñ"));
    CHECK(out == "\"a\\\"b\\\\c\\u000a\\u0001ñ\"");
    CHECK(nlohmann::json::parse(out).get<std::string>() == std::string("a\"b\\c\n\x01ñ"));
}
