// ServerCore from many threads, as chasqui-server's HTTP pool calls it:
// pushes take turns on the write connection while pulls and token checks run
// on pooled read connections. Nothing may be lost or seen twice, a revocation
// must be seen by the very next request on every read connection, and the
// last-seen time is written at most once a minute per device.
#include <doctest/doctest.h>

#include <atomic>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "storage/records/ids.hpp"
#include "sync/protocol/change_codec.hpp"
#include "sync/protocol/sealed_box.hpp"
#include "sync/server/core/server_core.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
using json = nlohmann::json;

namespace {

struct Enrolled {
    sync::DeviceInfo device;
    std::string token;
};

struct Server {
    test::TempDir dir;
    storage::ManualClock clock{test::kTestNowMs};
    std::unique_ptr<sync::ServerCore> store;

    Server() {
        auto opened = sync::ServerCore::open(test::serverLocationFor(dir.path() / "server"), clock);
        REQUIRE(opened.has_value());
        store = std::move(*opened);
    }
    Enrolled enroll(const std::string& office) {
        storage::UuidV7Generator ids{clock};
        auto code = store->issueEnrollCode(office);
        REQUIRE(code.has_value());
        auto enrolled = store->enroll(
            *code, ids.next(),
            sync::DevicePublicKeys{sync::BoxKeyPair::generate().publicKey, sync::SigningKeyPair::generate().publicKey});
        REQUIRE(enrolled.has_value());
        auto device = store->authenticate(enrolled->token);
        REQUIRE(device.has_value());
        return {*device, enrolled->token};
    }
    std::int64_t lastSeen(const std::string& deviceId) {
        auto list = store->devices();
        REQUIRE(list.has_value());
        for (const auto& d : *list)
            if (d.id == deviceId) return d.lastSeenAt;
        FAIL("device not listed");
        return -1;
    }
};

std::vector<json> personPuts(const sync::DeviceInfo& device, storage::UuidV7Generator& ids, int count, int tag) {
    std::vector<json> out;
    for (int i = 0; i < count; ++i) {
        sync::ChangeRecord c;
        c.id = ids.next();
        c.entity = "person";
        c.record = ids.next();
        c.op = "put";
        c.fields = {{"given_names", fmt::format("P{}-{}", tag, i)}, {"family_name_1", "Quispe"}};
        c.hlc = storage::HlcStamp{test::kTestNowMs, static_cast<std::uint32_t>(tag * 100 + i)}.encode();
        c.device = device.id;
        c.author = device.id;
        c.office = device.office;
        out.push_back(sync::encodeChange(c));
    }
    return out;
}

// Every change id a device pulls from the start, following the cursors.
std::set<std::string> pullAll(sync::ServerCore& store, const sync::DeviceInfo& device) {
    std::set<std::string> ids;
    std::string cursor;
    for (int page = 0; page < 1000; ++page) {
        auto p = store.pull(device, cursor, 50);
        REQUIRE(p.has_value());
        for (const auto& c : p->changes) CHECK(ids.insert(c.at("id").get<std::string>()).second);
        cursor = p->nextCursor;
        if (!p->more) break;
    }
    return ids;
}

}  // namespace

TEST_SUITE("server store threads") {
    TEST_CASE("pushes, pulls and token checks from many threads lose and repeat nothing") {
        Server server;
        constexpr int kDevices = 6;
        constexpr int kBatches = 8;
        constexpr int kPerBatch = 25;
        std::vector<Enrolled> devices;
        for (int i = 0; i < kDevices; ++i) devices.push_back(server.enroll("TUM"));

        std::atomic<int> failures{0};
        std::atomic<int> pushersLeft{kDevices};
        std::latch start(2 * kDevices);
        std::vector<std::thread> threads;
        for (int i = 0; i < kDevices; ++i) {
            threads.emplace_back([&, i] {  // pushes its own batches
                storage::UuidV7Generator ids{server.clock};
                start.arrive_and_wait();
                for (int b = 0; b < kBatches; ++b) {
                    auto device = server.store->authenticate(devices[i].token);
                    auto r = device ? server.store->push(*device, personPuts(*device, ids, kPerBatch, b))
                                    : std::unexpected(device.error());
                    if (!r || r->applied != kPerBatch) ++failures;
                }
                --pushersLeft;
            });
            threads.emplace_back([&, i] {  // pulls what the others pushed while they push
                std::string cursor;
                std::set<std::string> seen;
                start.arrive_and_wait();
                while (pushersLeft > 0) {
                    auto device = server.store->authenticate(devices[i].token);
                    auto page = device ? server.store->pull(*device, cursor, 20) : std::unexpected(device.error());
                    if (!page) {
                        ++failures;
                        break;
                    }
                    for (const auto& c : page->changes) {
                        if (!seen.insert(c.at("id").get<std::string>()).second) ++failures;  // never twice
                        if (c.at("device") == devices[i].device.id) ++failures;              // never its own
                    }
                    cursor = page->nextCursor;
                }
            });
        }
        for (auto& t : threads) t.join();
        CHECK(failures == 0);

        auto status = server.store->status();
        REQUIRE(status.has_value());
        CHECK(status->counts.changes == kDevices * kBatches * kPerBatch);
        for (const auto& d : devices)
            CHECK(pullAll(*server.store, d.device).size() == (kDevices - 1) * kBatches * kPerBatch);
    }

    TEST_CASE("a revocation is seen by the next token check on every read connection") {
        Server server;
        const Enrolled a = server.enroll("TUM");
        // Several read connections in the pool, each having served this token.
        constexpr int kThreads = 8;
        std::latch start(kThreads);
        std::vector<std::thread> threads;
        std::atomic<int> accepted{0};
        for (int i = 0; i < kThreads; ++i) {
            threads.emplace_back([&] {
                start.arrive_and_wait();
                for (int n = 0; n < 20; ++n) accepted += server.store->authenticate(a.token).has_value() ? 1 : 0;
            });
        }
        for (auto& t : threads) t.join();
        CHECK(accepted == kThreads * 20);

        REQUIRE(server.store->revoke(a.device.id).has_value());
        threads.clear();
        std::atomic<int> refused{0};
        std::latch again(kThreads);
        for (int i = 0; i < kThreads; ++i) {
            threads.emplace_back([&] {
                again.arrive_and_wait();
                for (int n = 0; n < 20; ++n) {
                    auto r = server.store->authenticate(a.token);
                    refused += !r && r.error().code == sync::SyncErrorCode::Revoked ? 1 : 0;
                }
            });
        }
        for (auto& t : threads) t.join();
        CHECK(refused == kThreads * 20);
    }

    TEST_CASE("the last-seen time is written at most once a minute, and is then exact to the minute") {
        Server server;
        const Enrolled a = server.enroll("TUM");  // enrolling checks the token once: seen now
        const std::int64_t enrolledSeen = server.lastSeen(a.device.id);
        CHECK(enrolledSeen == test::kTestNowMs);

        server.clock.advance(59 * 1000);
        REQUIRE(server.store->authenticate(a.token).has_value());
        CHECK(server.lastSeen(a.device.id) == enrolledSeen);  // not written again within the minute

        server.clock.advance(1000);
        auto seen = server.store->authenticate(a.token);
        REQUIRE(seen.has_value());
        CHECK(seen->lastSeenAt == test::kTestNowMs + 60 * 1000);
        CHECK(server.lastSeen(a.device.id) == test::kTestNowMs + 60 * 1000);

        // A clock set back is not a reason to keep a time from the future.
        server.clock.set(test::kTestNowMs);
        REQUIRE(server.store->authenticate(a.token).has_value());
        CHECK(server.lastSeen(a.device.id) == test::kTestNowMs);
    }
}
