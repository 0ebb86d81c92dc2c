// Several pushes under way at once (sync/client/push_pipeline.hpp), against
// the real chasqui-server: batches that share no record overlap, three at a
// time, batches that share one never do, a batch waits for the one before
// last when it shares a record with it, every change arrives once and no
// false conflict is made, and a first push that fails while others went
// through leaves nothing acknowledged that the server did not answer for.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include <fmt/core.h>

#include "storage/records/person_repository.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/client/http_server_channel.hpp"
#include "sync/client/spool_files.hpp"
#include "tests/server/sync_e2e_fixture.hpp"
#include "tests/support/test_store.hpp"

namespace chasqui::test::e2e {

namespace fs = std::filesystem;

namespace {

// What the watched channels saw, shared by a channel and its companions.
struct Watch {
    std::mutex mutex;
    std::condition_variable changed;
    int underWay = 0;
    int most = 0;  // pushes under way at the same time, at most
    int started = 0;
    // Each of the first `until` pushes waits this long for `until` pushes to
    // have started (none ends before the others could begin): long enough
    // that an overlap the spool allows is always seen. A wait with a
    // deadline, never a sleep: it ends as soon as they have.
    std::chrono::milliseconds waitFor{0};
    int until = 2;
    bool failFirst = false;  // the first push answers Offline (after the others started)
};

class WatchedChannel final : public sync::ServerChannel {
public:
    WatchedChannel(sync::ServerChannel& inner, std::shared_ptr<Watch> watch)
        : m_inner(inner), m_watch(std::move(watch)) {}

    sync::SyncResult<std::vector<sync::PushItem>> push(const std::string& body) override {
        int number = 0;
        {
            std::unique_lock lock(m_watch->mutex);
            number = ++m_watch->started;
            m_watch->most = std::max(m_watch->most, ++m_watch->underWay);
            m_watch->changed.notify_all();
            if (number < m_watch->until)
                m_watch->changed.wait_for(lock, m_watch->waitFor, [&] { return m_watch->started >= m_watch->until; });
        }
        auto answer = number == 1 && m_watch->failFirst
                          ? sync::syncFail(sync::SyncErrorCode::Offline, "the link dropped (test)")
                          : m_inner.push(body);
        std::lock_guard lock(m_watch->mutex);
        --m_watch->underWay;
        return answer;
    }
    sync::SyncResult<sync::PulledPage> pull(const std::string& cursor, std::size_t limit) override {
        return m_inner.pull(cursor, limit);
    }
    std::int64_t serverTimeMs() const override { return m_inner.serverTimeMs(); }
    std::unique_ptr<sync::ServerChannel> companion() override {
        auto inner = m_inner.companion();
        if (!inner) return nullptr;
        auto twin = std::make_unique<WatchedChannel>(*inner, m_watch);
        twin->m_ownInner = std::move(inner);
        return twin;
    }

private:
    std::unique_ptr<sync::ServerChannel> m_ownInner;  // a companion's
    sync::ServerChannel& m_inner;
    std::shared_ptr<Watch> m_watch;
};

sync::SyncResult<sync::SyncSummary> syncWatched(Kiosk& kiosk, const Server& server, std::shared_ptr<Watch> watch,
                                                std::size_t pushBatch) {
    sync::CurlTransport transport;
    sync::HttpServerChannel channel(transport, server.url(), kiosk.token());
    WatchedChannel watched(channel, std::move(watch));
    sync::SyncLimits limits;
    limits.pushBatch = pushBatch;
    return sync::syncNow(kiosk.store(), watched, limits);
}

void addPersons(Kiosk& kiosk, int count) {
    auto written = kiosk.store().writeVoid([&](storage::RecordWriter& w) -> storage::Result<void> {
        for (int i = 0; i < count; ++i) {
            storage::Person p = samplePerson();
            p.givenNames = fmt::format("Persona {}", i);
            auto added = storage::PersonRepository(kiosk.store()).add(w, p);  // one change each
            if (!added) return std::unexpected(added.error());
        }
        return {};
    });
    REQUIRE_MESSAGE(written.has_value(), (written ? std::string() : written.error().message));
}

std::vector<sync::OutboxName> outboxNames(Kiosk& kiosk) {
    std::vector<sync::OutboxName> out;
    for (const auto& entry : fs::directory_iterator(kiosk.store().dataDir().root / "sync" / "outbox"))
        if (auto name = sync::parseOutboxName(entry.path().stem().string())) out.push_back(*name);
    return out;
}

}  // namespace

TEST_SUITE("push_pipeline") {
    TEST_CASE("batches that share no record are pushed three at a time, and every change arrives once") {
        Server server;
        Kiosk kiosk("ana.admin", "Ana Admin");
        kiosk.enroll(server);
        addPersons(kiosk, 12);
        auto watch = std::make_shared<Watch>();
        watch->waitFor = std::chrono::seconds(20);
        watch->until = 3;
        auto summary = syncWatched(kiosk, server, watch, 2);
        REQUIRE_MESSAGE(summary.has_value(), (summary ? std::string() : summary.error().message));
        CHECK(watch->most == 3);
        CHECK(watch->started >= 6);
        CHECK(summary->pushed == kiosk.changeCount());
        CHECK(summary->duplicates == 0);
        CHECK(summary->quarantined == 0);
        CHECK(server.changes() == kiosk.changeCount());
        CHECK(kiosk.pending() == 0);
    }

    TEST_CASE("batches that touch the same record go one at a time, in order, and make no conflict") {
        Server server;
        Kiosk kiosk("ana.admin", "Ana Admin");
        kiosk.enroll(server);
        (void)kiosk.syncDirect(server);  // the kiosk's first changes (its staff), which share nothing with what follows
        std::string id;
        auto written = kiosk.store().writeVoid([&](storage::RecordWriter& w) -> storage::Result<void> {
            auto made = storage::PersonRepository(kiosk.store()).add(w, samplePerson());
            if (!made) return std::unexpected(made.error());
            id = made->id;
            // Each edit's base is the one before: applied out of order, the
            // server would take them for concurrent edits and record conflicts.
            for (int i = 0; i < 9; ++i)
                if (auto r = w.update("person", id, {{"given_names", fmt::format("Rosa {}", i)}}); !r)
                    return std::unexpected(r.error());
            return {};
        });
        REQUIRE(written.has_value());
        auto watch = std::make_shared<Watch>();
        watch->waitFor = std::chrono::seconds(1);  // a second push must not start meanwhile
        auto summary = syncWatched(kiosk, server, watch, 2);
        REQUIRE_MESSAGE(summary.has_value(), (summary ? std::string() : summary.error().message));
        CHECK(watch->most == 1);
        CHECK(watch->started >= 5);
        // No conflict record was made: the server holds exactly the kiosk's changes.
        CHECK(server.changes() == kiosk.changeCount());
        CHECK(kiosk.text("SELECT given_names FROM persons WHERE id = ?", id) == "Rosa 8");
    }

    TEST_CASE("a batch that shares a record with the one before last waits for it, beside the one between") {
        Server server;
        Kiosk kiosk("ana.admin", "Ana Admin");
        kiosk.enroll(server);
        (void)kiosk.syncDirect(server);  // the kiosk's first changes (its staff)
        std::string first;
        auto written = kiosk.store().writeVoid([&](storage::RecordWriter& w) -> storage::Result<void> {
            // In batches of two: [P1 P2] [P3 P4] [P1 again, P5].
            for (int i = 1; i <= 4; ++i) {
                storage::Person p = samplePerson();
                p.givenNames = fmt::format("Persona {}", i);
                auto made = storage::PersonRepository(kiosk.store()).add(w, p);
                if (!made) return std::unexpected(made.error());
                if (i == 1) first = made->id;
            }
            if (auto r = w.update("person", first, {{"given_names", "Persona 1 bis"}}); !r)
                return std::unexpected(r.error());
            auto last = storage::PersonRepository(kiosk.store()).add(w, samplePerson());
            if (!last) return std::unexpected(last.error());
            return {};
        });
        REQUIRE(written.has_value());
        auto watch = std::make_shared<Watch>();
        watch->waitFor = std::chrono::seconds(1);  // a third push must not start meanwhile
        watch->until = 3;
        auto summary = syncWatched(kiosk, server, watch, 2);
        REQUIRE_MESSAGE(summary.has_value(), (summary ? std::string() : summary.error().message));
        CHECK(watch->started == 3);
        CHECK(watch->most == 2);
        CHECK(server.changes() == kiosk.changeCount());
        CHECK(kiosk.text("SELECT given_names FROM persons WHERE id = ?", first) == "Persona 1 bis");
        CHECK(kiosk.pending() == 0);
    }

    TEST_CASE("a first push that fails while the others went through: nothing is acknowledged past it") {
        Server server;
        Kiosk kiosk("ana.admin", "Ana Admin");
        kiosk.enroll(server);
        addPersons(kiosk, 4);
        auto watch = std::make_shared<Watch>();
        watch->waitFor = std::chrono::seconds(20);
        watch->failFirst = true;
        auto failed = syncWatched(kiosk, server, watch, 2);
        REQUIRE_FALSE(failed.has_value());
        CHECK(failed.error().code == sync::SyncErrorCode::Offline);
        CHECK(watch->most >= 2);
        // Later batches reached the server, yet no batch was acknowledged:
        // answers are taken in order and the first one never came.
        CHECK(server.changes() > 0);
        CHECK(kiosk.ackedCount() == 0);
        CHECK(kiosk.pending() == kiosk.changeCount());
        for (const auto& name : outboxNames(kiosk)) CHECK(name.lastSeq > 0);

        const sync::SyncSummary again = kiosk.syncDirect(server);
        CHECK(again.duplicates > 0);  // the batch that went through, sent again
        CHECK(again.pushed + again.duplicates == kiosk.changeCount());
        CHECK(server.changes() == kiosk.changeCount());
        CHECK(kiosk.pending() == 0);
    }
}

}  // namespace chasqui::test::e2e
