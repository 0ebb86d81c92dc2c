// chasqui-bench storage: encrypted vs plain write throughput (same run,
// alternating rounds, medians), search-as-you-type latency and duplicate-check
// latency on a generated population.
#include "bench/storage_bench.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <random>
#include <thread>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "bench/stats.hpp"
#include "storage/base/text.hpp"
#include "storage/demo/demo_population.hpp"
#include "storage/records/case_repository.hpp"
#include "storage/records/person_repository.hpp"
#include "storage/search/duplicate_finder.hpp"
#include "storage/search/duplicate_scan.hpp"
#include "storage/search/search_index.hpp"

namespace chasqui::bench {

namespace fs = std::filesystem;
using namespace chasqui::storage;

namespace {

constexpr const char* kPin = "24681357";
int g_cachePages = StoreTuning{}.cachePages;

std::unique_ptr<PersonalStore> makeStore(const fs::path& root, bool encrypted, const Clock& clock,
                                         bool durable = true) {
    std::error_code ec;
    fs::remove_all(root, ec);
    DataDir dir(root);
    InitOptions init;
    init.officeCode = "TUM";
    init.adminName = "Bench Admin";
    init.adminLogin = "bench";
    init.adminPin = kPin;
    init.kdf = KdfParams::minimumForTests();  // sign-in cost is not what is measured here
    StoreTuning tuning;
    tuning.encrypted = encrypted;
    tuning.durable = durable;
    tuning.cachePages = g_cachePages;
    if (auto r = PersonalStore::create(dir, init, clock, tuning); !r) {
        fmt::print(stderr, "bench: cannot create store: {}\n", r.error().message);
        std::exit(1);
    }
    auto store = PersonalStore::signIn(dir, "bench", kPin, clock, tuning);
    if (!store) {
        fmt::print(stderr, "bench: cannot sign in: {}\n", store.error().message);
        std::exit(1);
    }
    return std::move(*store);
}

// Pages a commit writes, counted as SQLite appends them to the WAL (one frame
// per page, each encrypted and MACed). The WAL hook receives the WAL's length
// in frames after each commit; installing it replaces SQLite's auto-checkpoint
// hook, so it checkpoints past 1000 frames as that one does.
class WalFrameCounter {
public:
    explicit WalFrameCounter(Db& db) : m_db(db.handle()) { sqlite3_wal_hook(m_db, &WalFrameCounter::hook, this); }
    ~WalFrameCounter() { sqlite3_wal_autocheckpoint(m_db, 1000); }  // puts SQLite's own hook back
    WalFrameCounter(const WalFrameCounter&) = delete;
    WalFrameCounter& operator=(const WalFrameCounter&) = delete;
    std::int64_t frames() const { return m_frames; }

private:
    static int hook(void* self, sqlite3* db, const char* name, int frames) {
        auto* c = static_cast<WalFrameCounter*>(self);
        // A WAL restarted after a checkpoint holds only this commit's frames.
        c->m_frames += frames >= c->m_last ? frames - c->m_last : frames;
        c->m_last = frames;
        if (frames >= 1000) sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        return SQLITE_OK;
    }
    sqlite3* m_db;
    std::int64_t m_frames = 0;
    int m_last = 0;
};

// One registration as the kiosk does it: person + case + assistance, one transaction each call.
double timedRegistrations(PersonalStore& store, int count, std::uint64_t seed) {
    demo::PersonGenerator people(seed, store.today());
    PersonRepository persons(store);
    CaseRepository cases(store);
    const auto start = Stopwatch::now();
    for (int i = 0; i < count; ++i) {
        auto r = store.writeVoid([&](RecordWriter& w) -> Result<void> {
            auto p = persons.add(w, people.next());
            if (!p) return std::unexpected(p.error());
            Case c;
            c.personId = p->id;
            c.officeId = store.session().officeId;
            c.openedDate = store.today();
            auto id = cases.open(w, c);
            if (!id) return std::unexpected(id.error());
            return {};
        });
        if (!r) {
            fmt::print(stderr, "bench: write failed: {}\n", r.error().message);
            std::exit(1);
        }
    }
    return msSince(start);
}

void loadPopulation(PersonalStore& store, int count, std::vector<Person>& sample, int batch = 2000) {
    demo::PersonGenerator people(424242, store.today());
    PersonRepository persons(store);
    for (int done = 0; done < count;) {
        const int end = std::min(count, done + batch);
        auto r = store.writeVoid([&](RecordWriter& w) -> Result<void> {
            for (; done < end; ++done) {
                Person p = people.next();
                auto added = persons.add(w, p);
                if (!added) return std::unexpected(added.error());
                if (done % std::max(1, count / 2000) == 0) {
                    p.caseCode = added->caseCode;
                    sample.push_back(std::move(p));
                }
            }
            return {};
        });
        if (!r) {
            fmt::print(stderr, "bench: population load failed: {}\n", r.error().message);
            std::exit(1);
        }
        if (count >= 50000 && !sample.empty()) fmt::print(stderr, "\r  loading population {}/{}", done, count);
    }
    if (count >= 50000) fmt::print(stderr, "\n");
}

// A folded name as staff type it when they hear it, or unchanged when no
// sound-alike change applies.
std::string typedAsHeard(const std::string& w, std::size_t variant) {
    return demo::spelledAsHeard(w, variant).value_or(w);
}

// What staff type: 2-6 letters of a name part, two partial words, a document
// number, a phone, a case code.
std::vector<std::string> makeQueries(const std::vector<Person>& sample, int n, std::mt19937_64& rng) {
    std::vector<std::string> out;
    std::uniform_int_distribution<std::size_t> pick(0, sample.size() - 1);
    for (int i = 0; i < n; ++i) {
        const Person& p = sample[pick(rng)];
        const auto family = splitWords(foldForSearch(p.familyName1));
        const auto given = splitWords(foldForSearch(p.givenNames));
        switch (i % 6) {
            case 0:
                out.push_back(family.front().substr(0, 2 + static_cast<std::size_t>(i % 4)));
                break;
            case 1:
                out.push_back(given.front().substr(0, 3) + " " + family.front().substr(0, 3));
                break;
            case 2:
                out.push_back(p.docNumber.empty() ? family.front() : p.docNumber);
                break;
            case 3:
                out.push_back(p.caseCode);
                break;
            case 4:
                out.push_back(p.phone.empty() ? given.front() : p.phone.substr(4));
                break;
            default:
                out.push_back(foldForSearch(p.familyName1 + " " + p.familyName2));
                break;
        }
    }
    return out;
}

}  // namespace

int runStorageBench(const StorageBenchOptions& o) {
    if (o.cachePages > 0) g_cachePages = o.cachePages;
    SystemClock clock;
    const bool ownDir = o.workDir.empty();
    const fs::path work =
        ownDir ? fs::temp_directory_path() / fmt::format("chasqui-bench-{}", ::getpid()) : fs::path(o.workDir);
    fs::create_directories(work);

    // 1. Writes: encrypted and plain, alternating rounds so that machine noise
    //    hits both alike; each round on a fresh store. Medians reported. Twice:
    //    with the kiosk's durable setting (synchronous=FULL, an fsync per
    //    commit) and CPU-bound (synchronous=NORMAL), which exposes the cipher cost.
    struct WriteFigures {
        double encPerS = 0, plainPerS = 0, ratio = 0, spread = 0;
    };
    auto measureWrites = [&](bool durable) {
        std::vector<double> encMs, plainMs, ratios;
        for (int round = 0; round < o.rounds; ++round) {
            for (const bool encrypted : {true, false}) {
                auto s = makeStore(work / (encrypted ? "enc" : "plain"), encrypted, clock, durable);
                const double ms = timedRegistrations(*s, o.insertSample, 1000 + static_cast<std::uint64_t>(round));
                (encrypted ? encMs : plainMs).push_back(ms);
            }
            ratios.push_back(encMs.back() / plainMs.back());
        }
        return WriteFigures{o.insertSample / (median(encMs) / 1000.0), o.insertSample / (median(plainMs) / 1000.0),
                            median(ratios), percentile(ratios, 100) - percentile(ratios, 0)};
    };
    // Pages per registration: on a store that already holds people (indexes
    // and the search index have depth), counted apart from the timed rounds.
    double pagesPerRegistration = 0;
    {
        auto s = makeStore(work / "pages", true, clock, true);
        std::vector<Person> ignored;
        loadPopulation(*s, 5000, ignored, 1000);
        WalFrameCounter frames(s->db());
        constexpr int kRegistrations = 300;
        timedRegistrations(*s, kRegistrations, 4242);
        pagesPerRegistration = static_cast<double>(frames.frames()) / kRegistrations;
    }
    const WriteFigures durableW = measureWrites(true);
    const WriteFigures cpuW = measureWrites(false);
    // Bulk: 1000 persons per transaction (imports, demo data, sync batches).
    std::vector<double> bulkEnc, bulkPlain, bulkRatios;
    const int bulkCount = o.insertSample * 5;
    for (int round = 0; round < o.rounds; ++round) {
        for (const bool encrypted : {true, false}) {
            auto s = makeStore(work / (encrypted ? "enc" : "plain"), encrypted, clock, true);
            std::vector<Person> ignored;
            const auto start = Stopwatch::now();
            loadPopulation(*s, bulkCount, ignored, 1000);
            (encrypted ? bulkEnc : bulkPlain).push_back(msSince(start));
        }
        bulkRatios.push_back(bulkEnc.back() / bulkPlain.back());
    }
    const WriteFigures bulkW{bulkCount / (median(bulkEnc) / 1000.0), bulkCount / (median(bulkPlain) / 1000.0),
                             median(bulkRatios), percentile(bulkRatios, 100) - percentile(bulkRatios, 0)};
    const double encPerS = durableW.encPerS, plainPerS = durableW.plainPerS;
    const double ratio = durableW.ratio, ratioSpread = durableW.spread;

    // 2. Search and duplicate checks on the encrypted store at full population.
    auto store = makeStore(work / "population", true, clock);
    std::vector<Person> sample;
    const auto loadStart = Stopwatch::now();
    loadPopulation(*store, o.persons, sample);
    const double loadS = msSince(loadStart) / 1000.0;
    std::mt19937_64 rng(99);
    const auto queries = makeQueries(sample, o.queries, rng);
    std::vector<double> searchMs;
    std::size_t emptyResults = 0;
    for (const auto& q : queries) {
        const auto start = Stopwatch::now();
        auto found = searchPersons(store->db(), q, 20);
        searchMs.push_back(msSince(start));
        if (!found || found->empty()) ++emptyResults;
    }
    // Names typed as heard ("balderama" for Valderrama), whole family names
    // with or without the first given name: found only through the sound keys.
    std::uniform_int_distribution<std::size_t> pick(0, sample.size() - 1);
    std::vector<double> typoMs;
    std::size_t typoFound = 0;
    const int typoQueries = std::max(1, o.queries / 4);
    for (int i = 0; i < typoQueries; ++i) {
        const Person& p = sample[pick(rng)];
        const auto given = splitWords(foldForSearch(p.givenNames));
        // All three names, as staff look someone up; the demo's short name
        // lists make one name alone match thousands.
        std::string q;
        if (!given.empty()) {
            q = i % 2 == 0 ? typedAsHeard(given.front(), static_cast<std::size_t>(i) + 3) : given.front();
            q += ' ';
        }
        q += typedAsHeard(foldForSearch(p.familyName1), static_cast<std::size_t>(i));
        q += ' ';
        q += foldForSearch(p.familyName2);
        const auto start = Stopwatch::now();
        auto found = searchPersons(store->db(), q, 20);
        const double ms = msSince(start);
        typoMs.push_back(ms);
        searchMs.push_back(ms);
        if (!found) return 1;
        if (std::any_of(found->begin(), found->end(), [&](const PersonMatch& m) { return m.caseCode == p.caseCode; }))
            ++typoFound;
    }
    // Duplicate checks: the generator's near-duplicates, names typed as heard
    // (given and family), and new people.
    demo::PersonGenerator probes(77, store->today());
    std::vector<double> dupMs;
    for (int i = 0; i < o.dupChecks; ++i) {
        Person probe;
        if (i % 3 == 0) {
            probe = probes.nearDuplicate(sample[pick(rng)], i % 5);
        } else if (i % 3 == 1) {
            probe = sample[pick(rng)];
            probe.meta = {};
            probe.givenNames = typedAsHeard(foldForSearch(probe.givenNames), static_cast<std::size_t>(i));
            probe.familyName1 = typedAsHeard(foldForSearch(probe.familyName1), static_cast<std::size_t>(i) + 4);
        } else {
            probe = probes.next();
        }
        const auto start = Stopwatch::now();
        auto found = findDuplicates(store->db(), probe);
        dupMs.push_back(msSince(start));
        if (!found) return 1;
    }
    // The supervisor's review of the whole store (`chasqui duplicates`).
    double scanS = -1;  // -1: not run (--skip-review)
    std::size_t scanPairs = 0;
    if (!o.skipReview) {
        const auto scanStart = Stopwatch::now();
        auto scan = findDuplicatePairs(store->db());
        if (!scan) return 1;
        scanS = msSince(scanStart) / 1000.0;
        scanPairs = scan->pairs.size();
    }
    store.reset();
    if (ownDir) fs::remove_all(work);

    const double searchP50 = percentile(searchMs, 50), searchP95 = percentile(searchMs, 95);
    const double dupP50 = percentile(dupMs, 50), dupP95 = percentile(dupMs, 95);
    const double typoP95 = percentile(typoMs, 95);
    if (o.json) {
        // The headline ratio is the CPU-bound one: with an fsync per commit
        // (durable) the disk's latency hides most of the cipher's cost.
        nlohmann::json j = {{"persons", o.persons},
                            {"insert_sample", o.insertSample},
                            {"rounds", o.rounds},
                            {"encrypted_insert_per_s", cpuW.encPerS},
                            {"plain_insert_per_s", cpuW.plainPerS},
                            {"encrypted_over_plain", cpuW.ratio},
                            {"encrypted_over_plain_spread", cpuW.spread},
                            {"durable_encrypted_insert_per_s", encPerS},
                            {"durable_plain_insert_per_s", plainPerS},
                            {"durable_encrypted_over_plain", ratio},
                            {"durable_encrypted_over_plain_spread", ratioSpread},
                            {"bulk_encrypted_insert_per_s", bulkW.encPerS},
                            {"bulk_plain_insert_per_s", bulkW.plainPerS},
                            {"bulk_encrypted_over_plain", bulkW.ratio},
                            {"bulk_encrypted_over_plain_spread", bulkW.spread},
                            {"pages_per_registration", pagesPerRegistration},
                            {"search_p50_ms", searchP50},
                            {"search_p95_ms", searchP95},
                            {"search_queries", o.queries + typoQueries},
                            {"search_typo_queries", typoQueries},
                            {"search_typo_p95_ms", typoP95},
                            {"search_typo_found", typoFound},
                            {"search_empty_results", emptyResults},
                            {"dup_check_p50_ms", dupP50},
                            {"dup_check_p95_ms", dupP95},
                            {"duplicate_scan_s", scanS},
                            {"duplicate_scan_pairs", scanPairs},
                            {"population_load_s", loadS},
                            {"cpus", std::thread::hardware_concurrency()}};
        fmt::print("{}\n", j.dump());
        return 0;
    }
    fmt::print(
        "chasqui-bench storage  ({} persons, {} CPUs; writes: {} rounds x {} registrations (person + case, "
        "one transaction each), encrypted and plain alternating, medians)\n\n",
        o.persons, std::thread::hardware_concurrency(), o.rounds, o.insertSample);
    fmt::print("{:<44} {:>12} {:>12}\n", "measure", "value", "target");
    fmt::print("{:<44} {:>12.0f} {:>12}\n", "registrations/s, encrypted, durable", encPerS, "");
    fmt::print("{:<44} {:>12.0f} {:>12}\n", "registrations/s, plain SQLite, durable", plainPerS, "");
    fmt::print("{:<44} {:>12.3f} {:>12}\n", "encrypted / plain time, durable", ratio, "");
    fmt::print("{:<44} {:>12.3f} {:>12}\n", "  noise: spread of that ratio (max - min)", ratioSpread, "");
    fmt::print("{:<44} {:>12.0f} {:>12}\n", "registrations/s, encrypted, CPU-bound", cpuW.encPerS, "");
    fmt::print("{:<44} {:>12.0f} {:>12}\n", "registrations/s, plain SQLite, CPU-bound", cpuW.plainPerS, "");
    fmt::print("{:<44} {:>12.3f} {:>12}\n", "encrypted / plain time, CPU-bound", cpuW.ratio, "");
    fmt::print("{:<44} {:>12.3f} {:>12}\n", "  noise: spread of that ratio (max - min)", cpuW.spread, "");
    fmt::print("{:<44} {:>12.0f} {:>12}\n", "persons/s, encrypted, bulk (1000 per tx)", bulkW.encPerS, "");
    fmt::print("{:<44} {:>12.0f} {:>12}\n", "persons/s, plain SQLite, bulk (1000 per tx)", bulkW.plainPerS, "");
    fmt::print("{:<44} {:>12.3f} {:>12}\n", "encrypted / plain time, bulk", bulkW.ratio, "<= 1.3");
    fmt::print("{:<44} {:>12.3f} {:>12}\n", "  noise: spread of that ratio (max - min)", bulkW.spread, "");
    fmt::print("{:<44} {:>12.1f} {:>12}\n", "pages written per registration (WAL frames)", pagesPerRegistration, "");
    fmt::print("{:<44} {:>12.2f} {:>12}\n", "search p50 ms", searchP50, "");
    fmt::print("{:<44} {:>12.2f} {:>12}\n", "search p95 ms", searchP95, o.persons >= 1000000 ? "< 50" : "< 10");
    fmt::print("{:<44} {:>12.2f} {:>12}\n", "search p95 ms, names typed as heard", typoP95, "");
    fmt::print("{:<44} {:>12.2f} {:>12}\n", "duplicate check p50 ms", dupP50, "");
    fmt::print("{:<44} {:>12.2f} {:>12}\n", "duplicate check p95 ms", dupP95, "< 50");
    fmt::print("{:<44} {:>12.1f} {:>12}\n", "whole-store duplicate review s", scanS, "");
    fmt::print("{:<44} {:>12.1f} {:>12}\n", "population load s (2000 per transaction)", loadS, "");
    fmt::print("\n{} of {} queries found nothing (expected: a few phone fragments)\n", emptyResults, o.queries);
    fmt::print("{} of {} names typed as heard found the person in the first 20\n", typoFound, typoQueries);
    return 0;
}

}  // namespace chasqui::bench
