// Several chasqui-server processes on one PostgreSQL database are one server:
// kiosks push to any of them while others pull from any of them, and every
// puller receives every change exactly once, even when one process commits
// after another that started later (a pull cursor must never step over a
// change that commits late). Runs when the suite runs on PostgreSQL
// (CHASQUI_TEST_PG_URL, as CI does); the embedded store serves one process.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "tests/server/server_harness.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/test_store.hpp"

namespace chasqui::test {

TEST_CASE("three server processes on one database: every puller receives every change once") {
    if (testBackend() != "postgresql") {
        MESSAGE("skipped: several processes need PostgreSQL (set CHASQUI_TEST_PG_URL; CI does)");
        return;
    }
    const int kWriters = envInt("CHASQUI_SCALE_WRITERS", 6);
    const int kBatches = envInt("CHASQUI_SCALE_BATCHES", 15);
    const int kPerBatch = 20;
    const int kReaders = 3;
    TempDir dir;
    const auto data = dir.path() / "data";
    // Keys and schema first, then three processes sharing them.
    const auto prepared = runServer({"status", "--data", data.string()});
    REQUIRE_MESSAGE(prepared.exitCode == 0, describe(prepared));
    std::vector<std::unique_ptr<ServerProcess>> servers;
    for (int i = 0; i < 3; ++i) servers.push_back(std::make_unique<ServerProcess>(data));
    auto first = servers.front()->client();
    const std::string key = serverPublicKey(first);
    for (auto& s : servers) {
        auto c = s->client();
        CHECK(serverPublicKey(c) == key);  // one server: one sealing key
    }
    std::vector<Device> writers;
    std::vector<Device> readers;
    for (int i = 0; i < kWriters; ++i) writers.push_back(enrollDevice(first, data, "TUM"));
    for (int i = 0; i < kReaders; ++i) readers.push_back(enrollDevice(first, data, "TUM"));

    // Made before the threads start (ids come from one generator).
    std::vector<std::vector<std::pair<std::string, std::vector<std::string>>>> batches(kWriters);
    for (int w = 0; w < kWriters; ++w) {
        for (int b = 0; b < kBatches; ++b) {
            std::vector<sync::ChangeRecord> batch;
            std::vector<std::string> ids;
            for (int i = 0; i < kPerBatch; ++i) {
                batch.push_back(personPut(writers[static_cast<std::size_t>(w)], "P"));
                ids.push_back(batch.back().id);
            }
            batches[static_cast<std::size_t>(w)].emplace_back(sealBatch(batch, key), std::move(ids));
        }
    }
    std::atomic<int> writing{kWriters};
    std::atomic<int> failures{0};
    std::mutex mutex;
    std::set<std::string> pushed;
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w) {
        threads.emplace_back([&, w] {
            for (int b = 0; b < kBatches; ++b) {
                // Each batch to another process.
                auto client = servers[static_cast<std::size_t>((w + b) % 3)]->client();
                const auto& [sealed, ids] = batches[static_cast<std::size_t>(w)][static_cast<std::size_t>(b)];
                const auto outcome = push(client, writers[static_cast<std::size_t>(w)], sealed);
                if (outcome.applied() != kPerBatch) {
                    ++failures;
                    continue;
                }
                std::lock_guard lock(mutex);
                pushed.insert(ids.begin(), ids.end());
            }
            --writing;
        });
    }
    std::vector<std::multiset<std::string>> received(kReaders);
    for (int r = 0; r < kReaders; ++r) {
        threads.emplace_back([&, r] {
            std::string cursor;
            for (int round = 0;; ++round) {
                const bool last = writing.load() == 0;  // read before the pull: nothing after it is missed
                auto client = servers[static_cast<std::size_t>((r + round) % 3)]->client();
                bool more = true;
                while (more) {
                    const auto page = pull(client, readers[static_cast<std::size_t>(r)], cursor, 100);
                    if (page.status != 200) {
                        ++failures;
                        return;
                    }
                    for (const auto& c : page.changes) received[static_cast<std::size_t>(r)].insert(c["id"]);
                    cursor = page.nextCursor;
                    more = page.more;
                }
                if (last) return;
            }
        });
    }
    for (auto& t : threads) t.join();
    REQUIRE(failures.load() == 0);
    REQUIRE(pushed.size() == static_cast<std::size_t>(kWriters * kBatches * kPerBatch));
    for (int r = 0; r < kReaders; ++r) {
        CAPTURE(r);
        const auto& got = received[static_cast<std::size_t>(r)];
        std::size_t missing = 0;
        for (const auto& id : pushed) missing += got.count(id) == 0 ? 1 : 0;
        CHECK(missing == 0);
        CHECK(got.size() == pushed.size());  // once each
    }
    const auto status = adminStatus(first, adminToken(data));
    CHECK(status["changes"] == static_cast<int>(pushed.size()));
}

}  // namespace chasqui::test
