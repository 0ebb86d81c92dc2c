// The PostgreSQL store under concurrency (pg_test_database.hpp): the
// enrollment race, office numbers, log positions in commit order with writers
// in threads and in other processes while pullers follow, and more threads
// than pooled connections. Without CHASQUI_TEST_PG_URL every case is skipped.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "tests/server/postgres/pg_test_database.hpp"

using namespace chasqui;
using namespace chasqui::sync;
using namespace chasqui::test::pgtest;

TEST_CASE("pg: two kiosks typing the same enrollment code at once: one wins") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    auto repo = openRepo(db.url, cipher);
    REQUIRE(repo->addEnrollCode("code-hash", "TUM", 4'000'000'000'000));
    std::atomic<int> winners{0};
    std::atomic<int> losers{0};
    std::latch start(2);
    auto enroll = [&](int which) {
        start.arrive_and_wait();
        auto tx = repo->beginEnrollment();
        REQUIRE(tx.has_value());
        auto code = (*tx)->code("code-hash");
        REQUIRE(code.has_value());
        REQUIRE(code->has_value());
        if ((*code)->used) {
            ++losers;
            return;
        }
        // Hold the code a moment, so that the other really waits for it.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        auto number = (*tx)->highestNumber("TUM");
        REQUIRE(number.has_value());
        DeviceInfo d;
        d.id = fmt::format("device-{}", which);
        d.office = "TUM";
        d.number = *number + 1;
        d.publicKey = std::string(32, static_cast<char>(which));
        d.signingKey = std::string(32, '\0');
        d.enrolledAt = 5;
        REQUIRE((*tx)->commit(d, fmt::format("token-{}", which), false, "code-hash", 6));
        ++winners;
    };
    std::thread a(enroll, 1);
    std::thread b(enroll, 2);
    a.join();
    b.join();
    CHECK(winners == 1);
    CHECK(losers == 1);
    auto devices = repo->devices();
    REQUIRE(devices.has_value());
    REQUIRE(devices->size() == 1);
    CHECK(devices->front().number == 1);
    CHECK(devices->front().signingKey == std::string(32, '\0'));  // bytes round trip, NULs included
    auto byToken = repo->deviceByToken(devices->front().id == "device-1" ? "token-1" : "token-2");
    REQUIRE(byToken.has_value());
    REQUIRE(byToken->has_value());
    CHECK((*byToken)->publicKey == devices->front().publicKey);
    CHECK(repo->revoke(devices->front().id).value());
    CHECK_FALSE(repo->revoke("no-such-device").value());
    CHECK(repo->devices()->front().revoked);
}

TEST_CASE("pg: enrollments of one office at once get distinct numbers") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    auto repo = openRepo(db.url, cipher);
    constexpr int kKiosks = 6;
    std::latch start(kKiosks);
    std::vector<std::thread> threads;
    for (int i = 0; i < kKiosks; ++i) {
        REQUIRE(repo->addEnrollCode(fmt::format("code-{}", i), "TUM", 4'000'000'000'000));
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            auto tx = repo->beginEnrollment();
            REQUIRE(tx.has_value());
            REQUIRE((*tx)->code(fmt::format("code-{}", i)).has_value());
            auto number = (*tx)->highestNumber("TUM");
            REQUIRE(number.has_value());
            DeviceInfo d{fmt::format("device-{}", i), "TUM", *number + 1, std::string(32, 'k'), {}, false, 1, 0};
            REQUIRE((*tx)->commit(d, fmt::format("token-{}", i), false, fmt::format("code-{}", i), 2));
        });
    }
    for (auto& t : threads) t.join();
    std::set<int> numbers;
    auto devices = repo->devices();
    REQUIRE(devices.has_value());
    for (const auto& d : *devices) numbers.insert(d.number);
    CHECK(numbers == std::set<int>{1, 2, 3, 4, 5, 6});
}

TEST_CASE("pg: pullers never miss a change that commits late, with writers in threads and in other processes") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    openRepo(db.url, cipher);
    constexpr int kProcesses = 2;
    constexpr int kThreads = 3;
    constexpr int kPushes = 40;
    constexpr int kPerPush = 5;
    const auto changeId = [](const std::string& writer, int p, int i) { return fmt::format("{}-{}-{}", writer, p, i); };
    // Each writer pushes to records of its own, and sleeps a little between
    // taking its record locks and committing, so commits overtake each other.
    const auto write = [&](ServerRepository& repo, const std::string& writer) {
        for (int p = 0; p < kPushes; ++p) {
            PushWrites writes;
            std::vector<RecordKey> keys;
            for (int i = 0; i < kPerPush; ++i) {
                const RecordKey key{"note", changeId(writer, p, i)};
                keys.push_back(key);
                writes.log.push_back(logEntry(changeId(writer, p, i), key, changeId(writer, p, i), writer));
                writes.newOffices.emplace_back(key, "TUM");
            }
            std::sort(keys.begin(), keys.end());
            auto tx = repo.beginPush();
            if (!tx || !(*tx)->lockRecords(keys)) return false;
            std::this_thread::sleep_for(std::chrono::microseconds((p * 7919) % 3000));
            if (!(*tx)->commit(writes)) return false;
        }
        return true;
    };
    // Processes first, while this one has no threads.
    std::vector<pid_t> children;
    for (int c = 0; c < kProcesses; ++c) {
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            bool ok = false;
            {
                RepositoryConfig config;
                config.databaseUrl = db.url;
                config.fieldCipher = &cipher;
                if (auto repo = openPgRepository(config)) ok = write(**repo, fmt::format("proc{}", c));
            }
            ::_exit(ok ? 0 : 1);
        }
        children.push_back(pid);
    }
    auto repo = openRepo(db.url, cipher);
    std::atomic<int> writersLeft{kThreads};
    std::atomic<int> failures{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
        writers.emplace_back([&, t] {
            if (!write(*repo, fmt::format("thread{}", t))) ++failures;
            --writersLeft;
        });
    }
    std::atomic<bool> childrenDone{false};
    constexpr int kPullers = 3;
    std::vector<std::vector<std::string>> received(kPullers);
    std::vector<std::thread> pullers;
    for (int u = 0; u < kPullers; ++u) {
        pullers.emplace_back([&, u] {
            std::int64_t cursor = 0;
            for (bool last = false;;) {
                // Once every writer has finished, one more full pass.
                const bool finishing = writersLeft == 0 && childrenDone;
                for (;;) {
                    auto page = repo->changesFor("TUM", "nobody", cursor, 7, 1 << 20);
                    if (!page) {
                        ++failures;
                        return;
                    }
                    for (auto& p : page->payloads) received[static_cast<std::size_t>(u)].push_back(p);
                    cursor = page->last;
                    if (page->payloads.empty()) break;
                }
                if (last) return;
                last = finishing;
            }
        });
    }
    for (pid_t pid : children) {
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    }
    childrenDone = true;
    for (auto& t : writers) t.join();
    for (auto& t : pullers) t.join();
    CHECK(failures == 0);
    std::set<std::string> expected;
    for (int c = 0; c < kProcesses; ++c)
        for (int p = 0; p < kPushes; ++p)
            for (int i = 0; i < kPerPush; ++i) expected.insert(changeId(fmt::format("proc{}", c), p, i));
    for (int t = 0; t < kThreads; ++t)
        for (int p = 0; p < kPushes; ++p)
            for (int i = 0; i < kPerPush; ++i) expected.insert(changeId(fmt::format("thread{}", t), p, i));
    for (const auto& got : received) {
        CHECK(got.size() == expected.size());  // none twice
        CHECK(std::set<std::string>(got.begin(), got.end()) == expected);
    }
}

TEST_CASE("pg: more threads than pooled connections take turns") {
    SKIP_WITHOUT_POSTGRES();
    const FieldCipher cipher = randomCipher();
    TempDatabase db;
    auto repo = openRepo(db.url, cipher);
    constexpr int kThreads = 40;
    std::atomic<int> failures{0};
    std::atomic<int> mostConnections{0};
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&] {
            start.arrive_and_wait();
            for (int round = 0; round < 5; ++round) {
                {
                    // A thread holding a transaction asks for no other connection.
                    auto tx = repo->beginPush();
                    if (!tx || !(*tx)->records({RecordKey{"person", "p"}})) ++failures;
                }
                auto page = repo->changesFor("TUM", "d", 0, 10, 1 << 20);
                if (!page) ++failures;
            }
        });
    }
    auto watcher = pg::PgConnection::connect(baseUrl());
    REQUIRE(watcher.has_value());
    for (int i = 0; i < 20; ++i) {
        auto n = (*watcher)->exec(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = "
            "'chasqui-server'",
            {db.name}, "test");
        REQUIRE(n.has_value());
        mostConnections = std::max(mostConnections.load(), static_cast<int>(n->integer(0, 0).value_or(0)));
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    for (auto& t : threads) t.join();
    CHECK(failures == 0);
    CHECK(mostConnections >= 1);
    CHECK(mostConnections <= static_cast<int>(PgRepository::kPoolSize));
}
