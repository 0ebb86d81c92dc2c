// The link between kiosk and the REAL chasqui-server cut by the FaultProxy:
// at random bytes again and again (every change must arrive exactly once,
// answers lost after the server applied a batch must come back as
// duplicates), and at every byte of an answer's header block (never taken for
// an answer).
//
// Cut iterations: CHASQUI_E2E_CUTS (default 30) per kiosk; the random seed is
// CHASQUI_E2E_SEED (default: random, shown with any failure).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "storage/demo/demo_population.hpp"
#include "storage/records/person_repository.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/client/http_server_channel.hpp"
#include "tests/server/sync_e2e_fixture.hpp"
#include "tests/support/fault_proxy.hpp"

using namespace chasqui;
using namespace chasqui::test;
using namespace chasqui::test::e2e;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// The server is cpp-httplib built from the same header: it closes a kept-alive
// connection after this many requests. The proxy's cut thresholds count per
// connection; cuts are drawn within the first half of one request or answer,
// so every connection of a cut attempt breaks (see syncThroughCuts).
constexpr int kRequestsPerConnection = CPPHTTPLIB_KEEPALIVE_MAX_COUNT;

// Wraps an HttpServerChannel and records what each completed request moved on the wire.
class MeteredChannel final : public sync::ServerChannel {
public:
    explicit MeteredChannel(sync::HttpServerChannel& inner) : m_inner(inner) {}
    sync::SyncResult<std::vector<sync::PushItem>> push(const std::string& sealedBatch) override {
        const Mark mark = this->mark();
        auto r = m_inner.push(sealedBatch);
        record(mark);
        return r;
    }
    sync::SyncResult<sync::PulledPage> pull(const std::string& cursor, std::size_t limit) override {
        const Mark mark = this->mark();
        auto r = m_inner.pull(cursor, limit);
        record(mark);
        return r;
    }
    std::vector<std::uint64_t> up, down;  // per completed request

private:
    struct Mark {
        std::uint64_t sent, received;
    };
    Mark mark() const { return {m_inner.bytesSent(), m_inner.bytesReceived()}; }
    void record(const Mark& m) {
        if (m_inner.bytesSent() == m.sent && m_inner.bytesReceived() == m.received) return;  // no answer
        up.push_back(m_inner.bytesSent() - m.sent);
        down.push_back(m_inner.bytesReceived() - m.received);
    }
    sync::HttpServerChannel& m_inner;
};

std::uint64_t upperMedian(std::vector<std::uint64_t> values) {
    REQUIRE_FALSE(values.empty());
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

struct CutReport {
    int attempts = 0;        // syncNow calls after the measurement
    int cutFailures = 0;     // attempts a cut broke off
    int cutSurvived = 0;     // attempts with a cut set that still completed (libcurl retried, or N past the traffic)
    int healedFailures = 0;  // attempts that failed on a healthy link (must stay 0)
    int lostAnswers = 0;     // failures after which the server held changes the kiosk had not seen acknowledged
    int cutInHeaders = 0;    // failures reported as BadResponse (an answer cut inside its headers)
    bool completed = false;
    sync::SyncSummary summary;  // of the sync that completed
    std::uint64_t spanUp = 0, spanDown = 0;
};

// Syncs `kiosk` through `proxy` in batches of 25, cutting the link at random
// bytes for `cuts` attempts, then on a healed link until a sync completes
// (bounded; REQUIREd by the caller).
//
// How N is drawn. The proxy counts a threshold per connection, and a clean
// exchange is measured first (the first kRequestsPerConnection rounds, one
// kept-alive connection's worth):
// - downstream: N uniform over the answers a kept-alive connection carries
//   (all but the last, so that N cannot exceed every connection and let a
//   whole attempt through uncut): the cut lands anywhere in them, often after
//   the server has applied a batch whose answer is then lost;
// - upstream: N uniform over one request. libcurl silently resends a request
//   whose reused connection died before any answer byte (push and pull are
//   idempotent, so that is fine), so an upstream cut in a later request would
//   not reach syncNow at all; cutting the first request of a fresh connection
//   does.
// Each attempt uses a new transport, so it starts on a fresh connection.
CutReport syncThroughCuts(Kiosk& kiosk, const Server& server, FaultProxy& proxy, int cuts, std::mt19937_64& rng) {
    const sync::SyncLimits limits{.pushBatch = 25, .pullPage = 25};
    const std::int64_t serverBefore = server.changes();
    CutReport report;
    {
        proxy.setFaults({});
        sync::CurlTransport transport;
        sync::HttpServerChannel http(transport, proxy.url(), kiosk.token());
        MeteredChannel metered(http);
        auto clean = sync::syncNow(
            kiosk.store(), metered,
            {.pushBatch = limits.pushBatch, .pullPage = limits.pullPage, .maxRounds = kRequestsPerConnection});
        REQUIRE_MESSAGE(clean.has_value(), (clean ? std::string() : clean.error().message));
        report.spanUp = upperMedian(metered.up);
        // One answer's worth: the server may close a connection after any
        // request, so a span over several answers could outlast a connection.
        report.spanDown = upperMedian(metered.down);
        REQUIRE(report.spanUp > 0);
        REQUIRE(report.spanDown > 0);
    }

    const int maxAttempts = std::max(200, cuts + 50);
    std::bernoulli_distribution upstream(0.5);
    for (int attempt = 1; attempt <= maxAttempts; ++attempt) {
        const bool cutting = attempt <= cuts;
        Faults faults;
        std::string fault = "none";
        if (cutting) {
            const bool up = upstream(rng);
            // Within the first half of what a connection carries: push answers
            // are small now (counts only), and a cut drawn past the last byte a
            // short connection carries would not cut anything.
            const std::uint64_t span = (up ? report.spanUp : report.spanDown) / 2;
            const std::uint64_t n = std::uniform_int_distribution<std::uint64_t>(0, span)(rng);
            (up ? faults.cutUpstreamAfter : faults.cutDownstreamAfter) = n;
            fault = fmt::format("cut {} after {} bytes", up ? "upstream" : "downstream", n);
        }
        proxy.setFaults(faults);
        ++report.attempts;
        sync::CurlTransport transport;
        sync::HttpServerChannel http(transport, proxy.url(), kiosk.token());
        auto result = sync::syncNow(kiosk.store(), http, limits);
        if (result) {
            if (cutting) ++report.cutSurvived;
            report.completed = true;
            report.summary = *result;
            break;
        }
        CAPTURE(attempt);
        CAPTURE(fault);
        INFO("error: " << std::string(sync::syncErrorCodeName(result.error().code)) << ": " << result.error().message);
        CHECK_FALSE(result.error().message.empty());
        if (!cutting) {
            ++report.healedFailures;
            CHECK_MESSAGE(false, "a sync failed on a healed link");
            continue;
        }
        ++report.cutFailures;
        // A cut link is "no connection" for the kiosk, whatever byte it hit
        // (BadResponse is still counted apart, should a cut ever surface as one).
        if (result.error().code == sync::SyncErrorCode::BadResponse)
            ++report.cutInHeaders;
        else
            CHECK(result.error().code == sync::SyncErrorCode::Offline);
        if (server.changes() - serverBefore > kiosk.ackedCount()) ++report.lostAnswers;
    }
    proxy.setFaults({});
    return report;
}

}  // namespace

TEST_SUITE("sync_e2e") {
    TEST_CASE("cut at random bytes again and again, every change arrives exactly once") {
        const auto seed = e2eSeed();
        CAPTURE(seed);
        std::mt19937_64 rng(seed);
        const int cuts = envInt("CHASQUI_E2E_CUTS", 30);
        CAPTURE(cuts);

        Server server;
        Kiosk k1("ana.admin", "Ana Admin");
        Kiosk k2("beto.admin", "Beto Admin");
        k1.enroll(server);
        k2.enroll(server);
        storage::demo::DemoOptions demo;
        demo.persons = 300;
        auto counts = storage::demo::generateDemoPopulation(k1.store(), demo);
        REQUIRE(counts.has_value());
        REQUIRE(counts->persons == 300);
        const std::int64_t k1Changes = k1.changeCount();
        const std::int64_t k2Changes = k2.changeCount();
        CAPTURE(k1Changes);

        FaultProxy proxy(server.port());

        const CutReport up = syncThroughCuts(k1, server, proxy, cuts, rng);
        INFO("kiosk 1: " << up.attempts << " attempts, " << up.cutFailures << " broken off by a cut ("
                         << up.cutInHeaders << " inside headers), " << up.cutSurvived << " survived a cut, "
                         << up.lostAnswers << " lost answers; cut spans " << up.spanUp << " up / " << up.spanDown
                         << " down");
        REQUIRE(up.completed);
        CHECK(up.healedFailures == 0);
        if (cuts >= 10) {
            CHECK(up.cutFailures >= std::min(cuts, 20) / 2);
            // Answers were lost after the server had applied the batch: the retries
            // must have been recognised as duplicates, not applied twice.
            CHECK(up.lostAnswers > 0);
        }
        CHECK(up.summary.quarantined == 0);
        CHECK(k1.pending() == 0);
        CHECK(k1.ackedCount() == k1Changes);
        json status = server.status();
        CHECK(status.at("changes").get<std::int64_t>() == k1Changes);
        CHECK(status.at("quarantined").get<std::int64_t>() == 0);
        CHECK(status.at("conflicts").get<std::int64_t>() == 0);

        const CutReport down = syncThroughCuts(k2, server, proxy, cuts, rng);
        INFO("kiosk 2: " << down.attempts << " attempts, " << down.cutFailures << " broken off by a cut ("
                         << down.cutInHeaders << " inside headers), " << down.cutSurvived
                         << " survived a cut; cut spans " << down.spanUp << " up / " << down.spanDown << " down");
        REQUIRE(down.completed);
        CHECK(down.healedFailures == 0);
        if (cuts >= 10) CHECK(down.cutFailures >= std::min(cuts, 20) / 2);
        CHECK(down.summary.quarantined == 0);
        CHECK(down.summary.rejected == 0);
        CHECK(k2.pending() == 0);
        status = server.status();
        CHECK(status.at("changes").get<std::int64_t>() == k1Changes + k2Changes);
        CHECK(status.at("quarantined").get<std::int64_t>() == 0);

        // Kiosk 2 holds exactly kiosk 1's records: same ids, same values.
        CHECK(k1.scalar("SELECT count(*) FROM persons") == 300);
        CHECK(k1.scalar("SELECT count(*) FROM cases") > 0);
        CHECK(k1.scalar("SELECT count(*) FROM assistance") > 0);
        CHECK(k1.scalar("SELECT count(*) FROM referrals") > 0);
        for (const std::string entity :
             {"person", "household", "case", "assistance", "referral", "referral_status", "note"}) {
            CAPTURE(entity);
            const Rows expected = rowsOf(k1.db(), entity);
            const Rows actual = rowsOf(k2.db(), entity);
            const std::string diff = firstDifference(entity, expected, actual);
            CHECK_MESSAGE(diff.empty(), diff);
        }
        CHECK(k2.scalar("SELECT count(*) FROM conflicts") == 0);

        // Kiosk 1 then receives kiosk 2's own records, and nothing moves twice.
        const sync::SyncSummary back = k1.syncDirect(server);
        CHECK(back.pushed == 0);
        CHECK(back.pulled == k2Changes);
        CHECK(back.rejected == 0);
        const sync::SyncSummary again = k2.syncDirect(server);
        CHECK(again.pushed == 0);
        CHECK(again.pulled == 0);
        CHECK(server.changes() == k1Changes + k2Changes);
    }

    // When the connection closed inside the response's header block before a
    // Content-Length header arrived, libcurl 7.88 ended the transfer with CURLE_OK
    // (the body of a response without a length runs to the close), and
    // CurlTransport::send returned it as a complete answer with an empty body.
    // cpp-httplib sends its headers in name order, so Chasqui-More and
    // Chasqui-Next-Cursor come before Content-Length: a cut right after the cursor
    // line gave HttpServerChannel::pull a "page" with a valid next cursor and no
    // content. CurlTransport now refuses an answer whose headers did not end.
    TEST_CASE("an answer cut inside its header block is an error, not an answer") {
        Server server;
        Kiosk k1("ana.admin", "Ana Admin");
        Kiosk k2("beto.admin", "Beto Admin");
        k1.enroll(server);
        k2.enroll(server);
        k2.syncDirect(server);  // nothing left to push: its next sync starts with a pull
        auto person = storage::PersonRepository(k1.store()).add(samplePerson());
        REQUIRE(person.has_value());
        k1.syncDirect(server);
        auto cursor = k2.db().prepare("SELECT value FROM meta WHERE key = 'pull_cursor'");
        REQUIRE(cursor.has_value());
        auto row = cursor->step();
        REQUIRE(row.has_value());
        const std::string pullCursor = *row ? cursor->text(0) : std::string();
        cursor->reset();

        // The answer k2's next pull gets, measured clean: header block = wire bytes - body.
        FaultProxy proxy(server.port());
        const sync::HttpRequest pullRequest{
            "GET",
            proxy.url() + "/v1/pull?limit=25" + (pullCursor.empty() ? std::string() : "&cursor=" + pullCursor),
            {{"Chasqui-Protocol", "1"}, {"Authorization", "Bearer " + k2.token()}},
            {}};
        std::uint64_t headerBytes = 0;
        {
            sync::CurlTransport transport;
            auto clean = transport.send(pullRequest);
            REQUIRE(clean.has_value());
            REQUIRE(clean->status == 200);
            REQUIRE_FALSE(clean->header("Chasqui-Next-Cursor").empty());
            REQUIRE_FALSE(clean->body.empty());
            headerBytes = clean->bytesReceived - std::stoull(clean->header("Content-Length"));
            CHECK(clean->bytesReceived == proxy.stats().bytesDownstream);
        }
        CAPTURE(headerBytes);

        // Every cut point in the header block: none may come back as an answer.
        std::vector<std::uint64_t> passedOff;
        for (std::uint64_t n = 0; n <= headerBytes; ++n) {
            proxy.setFaults(Faults{.cutDownstreamAfter = n});
            sync::CurlTransport transport;
            auto cut = transport.send(pullRequest);
            if (!cut) {
                CHECK_MESSAGE(cut.error().code == sync::SyncErrorCode::Offline,
                              "cut after " << n << ": " << cut.error().message);
                continue;
            }
            passedOff.push_back(n);
        }
        CHECK_MESSAGE(passedOff.empty(), passedOff.size()
                                             << " cut points in the header block came back as a complete answer, "
                                             << "from byte " << (passedOff.empty() ? 0 : passedOff.front()) << " to "
                                             << (passedOff.empty() ? 0 : passedOff.back()));

        // After all those cuts, a sync on a healed link brings the page.
        proxy.setFaults({});
        sync::CurlTransport transport;
        sync::HttpServerChannel channel(transport, proxy.url(), k2.token());
        auto healed = sync::syncNow(k2.store(), channel, {.pushBatch = 25, .pullPage = 25});
        REQUIRE(healed.has_value());
        CHECK(healed->rejected == 0);
        CHECK(k2.scalar(fmt::format("SELECT count(*) FROM persons WHERE id = '{}'", person->id)) == 1);
    }

}  // TEST_SUITE
