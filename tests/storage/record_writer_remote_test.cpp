// RecordWriter::applyRemote, the write path of changes pulled from the server:
// the row and its merge clocks, with the change's author, device and time, and
// never an audit entry or a change record of this kiosk. And the rule every
// write keeps: only the described synced columns of an entity are written.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "storage/records/record_writer.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui::storage;
using namespace chasqui::test;

namespace {

constexpr const char* kRemoteId = "0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6c";
constexpr const char* kRemoteDevice = "0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a00";
constexpr const char* kRemoteAuthor = "0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a01";
constexpr std::int64_t kRemoteMs = 1733300000000;

std::int64_t count(TestStore& ts, const std::string& sql) {
    auto n = ts->db().scalarInt(sql);
    REQUIRE(n.has_value());
    return *n;
}

std::string text(TestStore& ts, const std::string& sql) {
    auto value = ts->db().readOne(sql, [](const Stmt& s) { return s.text(0); });
    REQUIRE(value.has_value());
    REQUIRE(value->has_value());
    return **value;
}

RemoteWrite remoteCase(bool exists, Fields values) {
    RemoteWrite w;
    w.entity = "case";
    w.id = kRemoteId;
    w.exists = exists;
    w.values = std::move(values);
    w.author = kRemoteAuthor;
    w.device = kRemoteDevice;
    w.atMs = kRemoteMs;
    w.clocks = RecordClocks::created("case", kRemoteId, std::string("0193a1b2c3d4-0000@") + kRemoteDevice);
    return w;
}

}  // namespace

TEST_CASE("a pulled change creates the record with every described column, and no audit entry or change record") {
    TestStore ts;
    const std::int64_t audit = count(ts, "SELECT count(*) FROM audit");
    const std::int64_t changes = count(ts, "SELECT count(*) FROM changes");
    auto exists = ts->write<bool>([&](RecordWriter& w) { return w.exists("case", kRemoteId); });
    REQUIRE(exists.has_value());
    CHECK_FALSE(*exists);

    REQUIRE(ts->writeVoid([&](RecordWriter& w) {
        return w.applyRemote(remoteCase(false, {{"status", std::string("open")}}));
    }));
    const std::string where = std::string(" FROM cases WHERE id = '") + kRemoteId + "'";
    CHECK(text(ts, "SELECT status" + where) == "open");
    // Columns the change did not set: their type's empty value (NOT NULL, no default).
    CHECK(text(ts, "SELECT person_id" + where).empty());
    CHECK(text(ts, "SELECT typeof(consent_given) || consent_given" + where) == "integer0");
    CHECK(text(ts, "SELECT typeof(deleted) || deleted" + where) == "integer0");
    CHECK(text(ts, "SELECT author || ' ' || device" + where) == std::string(kRemoteAuthor) + " " + kRemoteDevice);
    CHECK(count(ts, "SELECT created_at" + where) == kRemoteMs);
    CHECK(count(ts, "SELECT updated_at" + where) == kRemoteMs);
    CHECK(text(ts, std::string("SELECT clock FROM record_clocks WHERE entity = 'case' AND record_id = '") + kRemoteId +
                       "'") == std::string("0193a1b2c3d4-0000@") + kRemoteDevice);
    CHECK(count(ts, "SELECT count(*) FROM audit") == audit);
    CHECK(count(ts, "SELECT count(*) FROM changes") == changes);

    SUBCASE("a later change to it sets only its fields and stamps the row") {
        RemoteWrite later = remoteCase(true, {{"priority", std::string("high")}, {"consent_given", std::int64_t{1}}});
        later.atMs = kRemoteMs + 5;
        REQUIRE(ts->writeVoid([&](RecordWriter& w) { return w.applyRemote(later); }));
        CHECK(text(ts, "SELECT status || ' ' || priority || ' ' || consent_given" + where) == "open high 1");
        CHECK(count(ts, "SELECT created_at" + where) == kRemoteMs);
        CHECK(count(ts, "SELECT updated_at" + where) == kRemoteMs + 5);
        CHECK(count(ts, "SELECT count(*) FROM audit") == audit);
        CHECK(count(ts, "SELECT count(*) FROM changes") == changes);
    }
    SUBCASE("a tombstone keeps the row, and exists() still finds it") {
        REQUIRE(ts->writeVoid([&](RecordWriter& w) {
            return w.applyRemote(remoteCase(true, {{"deleted", std::int64_t{1}}}));
        }));
        CHECK(count(ts, "SELECT deleted" + where) == 1);
        auto still = ts->write<bool>([&](RecordWriter& w) { return w.exists("case", kRemoteId); });
        REQUIRE(still.has_value());
        CHECK(*still);
    }
}

TEST_CASE("a field that is not a described synced column is refused by every write, and nothing is written") {
    TestStore ts;
    const std::int64_t changes = count(ts, "SELECT count(*) FROM changes");
    // A column of persons, derived on each kiosk and never synced.
    const Fields stray{{"doc_number_norm", std::string("X1")}};

    auto inserted = ts->write<std::string>([&](RecordWriter& w) { return w.insert("household", stray); });
    REQUIRE_FALSE(inserted.has_value());
    CHECK(inserted.error().code == ErrorCode::Internal);

    auto household = ts->write<std::string>([&](RecordWriter& w) {
        return w.insert("household", {{"head_person_id", std::string()}, {"district", std::string("150101")}});
    });
    REQUIRE(household.has_value());
    const std::int64_t afterInsert = count(ts, "SELECT count(*) FROM changes");
    CHECK(afterInsert == changes + 1);
    auto updated = ts->write<bool>([&](RecordWriter& w) { return w.update("household", *household, stray); });
    REQUIRE_FALSE(updated.has_value());
    CHECK(updated.error().code == ErrorCode::Internal);

    auto remote = ts->writeVoid([&](RecordWriter& w) { return w.applyRemote(remoteCase(false, stray)); });
    REQUIRE_FALSE(remote.has_value());
    CHECK(remote.error().code == ErrorCode::Internal);
    CHECK(count(ts, std::string("SELECT count(*) FROM cases WHERE id = '") + kRemoteId + "'") == 0);
    CHECK(count(ts, "SELECT count(*) FROM changes") == afterInsert);

    auto unknown = ts->write<bool>([&](RecordWriter& w) { return w.exists("no_such_entity", kRemoteId); });
    REQUIRE_FALSE(unknown.has_value());
    CHECK(unknown.error().code == ErrorCode::Internal);
}
