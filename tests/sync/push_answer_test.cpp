// The compact wire formats of protocol v1: change lists as columns
// (encodeColumns/splitColumns), and the push answer that counts what went
// through and names only what was quarantined, read by HttpServerChannel and
// added up by syncSpool, which refuses an answer that does not account for
// every change of the batch. End to end in process: a kiosk whose clock ran
// ahead learns exactly which of its changes the server quarantined.
#include <doctest/doctest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/records/ids.hpp"
#include "storage/records/person_repository.hpp"
#include "sync/client/http_server_channel.hpp"
#include "sync/client/kiosk_sync.hpp"
#include "sync/client/spool.hpp"
#include "sync/protocol/change_codec.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/test_store.hpp"
#include "tests/sync/in_process_channel.hpp"

using namespace chasqui;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

sync::ChangeRecord change(storage::UuidV7Generator& ids, const std::string& entity, const std::string& op, json fields,
                          json base = json::object()) {
    sync::ChangeRecord c;
    c.id = ids.next();
    c.entity = entity;
    c.record = ids.next();
    c.op = op;
    c.fields = std::move(fields);
    c.base = std::move(base);
    c.hlc = storage::HlcStamp{test::kTestNowMs, 3}.encode();
    c.device = "01a20270-b433-7166-861f-b9a664d62239";
    c.author = "01a20270-b433-7167-9830-f4ebbf8f4f11";
    c.office = "TUM";
    return c;
}

std::vector<sync::ChangeRecord> sampleChanges() {
    storage::ManualClock clock{test::kTestNowMs};
    storage::UuidV7Generator ids{clock};
    return {change(ids, "person", "put", {{"given_names", "Ana"}, {"birth_date_estimated", 0}}),
            change(ids, "person", "put", {{"phone", "+51 900 000 000"}},
                   {{"phone", "0197734e9000-0001@01a20270-b433-7166-861f-b9a664d62239"}}),
            change(ids, "assistance", "put", {{"quantity", 2.5}, {"unit", "kit"}}),
            change(ids, "case", "delete", json::object())};
}

std::vector<json> encoded(const std::vector<sync::ChangeRecord>& changes) {
    std::vector<json> out;
    for (const auto& c : changes) out.push_back(sync::encodeChange(c));
    return out;
}

// Plays the server's part for HttpServerChannel: answers every request with `body`.
class AnsweringTransport final : public sync::HttpTransport {
public:
    std::string body;
    sync::SyncResult<sync::HttpResponse> send(const sync::HttpRequest&) override {
        return sync::HttpResponse{200, {{"Content-Type", "application/json"}}, body, 0, 0};
    }
};

// Answers every push with the same entries, whatever was sent; a pull with
// one last page (stored, never opened by syncSpool).
class FixedAnswerChannel final : public sync::ServerChannel {
public:
    std::vector<sync::PushItem> answer;
    sync::SyncResult<std::vector<sync::PushItem>> push(const std::string&) override { return answer; }
    sync::SyncResult<sync::PulledPage> pull(const std::string&, std::size_t) override {
        return sync::PulledPage{std::string(64, 'p'), "e.1", false};
    }
};

std::vector<fs::path> outboxFiles(const storage::DataDir& dir) {
    std::vector<fs::path> out;
    for (const auto& entry : fs::directory_iterator(dir.root / "sync" / "outbox")) out.push_back(entry.path());
    return out;
}

// The `changes` seqs and ids of the kiosk after `afterSeq`.
std::vector<std::string> changeIdsAfter(storage::PersonalStore& store, std::int64_t afterSeq) {
    auto stmt = store.db().prepare("SELECT change_id FROM changes WHERE seq > ? ORDER BY seq");
    REQUIRE(stmt.has_value());
    stmt->bind(1, afterSeq);
    std::vector<std::string> ids;
    for (;;) {
        auto row = stmt->step();
        REQUIRE(row.has_value());
        if (!*row) break;
        ids.push_back(stmt->text(0));
    }
    return ids;
}

}  // namespace

TEST_SUITE("push answer and columns") {
    TEST_CASE("changes survive columns and back, in order, base and all") {
        const auto changes = sampleChanges();
        const json columns = sync::encodeColumns(encoded(changes));
        CHECK(columns.size() == 10);
        CHECK(columns.at("base")[0] == json::object());  // no base: an empty object
        CHECK(columns.at("office") == json::array({"TUM", "TUM", "TUM", "TUM"}));
        auto split = sync::splitColumns(columns);
        REQUIRE(split.has_value());
        REQUIRE(split->size() == changes.size());
        for (std::size_t i = 0; i < changes.size(); ++i) {
            CAPTURE(i);
            CHECK((*split)[i] == sync::encodeChange(changes[i]));  // an empty base is left out again
            auto decoded = sync::decodeChange((*split)[i]);
            REQUIRE(decoded.has_value());
            CHECK(decoded->id == changes[i].id);
            CHECK(decoded->clock() == changes[i].clock());
        }
        auto empty = sync::splitColumns(sync::encodeColumns({}));
        REQUIRE(empty.has_value());
        CHECK(empty->empty());
    }

    TEST_CASE("malformed columns make the whole list unreadable; a bad value only its change") {
        const json good = sync::encodeColumns(encoded(sampleChanges()));
        const auto refused = [](const json& columns, const std::string& code, std::size_t max = 1000) {
            auto r = sync::splitColumns(columns, max);
            REQUIRE_FALSE(r.has_value());
            CHECK(sync::syncErrorCodeName(r.error().code) == code);
            CHECK_FALSE(r.error().message.empty());
        };
        refused(json::array(), "bad_request");
        refused("columns", "bad_request");
        json missing = good;
        missing.erase("hlc");
        refused(missing, "bad_request");
        json unknown = good;
        unknown["colour"] = json::array({1, 2, 3, 4});
        refused(unknown, "bad_request");
        json notArray = good;
        notArray["op"] = "put";
        refused(notArray, "bad_request");
        json shorter = good;
        shorter["author"].erase(0);
        refused(shorter, "bad_request");
        refused(good, "too_large", 3);
        CHECK(sync::splitColumns(good, 4).has_value());

        json oneBad = good;
        oneBad["fields"][1] = 5;
        oneBad["entity"][2] = nullptr;
        auto split = sync::splitColumns(oneBad);
        REQUIRE(split.has_value());
        CHECK(sync::decodeChange((*split)[0]).has_value());
        CHECK_FALSE(sync::decodeChange((*split)[1]).has_value());
        CHECK_FALSE(sync::decodeChange((*split)[2]).has_value());
        CHECK(sync::decodeChange((*split)[3]).has_value());

        // A change that is not an object goes in as nulls, and comes out as a change that does not decode.
        auto notObject =
            sync::splitColumns(sync::encodeColumns({json("not a change"), sync::encodeChange(sampleChanges()[0])}));
        REQUIRE(notObject.has_value());
        CHECK_FALSE(sync::decodeChange((*notObject)[0]).has_value());
        CHECK(sync::decodeChange((*notObject)[1]).has_value());
    }

    TEST_CASE("mutated columns never throw out of splitColumns and decodeChange") {
        const json good = sync::encodeColumns(encoded(sampleChanges()));
        const std::vector<json> values{nullptr,
                                       0,
                                       -1,
                                       1.5,
                                       "",
                                       "x",
                                       true,
                                       json::array(),
                                       json::object(),
                                       json::array({1, 2}),
                                       json{{"a", 1}},
                                       std::string(9000, 'y')};
        std::mt19937_64 rng(test::envInt("CHASQUI_FUZZ_SEED", 11));
        const auto below = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
        const int rounds = test::envInt("CHASQUI_FUZZ_ITERATIONS", 3000);
        int decoded = 0;
        for (int round = 0; round < rounds; ++round) {
            json columns = good;
            for (int step = 1 + static_cast<int>(below(3)); step > 0; --step) {
                auto it = columns.begin();
                std::advance(it, static_cast<long>(below(columns.size())));
                json& column = it.value();
                const std::size_t kind = below(4);
                if (kind == 2 || !column.is_array() || column.empty()) {  // the whole column
                    column = values[below(values.size())];
                    continue;
                }
                json& entry = column[below(column.size())];
                if (kind == 0) {  // a value in a column
                    entry = values[below(values.size())];
                } else if (kind == 1 && entry.is_object()) {  // a value inside a change's fields or base
                    entry["given_names"] = values[below(values.size())];
                } else {  // a column a change shorter
                    column.erase(column.size() - 1);
                }
            }
            CHECK_NOTHROW([&] {
                auto split = sync::splitColumns(columns);
                if (!split) return;
                for (const auto& raw : *split) decoded += sync::decodeChange(raw).has_value() ? 1 : 0;
            }());
        }
        MESSAGE(decoded << " mutated changes still decoded");
        CHECK(decoded > 0);  // the decoder itself was reached, not only splitColumns
    }

    TEST_CASE("HttpServerChannel reads the counts and the quarantined changes of an answer") {
        AnsweringTransport transport;
        sync::HttpServerChannel channel(transport, "http://127.0.0.1:9", "token");
        transport.body =
            R"({"applied": 997, "duplicates": 2, "quarantined": [{"id": "a", "code": "clock_ahead", "message": "fix the clock"}]})";
        auto items = channel.push("sealed");
        REQUIRE(items.has_value());
        REQUIRE(items->size() == 3);
        CHECK((*items)[0].status == "applied");
        CHECK((*items)[0].count == 997);
        CHECK((*items)[0].id.empty());
        CHECK((*items)[1].status == "duplicate");
        CHECK((*items)[1].count == 2);
        CHECK((*items)[2].status == "quarantined");
        CHECK((*items)[2].count == 1);
        CHECK((*items)[2].id == "a");
        CHECK((*items)[2].code == "clock_ahead");
        CHECK((*items)[2].message == "fix the clock");

        transport.body = R"({"applied": 0, "duplicates": 0, "quarantined": []})";
        auto nothing = channel.push("sealed");
        REQUIRE(nothing.has_value());
        CHECK(nothing->empty());

        for (const char* body :
             {"", "[]", "{}", "not json", R"({"applied": 1, "duplicates": 0})",
              R"({"applied": -1, "duplicates": 0, "quarantined": []})",
              R"({"applied": 1.5, "duplicates": 0, "quarantined": []})",
              R"({"applied": "1", "duplicates": 0, "quarantined": []})",
              R"({"applied": 1, "duplicates": 0, "quarantined": {}})",
              R"({"applied": 1001, "duplicates": 0, "quarantined": []})",
              R"({"applied": 1, "duplicates": 0, "quarantined": ["a"]})",
              R"({"applied": 1, "duplicates": 0, "quarantined": [{"id": "a", "message": "m"}]})",
              R"({"applied": 1, "duplicates": 0, "quarantined": [{"id": "a", "code": "", "message": "m"}]})",
              R"({"applied": 1, "duplicates": 0, "quarantined": [{"id": 5, "code": "c", "message": "m"}]})",
              R"({"results": [{"id": "a", "status": "applied"}]})"}) {
            CAPTURE(body);
            transport.body = body;
            auto r = channel.push("sealed");
            REQUIRE_FALSE(r.has_value());
            CHECK(r.error().code == sync::SyncErrorCode::BadResponse);
        }
    }

    TEST_CASE("syncSpool keeps a batch queued when the answer does not account for every change") {
        test::TestStore kiosk;
        REQUIRE(sync::setServerPublicKey(*kiosk, sync::BoxKeyPair::generate().publicKey).has_value());
        REQUIRE(storage::PersonRepository(*kiosk).add(test::samplePerson()).has_value());
        auto spooled = sync::spoolOutbox(*kiosk);
        REQUIRE(spooled.has_value());
        REQUIRE(*spooled == 1);
        const auto files = outboxFiles(kiosk.dataDir);
        REQUIRE(files.size() == 1);
        const auto counts = sync::countSpool(kiosk.dataDir);
        const int sent = static_cast<int>(counts.pendingUp);
        REQUIRE(sent > 2);

        FixedAnswerChannel channel;
        SUBCASE("one change short") {
            channel.answer = {{{}, "applied", {}, {}, sent - 2}, {"x", "quarantined", "bad_request", "no", 1}};
        }
        SUBCASE("one change too many") {
            channel.answer = {{{}, "applied", {}, {}, sent}, {{}, "duplicate", {}, {}, 1}};
        }
        SUBCASE("an unknown status") {
            channel.answer = {{{}, "applied", {}, {}, sent - 1}, {{}, "lost", {}, {}, 1}};
        }
        auto r = sync::syncSpool(kiosk.dataDir, channel);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == sync::SyncErrorCode::BadResponse);
        CHECK(outboxFiles(kiosk.dataDir) == files);  // still queued
        CHECK_FALSE(fs::exists(kiosk.dataDir.root / "sync" / "acked_seq"));
    }

    TEST_CASE("syncSpool adds up counts and keeps every quarantined change by id") {
        test::TestStore kiosk;
        REQUIRE(sync::setServerPublicKey(*kiosk, sync::BoxKeyPair::generate().publicKey).has_value());
        REQUIRE(storage::PersonRepository(*kiosk).add(test::samplePerson()).has_value());
        REQUIRE(sync::spoolOutbox(*kiosk).has_value());
        const int sent = static_cast<int>(sync::countSpool(kiosk.dataDir).pendingUp);
        REQUIRE(sent > 2);
        FixedAnswerChannel channel;
        channel.answer = {{{}, "applied", {}, {}, sent - 3},
                          {{}, "duplicate", {}, {}, 1},
                          {"id-1", "quarantined", "clock_ahead", "fix the clock", 1},
                          {"id-2", "quarantined", "append_only", "cannot change", 1}};
        auto r = sync::syncSpool(kiosk.dataDir, channel);
        REQUIRE_MESSAGE(r.has_value(), r.error().message);
        CHECK(r->pushed == sent - 3);
        CHECK(r->duplicates == 1);
        CHECK(r->quarantined == 2);
        REQUIRE(r->problems.size() == 2);
        CHECK(r->problems[0].id == "id-1");
        CHECK(r->problems[0].code == "clock_ahead");
        CHECK(r->problems[1].id == "id-2");
        CHECK(r->problems[1].message == "cannot change");
        CHECK(outboxFiles(kiosk.dataDir).empty());
        CHECK(fs::exists(kiosk.dataDir.root / "sync" / "acked_seq"));
    }

    TEST_CASE("a kiosk learns exactly which of its changes were quarantined, and counts the rest") {
        test::EnrolledKiosk enrolled;
        test::TestStore& kiosk = enrolled.kiosk;
        test::InProcessChannel& channel = *enrolled.channel;

        REQUIRE(storage::PersonRepository(*kiosk).add(test::samplePerson()).has_value());
        auto seq = kiosk->db().scalarInt("SELECT max(seq) FROM changes");
        REQUIRE(seq.has_value());
        const std::int64_t inTime = *seq;
        // Changes the server refuses one by one: here, damaged on the kiosk's disk to name a
        // column that does not exist. (A clock running ahead is not such a case any more:
        // those changes are stamped again and sent, clock_skew_test.cpp.)
        storage::Person later = test::samplePerson();
        later.givenNames = "Rosa";
        REQUIRE(storage::PersonRepository(*kiosk).add(later).has_value());
        const std::vector<std::string> ahead = changeIdsAfter(*kiosk, inTime);
        REQUIRE_FALSE(ahead.empty());
        REQUIRE(
            kiosk->db()
                .exec(fmt::format("UPDATE changes SET fields = '{{\"no_such_column\": \"x\"}}' WHERE seq > {}", inTime))
                .has_value());

        auto summary = sync::syncNow(*kiosk, channel);
        REQUIRE_MESSAGE(summary.has_value(), summary.error().message);
        CHECK(summary->pushed == static_cast<int>(changeIdsAfter(*kiosk, 0).size() - ahead.size()));
        CHECK(summary->duplicates == 0);
        CHECK(summary->quarantined == static_cast<int>(ahead.size()));
        std::vector<std::string> problemIds;
        for (const auto& p : summary->problems) {
            problemIds.push_back(p.id);
            CHECK(p.status == "quarantined");
            CHECK(p.code == "unknown_field");
            CHECK_FALSE(p.message.empty());
        }
        CHECK(problemIds == ahead);

        CHECK(sync::countSpool(kiosk.dataDir).pendingUp == 0);  // answered for: nothing is sent again

        // A batch delivered twice (the first answer lost) is counted as duplicates by the answer the kiosk gets.
        auto last = kiosk->db().scalarInt("SELECT max(seq) FROM changes");
        REQUIRE(last.has_value());
        storage::Person third = test::samplePerson();
        third.givenNames = "Luz";
        REQUIRE(storage::PersonRepository(*kiosk).add(third).has_value());
        const auto fresh = changeIdsAfter(*kiosk, *last);
        channel.setFault(test::ChannelFault::Duplicate);
        auto again = sync::syncNow(*kiosk, channel);
        REQUIRE_MESSAGE(again.has_value(), again.error().message);
        CHECK(again->pushed == 0);
        CHECK(again->duplicates == static_cast<int>(fresh.size()));
        CHECK(again->quarantined == 0);
        CHECK(again->problems.empty());
    }
}
