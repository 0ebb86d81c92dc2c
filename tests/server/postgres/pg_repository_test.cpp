// The PostgreSQL store against a real cluster (pg_test_database.hpp): schema
// migrations, settings, a push round trip, pull pages, field encryption as a
// pg_dump shows it, the field key, lost connections. Without
// CHASQUI_TEST_PG_URL every case is skipped with a message.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "sync/server/repository/personal_fields.hpp"
#include "sync/server/repository/postgres/pg_schema.hpp"
#include "sync/server/repository/postgres/pg_transactions.hpp"
#include "tests/server/postgres/pg_test_database.hpp"

using namespace chasqui;
using namespace chasqui::sync;
using namespace chasqui::test::pgtest;

namespace {

constexpr const char* kPgDump = "/usr/lib/postgresql/15/bin/pg_dump";

std::string runCapture(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[65536];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    REQUIRE(::pclose(pipe) == 0);
    return out;
}

}  // namespace

TEST_CASE("pg: an unreachable database is Internal and never shows the password") {
    const FieldCipher cipher = randomCipher();
    RepositoryConfig config;
    config.databaseUrl = "postgresql://chasqui:s3cret-pw-42@127.0.0.1:1/chasqui?connect_timeout=2";
    config.fieldCipher = &cipher;
    auto repo = openPgRepository(config);
    REQUIRE_FALSE(repo.has_value());
    CHECK(repo.error().code == SyncErrorCode::Internal);
    CHECK(repo.error().message.find("s3cret-pw-42") == std::string::npos);
    CHECK(repo.error().message.find("check --database") != std::string::npos);
    config.fieldCipher = nullptr;
    CHECK(openPgRepository(config).error().message.find("server.fields.key") != std::string::npos);
}

TEST_CASE("pg: migrations from an empty database, from every earlier version, rerun, and at once") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    for (int from = 0; from < pg::latestPgSchema(); ++from) {
        CAPTURE(from);
        TempDatabase db;
        auto repo = openRepo(db.url, cipher, false);
        CHECK(repo->schema()->current == 0);
        CHECK(repo->schema()->latest == 6);
        auto conn = db.connect();
        REQUIRE(pg::migratePgSchema(*conn, cipher, from));
        CHECK(repo->schema()->current == from);
        REQUIRE(repo->migrate());
        CHECK(repo->schema()->current == 6);
        REQUIRE(repo->migrate());  // nothing left to do
        CHECK(repo->schema()->current == 6);
        CHECK(db.scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'devices' AND "
                        "column_name = 'signing_key'") == "1");
        CHECK(db.scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'record_state' AND "
                        "column_name = 'fields' AND data_type = 'jsonb'") == "1");
        CHECK(db.scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'record_state' AND "
                        "column_name IN ('field_clock', 'field_author')") == "2");
        // ANALYZE leaves the big columns nothing filters on.
        CHECK(db.scalar("SELECT count(*) FROM pg_attribute WHERE attstattarget = 0 AND ((attrelid = "
                        "'record_state'::regclass AND attname = 'fields') OR (attrelid = 'change_log'::regclass AND "
                        "attname = 'payload'))") == "2");
        CHECK(db.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('field_state', "
                        "'record_office')") == "0");
        CHECK(db.scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'change_log' AND "
                        "column_name = 'payload_hash'") == "0");
        // Debian's PostgreSQL has lz4: a record's fields are compressed with it.
        CHECK(db.scalar("SELECT attcompression FROM pg_attribute WHERE attrelid = 'record_state'::regclass AND "
                        "attname = 'fields'") == "l");
    }
    // Several processes starting at once: one migrates, the others wait.
    TempDatabase db;
    std::vector<std::unique_ptr<ServerRepository>> repos;
    for (int i = 0; i < 4; ++i) repos.push_back(openRepo(db.url, cipher, false));
    std::atomic<int> failures{0};
    std::latch start(4);
    std::vector<std::thread> threads;
    for (auto& repo : repos) {
        threads.emplace_back([&, r = repo.get()] {
            start.arrive_and_wait();
            if (!r->migrate()) ++failures;
        });
    }
    for (auto& t : threads) t.join();
    CHECK(failures == 0);
    CHECK(repos[0]->schema()->current == 6);
}

TEST_CASE("pg: migration 4 seals staff logins kept in clear and drops payload hashes; old changes still dedupe") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    auto repo = openRepo(db.url, cipher, false);
    auto conn = db.connect();
    REQUIRE(pg::migratePgSchema(*conn, cipher, 3));
    // What a schema-3 server wrote: a login in clear, a change with its hash.
    const std::string payload = R"({"login":"rosa.huaman"})";
    REQUIRE(
        conn->exec("INSERT INTO field_state (entity, record_id, field, value, clock, base, author) VALUES "
                   "('staff', 's-1', 'login', $1, 'c', '', 'a'), ('staff', 's-1', 'role', '\"staff\"', 'c', '', "
                   "'a')",
                   {json("rosa.huaman")}, "test"));
    REQUIRE(
        conn->exec("INSERT INTO change_log (seq, change_id, payload_hash, office, origin_device, entity, record_id, "
                   "payload, received_at) VALUES (nextval('change_log_seq'), 'ch-old', 'an unkeyed hash', 'TUM', "
                   "'dev-a', 'staff', 's-1', $1::bytea, 1000)",
                   {pg::byteaParam(cipher.seal(payload, logPlace("ch-old")))}, "test"));
    REQUIRE(pg::migratePgSchema(*conn, cipher, 4));
    CHECK(repo->schema()->current == 4);
    CHECK(
        db.scalar("SELECT count(*) FROM field_state WHERE field = 'login' AND value IS NULL AND sealed IS NOT NULL") ==
        "1");
    CHECK(db.scalar("SELECT value FROM field_state WHERE field = 'role'") == "\"staff\"");  // not a personal field
    REQUIRE(repo->migrate());  // and on to record_state: the login stays sealed
    CHECK(db.scalar("SELECT fields #>> '{role,v}' FROM record_state") == "staff");
    CHECK(db.scalar("SELECT fields->'login' ? 's' FROM record_state") == "t");
    const std::string dump = runCapture(fmt::format("{} --data-only --dbname='{}'", kPgDump, db.url));
    CHECK(dump.find("rosa.huaman") == std::string::npos);
    CHECK(dump.find("an unkeyed hash") == std::string::npos);
    auto tx = repo->beginPush();
    REQUIRE(tx.has_value());
    const RecordKey staff{"staff", "s-1"};
    REQUIRE((*tx)->lockRecords({staff}));
    CHECK((*tx)->records({staff})->at(staff).fields.at("login").value == json("rosa.huaman"));
    auto known = (*tx)->loggedPayloads({"ch-old"});
    REQUIRE(known.has_value());
    CHECK(known->at("ch-old") == payload);
}

TEST_CASE("pg: a schema newer than this program is refused, changing nothing") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    auto repo = openRepo(db.url, cipher);
    auto conn = db.connect();
    REQUIRE(conn->execScript("UPDATE schema_version SET version = 99", "test"));
    const std::string tables = db.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
    auto refused = repo->migrate();
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == SyncErrorCode::Internal);
    CHECK(refused.error().message.find("newer chasqui-server") != std::string::npos);
    CHECK(refused.error().message.find("update this program") != std::string::npos);
    CHECK(db.scalar("SELECT version FROM schema_version") == "99");
    CHECK(db.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == tables);
    CHECK(repo->schema()->current == 99);
}

TEST_CASE("pg: settings are stored once, whoever asks first; the clock only moves forward") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    auto repo = openRepo(db.url, cipher);
    std::vector<std::string> seen(8);
    std::latch start(8);
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            seen[static_cast<std::size_t>(i)] = repo->setting("epoch", fmt::format("epoch-{}", i)).value();
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& s : seen) CHECK(s == seen.front());
    REQUIRE(repo->replaceSetting("epoch", "new"));
    CHECK(repo->setting("epoch", "x").value() == "new");

    PushWrites writes;
    writes.hlc = "0000000000b0-0000";
    push(*repo, writes);
    writes.hlc = "0000000000a0-0005";  // older: kept out
    push(*repo, writes);
    CHECK(repo->setting("last_hlc", "").value() == "0000000000b0-0000");
    writes.hlc = "0000000000c0-0000";
    push(*repo, writes);
    CHECK(repo->setting("last_hlc", "").value() == "0000000000c0-0000");
}

TEST_CASE("pg: a push round trip: locks, known changes, records, commit, pull pages, catalog, counts") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    auto repo = openRepo(db.url, cipher);
    const RecordKey person{"person", "p-1"};
    const RecordKey kase{"case", "c-1"};
    PushWrites writes;
    writes.log = {logEntry("ch-1", person, R"({"n":1})"), logEntry("ch-2", kase, R"({"n":2})")};
    writes.newOffices = {{person, "TUM"}, {kase, "TUM"}};
    writes.fields = {fieldWrite(person, "given_names", json("Ana")), fieldWrite(person, "sex", json("F")),
                     fieldWrite(kase, "status", json("open"))};
    writes.fields.back().state.elements = R"({"a":["1","2"]})";
    writes.quarantine = {QuarantineEntry{"ch-9", "dev-a", "out_of_scope", "this record belongs to another office",
                                         R"({"id":"ch-9"})", 1000}};
    writes.hlc = "0000000000a1-0000";
    {
        auto tx = repo->beginPush();
        REQUIRE(tx.has_value());
        REQUIRE((*tx)->lockRecords({kase, person}));
        CHECK((*tx)->loggedPayloads({"ch-1", "ch-2"})->empty());
        CHECK((*tx)->records({kase, person})->empty());
        REQUIRE((*tx)->commit(writes));
    }
    {
        // Destroyed without commit: nothing of it stays.
        auto tx = repo->beginPush();
        REQUIRE(tx.has_value());
        REQUIRE((*tx)->lockRecords({person}));
        PushWrites lost;
        lost.log = {logEntry("ch-lost", person, "{}")};
        (void)lost;
    }
    auto tx = repo->beginPush();
    REQUIRE(tx.has_value());
    REQUIRE((*tx)->lockRecords({kase, person, RecordKey{"person", "p-unknown"}}));
    auto known = (*tx)->loggedPayloads({"ch-1", "ch-2", "ch-3"});
    REQUIRE(known.has_value());
    CHECK(known->size() == 2);
    CHECK(known->at("ch-1") == R"({"n":1})");  // opened: the log keeps no hash of it
    auto records = (*tx)->records({kase, person, RecordKey{"person", "p-unknown"}});
    REQUIRE(records.has_value());
    REQUIRE(records->size() == 2);
    CHECK(records->at(person).office == "TUM");
    CHECK(records->at(person).fields.at("given_names") == writes.fields[0].state);
    CHECK(records->at(person).fields.at("sex").value == json("F"));
    CHECK(records->at(kase).fields.at("status") == writes.fields[2].state);
    PushWrites second;
    second.log = {logEntry("ch-3", person, R"({"n":3})")};
    second.fields = {fieldWrite(person, "given_names", json("Ana María"))};
    second.fields[0].state.base = "0000000000a1-0000@dev-a";
    second.log.push_back(logEntry("ch-1", person, "duplicate id: ignored"));
    REQUIRE((*tx)->commit(second));
    CHECK_FALSE((*tx)->commit(second).has_value());  // a transaction commits once

    auto page = repo->changesFor("TUM", "dev-b", 0, 100, 1 << 20);
    REQUIRE(page.has_value());
    CHECK(page->payloads == std::vector<std::string>{R"({"n":1})", R"({"n":2})", R"({"n":3})"});
    CHECK(page->last == page->newest);
    auto mine = repo->changesFor("TUM", "dev-a", 0, 100, 1 << 20);
    CHECK(mine->payloads.empty());
    CHECK(mine->last == 0);
    CHECK(mine->newest == page->newest);
    auto limited = repo->changesFor("TUM", "dev-b", 0, 2, 1 << 20);
    CHECK(limited->payloads.size() == 2);
    auto rest = repo->changesFor("TUM", "dev-b", limited->last, 2, 1 << 20);
    CHECK(rest->payloads == std::vector<std::string>{R"({"n":3})"});
    auto capped = repo->changesFor("TUM", "dev-b", 0, 100, 3);
    CHECK(capped->payloads.size() == 1);  // the first that passes the cap is the last
    CHECK(repo->changesFor("LIM", "dev-b", 0, 100, 1 << 20)->payloads.empty());

    CHECK_FALSE(repo->catalog()->has_value());
    REQUIRE(repo->publishCatalog("v1", R"({"services":[]})", 5));
    REQUIRE(repo->publishCatalog("v2", R"({"services":[1]})", 6));
    CHECK(repo->catalog()->value() == std::pair<std::string, std::string>{"v2", R"({"services":[1]})"});

    auto counts = repo->counts();
    REQUIRE(counts.has_value());
    CHECK(counts->changes == 3);
    CHECK(counts->quarantined == 1);
    CHECK(counts->catalogVersion == "v2");
    CHECK(counts->databaseBytes > 1'000'000);
    REQUIRE(counts->offices.size() == 1);
    CHECK(counts->offices[0].office == "TUM");
    CHECK(counts->offices[0].persons == 1);
    CHECK(counts->offices[0].cases == 1);
    CHECK(counts->offices[0].changes == 3);
    auto backup = repo->backup("/tmp/never-written");
    REQUIRE_FALSE(backup.has_value());
    CHECK(backup.error().message.find("pg_dump") != std::string::npos);
    CHECK(repo->backend() == "postgresql");

    // A quarantined change's id is stored as it came, cut at 64 bytes: a NUL
    // or half a character must not fail the push.
    PushWrites odd;
    odd.quarantine = {QuarantineEntry{std::string("a\0b", 3) + std::string(60, 'x') + "\xC3", "dev-a", "bad_request",
                                      "malformed", "{}", 1000}};
    push(*repo, odd);
    CHECK(repo->counts()->quarantined == 2);
}

TEST_CASE("pg: two servers in two schemas of one database stay apart (search_path in the URL)") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    auto admin = db.connect();
    REQUIRE(admin->execScript("CREATE SCHEMA s_one; CREATE SCHEMA s_two", "test"));
    const auto inSchema = [&](const std::string& schema) {
        return db.url + (db.url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
    };
    auto one = openRepo(inSchema("s_one"), cipher);
    auto two = openRepo(inSchema("s_two"), cipher);
    CHECK(one->schema()->current == pg::latestPgSchema());
    CHECK(two->schema()->current == pg::latestPgSchema());
    PushWrites writes;
    writes.log = {logEntry("ch-1", RecordKey{"person", "p-1"}, "{}")};
    push(*one, writes);
    CHECK(one->changesFor("TUM", "x", 0, 10, 1 << 20)->payloads.size() == 1);
    CHECK(two->changesFor("TUM", "x", 0, 10, 1 << 20)->payloads.empty());
    CHECK(db.scalar("SELECT count(*) FROM s_one.change_log") == "1");
    CHECK(db.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0");
}

TEST_CASE("pg: a commit that fails changes nothing and leaves its connection usable") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    auto repo = openRepo(db.url, cipher);
    const RecordKey person{"person", "p-1"};
    PushWrites writes;
    writes.log = {logEntry("ch-1", person, "{}")};
    writes.newOffices = {{person, "TUM"}};
    // A value that is not JSON: against the contract, refused by PostgreSQL
    // in the middle of the pipelined commit.
    writes.fields = {fieldWrite(person, "sex", json("F")), fieldWrite(person, "status", "\"unterminated")};
    writes.hlc = "0000000000f0-0000";
    for (int attempt = 0; attempt < 3; ++attempt) {  // the same connections again and again
        auto tx = repo->beginPush();
        REQUIRE(tx.has_value());
        REQUIRE((*tx)->lockRecords({person}));
        auto failed = (*tx)->commit(writes);
        REQUIRE_FALSE(failed.has_value());
        CHECK(failed.error().code == SyncErrorCode::Internal);
        CHECK(failed.error().message.find("storing records") != std::string::npos);
    }
    auto page = repo->changesFor("TUM", "dev-b", 0, 10, 1 << 20);
    REQUIRE(page.has_value());
    CHECK(page->payloads.empty());
    CHECK(page->newest == 0);
    CHECK(repo->setting("last_hlc", "none").value() == "none");
    writes.fields.pop_back();
    push(*repo, writes);
    CHECK(repo->changesFor("TUM", "dev-b", 0, 10, 1 << 20)->payloads.size() == 1);
}

TEST_CASE("pg: a dump reveals no name, document number, phone or note; report fields stay readable") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    auto repo = openRepo(db.url, cipher);
    const RecordKey person{"person", "p-7"};
    const RecordKey note{"note", "n-7"};
    const std::vector<std::string> secrets = {"Wilmerzinho", "Quispetorres",    "Huancahuari",
                                              "XK-4471239",  "+51 987 654 321", "sleeps at the bus terminal"};
    PushWrites writes;
    const std::string payload = fmt::format(R"({{"given_names":"{}","family_name_1":"{}","doc_number":"{}"}})",
                                            secrets[0], secrets[1], secrets[3]);
    writes.log = {logEntry("ch-p7", person, payload),
                  logEntry("ch-n7", note, fmt::format(R"({{"t":"{}"}})", secrets[5]))};
    writes.newOffices = {{person, "TUM"}, {note, "TUM"}};
    writes.fields = {fieldWrite(person, "given_names", json(secrets[0])),
                     fieldWrite(person, "family_name_1", json(secrets[1])),
                     fieldWrite(person, "family_name_2", json(secrets[2])),
                     fieldWrite(person, "doc_number", json(secrets[3])),
                     fieldWrite(person, "phone", json(secrets[4])),
                     fieldWrite(person, "birth_date", json("1987-03-09")),
                     fieldWrite(person, "sex", json("M")),
                     fieldWrite(person, "nationality", json("VEN")),
                     fieldWrite(person, "population_type", json("refugee_claimant")),
                     fieldWrite(note, "text", json(secrets[5])),
                     fieldWrite(RecordKey{"staff", "s-7"}, "login", json("wilmer.quispe"))};
    writes.quarantine = {QuarantineEntry{"ch-q", "dev-a", "clock_ahead", "stamped ahead", payload, 1000}};
    push(*repo, writes);

    const std::string dump = runCapture(fmt::format("{} --data-only --dbname='{}'", kPgDump, db.url));
    REQUIRE(dump.find("COPY public.record_state") != std::string::npos);
    for (const auto& secret : secrets) {
        CAPTURE(secret);
        CHECK(dump.find(secret) == std::string::npos);
    }
    CHECK(dump.find("4471239") == std::string::npos);
    CHECK(dump.find("wilmer.quispe") == std::string::npos);
    CHECK(dump.find("\"VEN\"") != std::string::npos);
    CHECK(dump.find("refugee_claimant") != std::string::npos);
    CHECK(dump.find("\"y\": 1987") != std::string::npos);  // the birth year, for age groups
    CHECK(dump.find("1987-03-09") == std::string::npos);
    // Lookups by document number: the keyed hash of the normalized number.
    CHECK(db.scalar("SELECT record_id FROM record_state WHERE fields #>> '{doc_number,h}' = '" +
                    cipher.lookupHash("xk 4471239") + "'") == "p-7");
    // Report fields as an IT department would query them.
    CHECK(db.scalar("SELECT count(*) FROM record_state WHERE entity = 'person' AND office = 'TUM' AND fields #>> "
                    "'{nationality,v}' = 'VEN' AND fields #>> '{sex,v}' = 'M' AND (fields #>> '{birth_date,y}')::int "
                    "< 2000") == "1");
    // And everything opens again for the server.
    auto tx = repo->beginPush();
    auto records = (*tx)->records({person, note});
    REQUIRE(records.has_value());
    CHECK(records->at(person).fields.at("phone").value == json(secrets[4]));
    CHECK(records->at(note).fields.at("text").value == json(secrets[5]));
    auto page = repo->changesFor("TUM", "dev-b", 0, 10, 1 << 20);
    REQUIRE(page.has_value());
    CHECK(page->payloads.front() == payload);
}

TEST_CASE("pg: another field key, or a value moved to another row, is an Internal error, never garbage") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    const RecordKey a{"person", "p-a"};
    const RecordKey b{"person", "p-b"};
    {
        auto repo = openRepo(db.url, cipher);
        PushWrites writes;
        writes.log = {logEntry("ch-a", a, "{}")};
        writes.newOffices = {{a, "TUM"}, {b, "TUM"}};
        writes.fields = {fieldWrite(a, "given_names", json("Rosa")), fieldWrite(b, "given_names", json("Luz"))};
        push(*repo, writes);
    }
    const FieldCipher other = randomCipher();
    auto repo = openRepo(db.url, other);
    auto tx = repo->beginPush();
    auto records = (*tx)->records({a});
    REQUIRE_FALSE(records.has_value());
    CHECK(records.error().code == SyncErrorCode::Internal);
    CHECK(records.error().message.find("field key does not match the database") != std::string::npos);
    CHECK(records.error().message.find("Rosa") == std::string::npos);
    auto page = repo->changesFor("TUM", "dev-b", 0, 10, 1 << 20);
    REQUIRE_FALSE(page.has_value());
    CHECK(page.error().message.find("server.fields.key") != std::string::npos);

    // With the right key, a ciphertext copied onto another record does not open.
    auto conn = db.connect();
    REQUIRE(
        conn->execScript("UPDATE record_state SET fields = jsonb_set(fields, '{given_names,s}', (SELECT fields #> "
                         "'{given_names,s}' FROM record_state WHERE record_id = 'p-a')) WHERE record_id = 'p-b'",
                         "test"));
    auto right = openRepo(db.url, cipher);
    auto tx2 = right->beginPush();
    CHECK((*tx2)->records({a}).has_value());
    CHECK((*tx2)->records({b}).error().code == SyncErrorCode::Internal);
}

TEST_CASE("pg: a lost connection is re-established, Busy inside a transaction and when it cannot be") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    auto repo = openRepo(db.url, cipher);
    REQUIRE(repo->devices());
    auto adminConnection = pg::PgConnection::connect(baseUrl());  // not in the database it locks out
    REQUIRE(adminConnection.has_value());
    auto& admin = *adminConnection;
    const std::string terminate = fmt::format(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{}' AND pid <> "
        "pg_backend_pid()",
        db.name);
    // Mid-transaction: Busy (the push is retried by its kiosk).
    auto tx = repo->beginPush();
    REQUIRE(tx.has_value());
    REQUIRE(admin->execScript(terminate, "test"));
    auto lost = (*tx)->records({RecordKey{"person", "p"}});
    REQUIRE_FALSE(lost.has_value());
    CHECK(lost.error().code == SyncErrorCode::Busy);
    tx->reset();
    auto devices = repo->devices();  // the pool connects again
    CHECK_MESSAGE(devices.has_value(), (devices ? "" : devices.error().message));
    // An idle pooled connection whose server went away: found out at BEGIN.
    REQUIRE(admin->execScript(terminate, "test"));
    auto again = repo->beginPush();
    REQUIRE_MESSAGE(again.has_value(), (again ? "" : again.error().message));
    CHECK((*again)->records({RecordKey{"person", "p"}}).has_value());
    again->reset();
    // The database refuses connections: Busy, with no password or data in the message.
    REQUIRE(admin->execScript(fmt::format("ALTER DATABASE {} ALLOW_CONNECTIONS false", db.name), "test"));
    REQUIRE(admin->execScript(terminate, "test"));
    auto refused = repo->devices();
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == SyncErrorCode::Busy);
    auto refusedPush = repo->beginPush();
    REQUIRE_FALSE(refusedPush.has_value());
    CHECK(refusedPush.error().code == SyncErrorCode::Busy);
    REQUIRE(admin->execScript(fmt::format("ALTER DATABASE {} ALLOW_CONNECTIONS true", db.name), "test"));
    CHECK(repo->devices().has_value());
}
