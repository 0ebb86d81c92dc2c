// chasqui-bench sync: the kiosk's real sync path (syncNow over libcurl)
// against a real chasqui-server process on a loopback port.
//
//  - loopback: one kiosk pushes N case records through a FaultProxy without
//    faults (bytes counted at the proxy, HTTP headers included), then a second
//    kiosk of the same office pulls and merges them all.
//  - shaped: the same push through the proxy capped at K kbit/s each way with
//    a one-way latency L, compared with the time the bytes need at that rate.
//  - devices: D enrolled kiosks push concurrently from D threads, each with
//    its own CurlTransport, straight to the server: ingest rate, errors, p95.
//    As on a kiosk, the batches are sealed beforehand (at sign-out) and the
//    round runs what the sync thread runs (syncSpool): with D kiosks sharing
//    the server's CPUs, sealing inside the round would mostly measure them.
//
// Sign-in cost is not measured (stores use the minimum KDF parameters).
#include "bench/sync_bench.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "bench/stats.hpp"
#include "bench/sync/server_fleet.hpp"
#include "storage/db/personal_store.hpp"
#include "storage/demo/demo_population.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/client/http_server_channel.hpp"
#include "sync/client/kiosk_sync.hpp"
#include "sync/client/spool.hpp"
#include "sync/protocol/change_codec.hpp"
#include "sync/protocol/sealed_box.hpp"
#include "sync/server/app/child_process.hpp"
#include "tests/support/fault_proxy.hpp"

namespace chasqui::bench {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace chasqui::storage;

namespace {

constexpr const char* kPin = "24681357";
constexpr const char* kOffice = "TUM";

[[noreturn]] void die(const std::string& what) {
    fmt::print(stderr, "bench sync: {}\n", what);
    std::exit(1);
}

fs::path serverBinary() {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (ec) die("cannot find the running executable (/proc/self/exe)");
    return self.parent_path() / "chasqui-server";
}

struct Kiosk {
    std::unique_ptr<PersonalStore> store;
    std::string token;
};

Kiosk makeKiosk(const fs::path& root, const Clock& clock) {
    DataDir dir(root);
    InitOptions init;
    init.officeCode = kOffice;
    init.adminName = "Bench Admin";
    init.adminLogin = "bench";
    init.adminPin = kPin;
    init.kdf = KdfParams::minimumForTests();  // sign-in cost is not what is measured here
    // Case codes carry the device number: distinct kiosks of one office need distinct numbers.
    // (Counted over the whole bench; each concurrent run has a server of its own.)
    static int deviceNumber = 0;
    init.deviceNumber = deviceNumber++ % 999 + 1;
    if (auto r = PersonalStore::create(dir, init, clock); !r) die("cannot create a store: " + r.error().message);
    auto store = PersonalStore::signIn(dir, "bench", kPin, clock);
    if (!store) die("cannot sign in: " + store.error().message);
    return Kiosk{std::move(*store), {}};
}

// A code from the admin API, then the kiosk's own enrollment call (straight
// to the server: enrollment is not part of what is measured).
void enroll(Kiosk& k, const ServerFleet& server) {
    sync::CurlTransport transport;
    auto code = transport.send({"POST",
                                server.url() + "/v1/admin/enroll-codes",
                                {{"Chasqui-Protocol", "1"},
                                 {"Authorization", "Bearer " + server.adminToken()},
                                 {"Content-Type", "application/json"}},
                                json{{"office", kOffice}}.dump()});
    if (!code || code->status != 200) die("cannot get an enrollment code");
    const json body = json::parse(code->body, nullptr, false);
    if (!body.is_object() || !body.contains("code") || !body["code"].is_string()) die("bad enrollment code answer");
    auto publicKey = sync::devicePublicKeys(*k.store);
    if (!publicKey) die("no device key: " + publicKey.error().message);
    sync::HttpServerChannel channel(transport, server.url());
    auto answer = channel.enroll(body["code"].get<std::string>(), k.store->session().deviceId, *publicKey, kOffice);
    if (!answer) die("enrollment failed: " + answer.error().message);
    if (auto r = sync::setServerPublicKey(*k.store, answer->serverPublicKey); !r) die(r.error().message);
    k.token = answer->deviceToken;
}

void fill(Kiosk& k, int cases, std::uint64_t seed) {
    demo::DemoOptions o;
    o.persons = cases;
    o.seed = seed;
    o.batchSize = 500;
    if (auto r = demo::generateDemoPopulation(*k.store, o); !r) die("demo population failed: " + r.error().message);
}

// Times every push; optionally answers pulls locally with an empty page
// (sealed to the kiosk's key like the server's), so the concurrent run
// measures ingest alone. Its companions (the other pushes under way) time
// into the same list.
class TimedChannel final : public sync::ServerChannel {
public:
    TimedChannel(sync::ServerChannel& inner, std::string emptyPage = {})
        : m_inner(inner), m_emptyPage(std::move(emptyPage)) {}
    sync::SyncResult<std::vector<sync::PushItem>> push(const std::string& sealedBatch) override {
        const auto start = Stopwatch::now();
        auto r = m_inner.push(sealedBatch);
        const double ms = msSince(start);
        std::lock_guard lock(m_times->mutex);
        m_times->pushMs.push_back(ms);
        return r;
    }
    sync::SyncResult<sync::PulledPage> pull(const std::string& cursor, std::size_t limit) override {
        if (m_emptyPage.empty()) return m_inner.pull(cursor, limit);
        return sync::PulledPage{m_emptyPage, cursor.empty() ? "0.0" : cursor, false};
    }
    std::int64_t serverTimeMs() const override { return m_inner.serverTimeMs(); }
    std::unique_ptr<sync::ServerChannel> companion() override {
        auto inner = m_inner.companion();
        if (!inner) return nullptr;
        auto twin = std::make_unique<TimedChannel>(*inner, m_emptyPage);
        twin->m_times = m_times;
        twin->m_ownInner = std::move(inner);
        return twin;
    }
    std::vector<double> pushMs() const {
        std::lock_guard lock(m_times->mutex);
        return m_times->pushMs;
    }

private:
    struct Times {
        std::mutex mutex;
        std::vector<double> pushMs;
    };
    std::unique_ptr<sync::ServerChannel> m_ownInner;  // a companion's inner channel
    sync::ServerChannel& m_inner;
    std::string m_emptyPage;
    std::shared_ptr<Times> m_times = std::make_shared<Times>();
};

struct SyncOutcome {
    sync::SyncSummary summary;
    double seconds = 0;
    std::uint64_t up = 0, down = 0;
    int requests = 0;
};

SyncOutcome timedSync(Kiosk& k, const std::string& url, test::FaultProxy& proxy, const sync::SyncLimits& limits) {
    sync::CurlTransport transport;
    sync::HttpServerChannel channel(transport, url, k.token);
    TimedChannel timed(channel);
    proxy.resetByteCounters();
    const auto start = Stopwatch::now();
    auto r = sync::syncNow(*k.store, timed, limits);
    SyncOutcome o;
    o.seconds = msSince(start) / 1000.0;
    if (!r) die("sync failed: " + r.error().message);
    o.summary = std::move(*r);
    const auto stats = proxy.stats();
    o.up = stats.bytesUpstream;
    o.down = stats.bytesDownstream;
    o.requests = static_cast<int>(timed.pushMs().size());
    return o;
}

// One kiosk pushes `cases` through the proxy; with `pullToo` a second kiosk
// (synced once before, so it has nothing of its own left to push) pulls them.
struct PairFigures {
    SyncOutcome push, pull;
};

PairFigures runPair(const ServerFleet& server, const fs::path& work, const Clock& clock, int cases, std::uint64_t seed,
                    const test::Faults& faults, const sync::SyncLimits& limits, bool pullToo) {
    static int serial = 0;
    ++serial;
    Kiosk a = makeKiosk(work / fmt::format("kiosk-a{}", serial), clock);
    enroll(a, server);
    Kiosk b;
    test::FaultProxy proxy(server.port());
    if (pullToo) {
        b = makeKiosk(work / fmt::format("kiosk-b{}", serial), clock);
        enroll(b, server);
        (void)timedSync(b, server.url(), proxy, limits);  // its own first changes, straight to the server
    }
    // Catch up first (earlier runs' records, b's first changes), so the
    // measured sync moves only this run's cases.
    (void)timedSync(a, server.url(), proxy, limits);
    fill(a, cases, seed);
    proxy.setFaults(faults);
    PairFigures f;
    f.push = timedSync(a, proxy.url(), proxy, limits);
    if (pullToo) {
        proxy.setFaults({});
        f.pull = timedSync(b, proxy.url(), proxy, limits);
    }
    return f;
}

double spread(const std::vector<double>& v) {
    return v.empty() ? 0 : percentile(v, 100) - percentile(v, 0);
}

// Median run by push seconds (bytes hardly vary between runs).
const PairFigures& medianRun(const std::vector<PairFigures>& runs) {
    std::vector<std::size_t> order(runs.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](auto x, auto y) { return runs[x].push.seconds < runs[y].push.seconds; });
    return runs[order[order.size() / 2]];
}

json pushJson(const PairFigures& f, int cases) {
    const auto& p = f.push;
    const int changes = p.summary.pushed + p.summary.duplicates + p.summary.quarantined;
    return {{"cases", cases},
            {"changes", changes},
            {"seconds", p.seconds},
            {"bytes_up", p.up},
            {"bytes_down", p.down},
            {"bytes_per_case", static_cast<double>(p.up + p.down) / cases},
            {"bytes_per_change", changes ? static_cast<double>(p.up + p.down) / changes : 0.0},
            {"push_requests", p.requests},
            {"cases_per_s", cases / p.seconds},
            {"errors", p.summary.quarantined}};
}

json runLoopback(const ServerFleet& server, const fs::path& work, const Clock& clock, const SyncBenchOptions& o,
                 int cases, const sync::SyncLimits& limits) {
    const int repeat = o.repeat > 0 ? o.repeat : (cases <= 2000 ? 3 : 1);
    std::vector<PairFigures> runs;
    std::vector<double> pushS, pullS;
    for (int i = 0; i < repeat; ++i) {
        runs.push_back(runPair(server, work, clock, cases, 5000 + static_cast<std::uint64_t>(i), {}, limits, true));
        pushS.push_back(runs.back().push.seconds);
        pullS.push_back(runs.back().pull.seconds);
    }
    const PairFigures& m = medianRun(runs);
    json j = pushJson(m, cases);
    j["scenario"] = "loopback";
    j["seconds"] = median(pushS);
    j["cases_per_s"] = cases / median(pushS);
    j["seconds_spread"] = spread(pushS);
    j["repeats"] = repeat;
    j["pull_seconds"] = median(pullS);
    j["pull_seconds_spread"] = spread(pullS);
    j["pull_changes"] = m.pull.summary.pulled;
    j["pull_applied"] = m.pull.summary.applied;
    j["pull_ignored"] = m.pull.summary.ignored;
    j["pull_rejected"] = m.pull.summary.rejected;
    j["pull_bytes_up"] = m.pull.up;
    j["pull_bytes_down"] = m.pull.down;
    j["pull_bytes_per_case"] = static_cast<double>(m.pull.up + m.pull.down) / cases;
    j["push_batch"] = limits.pushBatch;
    j["pull_page"] = limits.pullPage;
    return j;
}

json runShaped(const ServerFleet& server, const fs::path& work, const Clock& clock, const SyncBenchOptions& o,
               int cases, const sync::SyncLimits& limits) {
    test::Faults faults;
    faults.upstreamBytesPerSecond = static_cast<std::uint64_t>(o.kbit) * 1000 / 8;
    faults.downstreamBytesPerSecond = faults.upstreamBytesPerSecond;
    faults.latency = std::chrono::milliseconds(o.latencyMs);
    const int repeat = o.repeat > 0 ? o.repeat : 1;
    std::vector<PairFigures> runs;
    std::vector<double> seconds, overs;
    for (int i = 0; i < repeat; ++i) {
        runs.push_back(
            runPair(server, work, clock, cases, 7000 + static_cast<std::uint64_t>(i), faults, limits, false));
        const auto& p = runs.back().push;
        const double bound = static_cast<double>(p.up + p.down) * 8.0 / (o.kbit * 1000.0) + 2.0 * o.latencyMs / 1000.0;
        seconds.push_back(p.seconds);
        overs.push_back(p.seconds / bound);
    }
    const PairFigures& m = medianRun(runs);
    json j = pushJson(m, cases);
    const double bound =
        static_cast<double>(m.push.up + m.push.down) * 8.0 / (o.kbit * 1000.0) + 2.0 * o.latencyMs / 1000.0;
    j["scenario"] = "shaped";
    j["kbit"] = o.kbit;
    j["latency_ms"] = o.latencyMs;
    j["bound_seconds"] = bound;
    j["over_bound"] = m.push.seconds / bound;
    j["over_bound_spread"] = spread(overs);
    j["repeats"] = repeat;
    j["push_batch"] = limits.pushBatch;
    return j;
}

json runDevices(const ServerFleet& server, const fs::path& work, const Clock& clock, const SyncBenchOptions& o,
                const sync::SyncLimits& limits) {
    const int devices = o.devices;
    const int rounds = o.repeat > 0 ? o.repeat : 3;
    std::vector<Kiosk> kiosks;
    std::vector<std::string> emptyPages;
    for (int i = 0; i < devices; ++i) {
        kiosks.push_back(makeKiosk(work / fmt::format("device-{}", i), clock));
        enroll(kiosks.back(), server);
        auto key = sync::devicePublicKeys(*kiosks.back().store);
        if (!key) die(key.error().message);
        auto page = sync::sealCompressed(json{{"columns", sync::encodeColumns({})}}.dump(), key->box);
        if (!page) die(page.error().message);
        emptyPages.push_back(std::move(*page));
    }
    std::vector<double> roundS, p95s, allPushMs;
    int errors = 0, changes = 0, pushes = 0;
    std::uint64_t up = 0, down = 0;
    const sync::SpoolLimits spoolLimits{
        .pushBatch = limits.pushBatch, .pullPage = limits.pullPage, .maxRounds = limits.maxRounds};
    for (int round = 0; round < rounds; ++round) {
        for (int i = 0; i < devices; ++i) {
            Kiosk& k = kiosks[static_cast<std::size_t>(i)];
            fill(k, o.deviceCases, 9000 + static_cast<std::uint64_t>(round * devices + i));
            if (auto r = sync::spoolOutbox(*k.store, spoolLimits); !r)
                die("cannot seal the outbox: " + r.error().message);
        }
        std::latch ready(devices + 1);
        std::mutex mutex;
        std::vector<double> pushMs;
        std::atomic<int> failed{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < devices; ++i) {
            threads.emplace_back([&, i] {
                Kiosk& k = kiosks[static_cast<std::size_t>(i)];
                sync::CurlTransport transport;
                sync::HttpServerChannel channel(transport, server.url(), k.token);
                TimedChannel timed(channel, emptyPages[static_cast<std::size_t>(i)]);
                ready.arrive_and_wait();
                auto r = sync::syncSpool(k.store->dataDir(), timed, spoolLimits);
                std::lock_guard lock(mutex);
                if (!r) {
                    ++failed;
                    fmt::print(stderr, "bench sync: device {} failed: {}\n", i, r.error().message);
                } else {
                    failed += r->quarantined;
                    changes += r->pushed + r->duplicates + r->quarantined;
                }
                const std::vector<double> times = timed.pushMs();
                pushMs.insert(pushMs.end(), times.begin(), times.end());
                up += channel.bytesSent();
                down += channel.bytesReceived();
            });
        }
        ready.arrive_and_wait();
        const auto start = Stopwatch::now();
        for (auto& t : threads) t.join();
        roundS.push_back(msSince(start) / 1000.0);
        p95s.push_back(percentile(pushMs, 95));
        pushes += static_cast<int>(pushMs.size());
        allPushMs.insert(allPushMs.end(), pushMs.begin(), pushMs.end());
        errors += failed.load();
    }
    const int casesPerRound = devices * o.deviceCases;
    std::vector<double> rates;
    for (double s : roundS) rates.push_back(casesPerRound / s);
    const int cases = casesPerRound * rounds;
    return {{"scenario", "devices"},
            {"devices", devices},
            {"rounds", rounds},
            {"cases", cases},
            {"changes", changes},
            {"pushes", pushes},
            {"seconds", median(roundS)},
            {"bytes_up", up},
            {"bytes_down", down},
            {"bytes_per_case", static_cast<double>(up + down) / cases},
            {"cases_per_s", median(rates)},
            {"cases_per_s_spread", spread(rates)},
            {"errors", errors},
            {"push_p50_ms", percentile(allPushMs, 50)},
            {"push_p95_ms", median(p95s)},
            {"push_p95_ms_spread", spread(p95s)},
            {"push_batch", limits.pushBatch}};
}

void row(const std::string& measure, const std::string& value, const std::string& target = {}) {
    fmt::print("{:<48} {:>12} {:>12}\n", measure, value, target);
}
std::string num(double v, int digits) {
    return fmt::format("{:.{}f}", v, digits);
}

void printTransfer(const json& j) {
    row("cases (demo persons with case, needs, ...)", fmt::format("{}", j["cases"].get<int>()));
    row("changes pushed", fmt::format("{}", j["changes"].get<int>()));
    row("push seconds", num(j["seconds"].get<double>(), 2));
    row("bytes up / down (at the proxy, with headers)",
        fmt::format("{}/{}", j["bytes_up"].get<std::uint64_t>(), j["bytes_down"].get<std::uint64_t>()));
    row("bytes per case", num(j["bytes_per_case"].get<double>(), 1), "<= 220");
    row("bytes per change", num(j["bytes_per_change"].get<double>(), 1));
    row("push requests (batches)", fmt::format("{}", j["push_requests"].get<int>()));
    row("quarantined", fmt::format("{}", j["errors"].get<int>()), "0");
}

void printDevices(const json& j) {
    const int processes = j.value("processes", 1);
    fmt::print("\n{} kiosks pushing at once, {} cases each per round ({} rounds, medians; {} {} server process{})\n",
               j["devices"].get<int>(), j["cases"].get<int>() / j["devices"].get<int>() / j["rounds"].get<int>(),
               j["rounds"].get<int>(), j.value("behind_nginx", false) ? "nginx in front of" : "straight to", processes,
               processes == 1 ? "" : "es");
    row("cases/s (all devices)", num(j["cases_per_s"].get<double>(), 0));
    row("  noise: spread of cases/s (max - min)", num(j["cases_per_s_spread"].get<double>(), 0));
    row("errors (failed syncs + quarantined changes)", fmt::format("{}", j["errors"].get<int>()), "0");
    row("push p50 ms", num(j["push_p50_ms"].get<double>(), 1));
    row("push p95 ms (median of rounds)", num(j["push_p95_ms"].get<double>(), 1));
    row("  noise: spread of p95 (max - min)", num(j["push_p95_ms_spread"].get<double>(), 1));
    row("round seconds", num(j["seconds"].get<double>(), 2));
    row("bytes per case (curl's count, with headers)", num(j["bytes_per_case"].get<double>(), 1), "<= 220");
}

void printTable(const json& j) {
    const std::string s = j["scenario"];
    if (s == "loopback") {
        fmt::print("\nloopback push then pull ({} runs, medians; batch {} changes, page {})\n", j["repeats"].get<int>(),
                   j["push_batch"].get<std::size_t>(), j["pull_page"].get<std::size_t>());
        printTransfer(j);
        row("push cases/s", num(j["cases_per_s"].get<double>(), 0));
        row("  noise: spread of push seconds (max - min)", num(j["seconds_spread"].get<double>(), 2));
        row("pull seconds (second kiosk, merge included)", num(j["pull_seconds"].get<double>(), 2));
        row("  noise: spread of pull seconds (max - min)", num(j["pull_seconds_spread"].get<double>(), 2));
        row("pulled / applied / rejected", fmt::format("{}/{}/{}", j["pull_changes"].get<int>(),
                                                       j["pull_applied"].get<int>(), j["pull_rejected"].get<int>()));
        row("pull bytes per case", num(j["pull_bytes_per_case"].get<double>(), 1));
    } else if (s == "shaped") {
        fmt::print("\nshaped push: {} kbit/s each way, {} ms one-way latency ({} run(s); batch {} changes)\n",
                   j["kbit"].get<int>(), j["latency_ms"].get<int>(), j["repeats"].get<int>(),
                   j["push_batch"].get<std::size_t>());
        printTransfer(j);
        row("bound seconds (bytes at the rate + one round trip)", num(j["bound_seconds"].get<double>(), 2));
        row("seconds / bound", num(j["over_bound"].get<double>(), 3), "< 1.5");
    } else if (j.contains("runs")) {
        for (const auto& r : j["runs"]) printDevices(r);
        fmt::print("\n");
        row("cases/s ratio, last process count over first",
            num(j["cases_per_s_ratio_last_over_first"].get<double>(), 2));
    } else {
        printDevices(j);
    }
}

}  // namespace

int runSyncBench(const SyncBenchOptions& o) {
    (void)std::signal(SIGPIPE, SIG_IGN);
    const fs::path bin = serverBinary();
    if (!fs::exists(bin)) die(bin.string() + " not found: build the chasqui-server target");
    const bool ownDir = o.workDir.empty();
    const fs::path work =
        ownDir ? fs::temp_directory_path() / fmt::format("chasqui-bench-sync-{}", ::getpid()) : fs::path(o.workDir);
    std::error_code ec;
    fs::remove_all(work, ec);
    fs::create_directories(work);

    SystemClock clock;
    sync::SyncLimits limits;
    limits.pushBatch = std::clamp<std::size_t>(o.pushBatch, 1, 1000);
    limits.pullPage = std::clamp<std::size_t>(o.pullPage, 1, 500);

    const bool shaped = o.all || o.kbit > 0;
    const bool devices = o.all || o.devices > 0;
    const bool loopback = o.all || (!shaped && !devices);
    SyncBenchOptions opts = o;
    if (opts.kbit <= 0) opts.kbit = 64;
    if (opts.devices <= 0) opts.devices = 100;

    std::vector<json> results;
    FleetOptions fleet;
    fleet.serverBinary = bin;
    fleet.dataDir = work / "server";
    const bool postgres = o.backend == "postgresql";
    if (postgres && o.database.empty())
        die("--backend postgresql needs --database postgresql://... (or CHASQUI_BENCH_DATABASE_URL); "
            "scripts/pg-test-cluster.sh start DIR makes a throwaway one");
    if (!postgres && o.backend != "sqlcipher") die("--backend is sqlcipher or postgresql");
    int runs = 0;
    const auto schemaName = [&] { return fmt::format("bench_{}_{}", ::getpid(), ++runs); };
    if (loopback || shaped) {
        const ScratchSchema schema(postgres ? o.database : std::string(), schemaName());
        fleet.databaseUrl = schema.url();
        ServerFleet server(fleet);
        if (loopback) results.push_back(runLoopback(server, work, clock, opts, o.cases > 0 ? o.cases : 10000, limits));
        if (shaped) results.push_back(runShaped(server, work, clock, opts, o.cases > 0 ? o.cases : 2000, limits));
    }
    if (devices) {
        // Each process count on a fresh store, behind nginx when asked (or
        // when there are several): the same kiosks' work against each.
        const std::vector<int> counts = o.processes.empty() ? std::vector<int>{1} : o.processes;
        json perCount = json::array();
        for (const int n : counts) {
            FleetOptions f = fleet;
            f.dataDir = work / fmt::format("server-{}", n);
            const ScratchSchema schema(postgres ? o.database : std::string(), schemaName());
            f.databaseUrl = schema.url();
            f.processes = n;
            f.nginx = !o.processes.empty();
            ServerFleet server(f);
            json r = runDevices(server, work / fmt::format("devices-{}", n), clock, opts, limits);
            r["processes"] = n;
            r["behind_nginx"] = server.behindNginx();
            perCount.push_back(std::move(r));
        }
        if (perCount.size() == 1) {
            results.push_back(perCount.front());
        } else {
            json combined = {{"scenario", "devices"}, {"runs", perCount}};
            combined["errors"] = 0;
            for (const auto& r : perCount) combined["errors"] = combined["errors"].get<int>() + r["errors"].get<int>();
            combined["cases_per_s_ratio_last_over_first"] =
                perCount.back()["cases_per_s"].get<double>() / perCount.front()["cases_per_s"].get<double>();
            results.push_back(std::move(combined));
        }
    }
    for (auto& r : results) r["backend"] = o.backend;
    if (ownDir) fs::remove_all(work, ec);

    const unsigned cpus = std::thread::hardware_concurrency();
    if (o.json) {
        json out;
        if (results.size() == 1) {
            out = results.front();
        } else {
            out = json::object();
            for (const auto& r : results) out[r["scenario"].get<std::string>()] = r;
        }
        out["cpus"] = cpus;
        fmt::print("{}\n", out.dump());
    } else {
        fmt::print(
            "chasqui-bench sync  (real chasqui-server on loopback, {} store, {} CPUs shared by kiosks, proxy and "
            "server)\n",
            o.backend, cpus);
        for (const auto& r : results) printTable(r);
    }
    int errors = 0;
    for (const auto& r : results) errors += r.value("errors", 0);
    return errors == 0 ? 0 : 1;
}

}  // namespace chasqui::bench
