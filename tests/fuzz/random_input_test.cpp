// Random and mutated inputs through everything chasqui-server does with an
// untrusted request: every route of the real HTTP API, fed from memory, and
// every decoder (tests/fuzz/fuzz_entry.hpp, shared with the libFuzzer target
// server_request_fuzzer.cpp). None of it may crash, throw or break the API's
// contract, whatever the bytes.
//
// This is the sweep of the gcc builds: it runs in every test run, and under
// ASan+UBSan in the sanitizer build (build-asan, CHASQUI_SANITIZE=ON). The
// coverage-guided search is the libFuzzer target, which needs clang 16
// (scripts/fuzz.sh, also run by CI); a crash input it leaves in
// build-fuzz/crashes/ can be added to tests/fuzz/corpus/ to be replayed here.
//
// CHASQUI_FUZZ_ITERATIONS overrides the 10 000 inputs; CHASQUI_FUZZ_SEED the seed.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "sync/protocol/sealed_box.hpp"
#include "tests/fuzz/fuzz_entry.hpp"
#include "tests/support/test_store.hpp"

namespace {

namespace fs = std::filesystem;
using chasqui::test::FeedResult;
using chasqui::test::FuzzEntry;

// File name -> bytes.
std::map<std::string, std::string> loadCorpus() {
    std::map<std::string, std::string> out;
    for (const auto& entry : fs::directory_iterator(fs::path(CHASQUI_FUZZ_CORPUS_DIR)))
        out[entry.path().filename().string()] = chasqui::test::readBytes(entry.path());
    return out;
}

std::unique_ptr<FuzzEntry> openEntry(const chasqui::test::TempDir& dir) {
    auto entry = FuzzEntry::open(dir.path() / "server");
    if (!entry) FAIL(entry.error());
    return std::move(*entry);
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out;
}

const std::vector<std::string> kInteresting{"",
                                            "null",
                                            "{}",
                                            "[]",
                                            "\"\"",
                                            "0",
                                            "-1",
                                            "1e308",
                                            "-0.0",
                                            "true",
                                            "\"\\u0000\"",
                                            "\"\\ud800\"",
                                            "\"\xff\xfe\"",
                                            "18446744073709551616",
                                            "{\"a\":",
                                            "[[[[[[[[",
                                            "\"" + std::string(9000, 'x') + "\"",
                                            "\"put\"",
                                            "\"delete\"",
                                            "\"person\""};

std::string mutate(std::string s, std::mt19937_64& rng, const std::vector<std::string>& corpus) {
    auto below = [&](std::size_t n) {
        return n == 0 ? std::size_t{0} : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    };
    const int steps = 1 + static_cast<int>(below(4));
    for (int step = 0; step < steps; ++step) {
        switch (below(9)) {
            case 0:  // flip a bit
                if (!s.empty()) s[below(s.size())] ^= static_cast<char>(1u << below(8));
                break;
            case 1:  // random byte
                if (!s.empty()) s[below(s.size())] = static_cast<char>(below(256));
                break;
            case 2:  // insert bytes
                s.insert(below(s.size() + 1), std::string(1 + below(8), static_cast<char>(below(256))));
                break;
            case 3:  // delete a range
                if (!s.empty()) {
                    const std::size_t at = below(s.size());
                    s.erase(at, 1 + below(std::min<std::size_t>(32, s.size() - at)));
                }
                break;
            case 4:  // truncate
                s.resize(below(s.size() + 1));
                break;
            case 5: {  // replace a JSON value (after a colon) with an interesting one
                const std::size_t colon = s.find(':', below(s.size() + 1));
                if (colon != std::string::npos) {
                    std::size_t end = s.find_first_of(",}", colon + 1);
                    if (end == std::string::npos) end = s.size();
                    s.replace(colon + 1, end - colon - 1, kInteresting[below(kInteresting.size())]);
                }
                break;
            }
            case 6: {  // splice with another corpus entry
                const std::string& other = corpus[below(corpus.size())];
                const std::size_t cut = below(s.size() + 1);
                s = s.substr(0, cut) + other.substr(below(other.size() + 1));
                break;
            }
            case 7:  // duplicate a range (repeated keys, deep nesting)
                if (!s.empty()) {
                    const std::size_t at = below(s.size());
                    s.insert(at, s.substr(at, 1 + below(64)));
                }
                break;
            default:  // rename a key to another known one
                if (const std::size_t quote = s.find('"', below(s.size() + 1)); quote != std::string::npos) {
                    static const std::vector<std::string> keys{"id",     "entity", "record",  "op",
                                                               "fields", "base",   "hlc",     "device",
                                                               "author", "office", "deleted", "quantity"};
                    s.insert(quote + 1, keys[below(keys.size())] + "\":0,\"");
                }
                break;
        }
    }
    return s;
}

}  // namespace

TEST_CASE("each seed reaches what it was written for") {
    const auto corpus = loadCorpus();
    const chasqui::test::TempDir dir;
    const auto entry = openEntry(dir);
    const auto feed = [&](const std::string& name) {
        REQUIRE_MESSAGE(corpus.contains(name), "tests/fuzz/corpus/" << name << " is missing");
        const FeedResult result = entry->feed(corpus.at(name));
        CHECK_MESSAGE(result.problems.empty(), name << ": " << joined(result.problems));
        return result;
    };
    for (const char* change :
         {"person_put.json", "person_delete.json", "case_put_with_base.json", "assistance_put.json"})
        CHECK_MESSAGE(feed(change).decodedChanges == 1, change);
    const FeedResult batch = feed("batch.json");
    CHECK(batch.decodedChanges == 3);
    CHECK(batch.statusOf("push sealed+compressed") == 200);
    const FeedResult frame = feed("batch.json.zst");  // the same batch as a zstd frame
    CHECK(frame.decodedChanges == 3);
    CHECK(frame.statusOf("push sealed") == 200);
    CHECK(feed("enroll.json").statusOf("enroll") == 403);  // valid in every field, refused for its code
    CHECK(feed("enroll_code.json").statusOf("admin enroll code") == 200);
    CHECK(feed("pull_query.txt").statusOf("pull") == 200);
    CHECK(feed("device_id.txt").statusOf("admin revoke") == 404);  // a valid id of no device
    CHECK(feed("raw_health.http").statusOf("raw") == 200);
    CHECK(feed("raw_catalog.http").statusOf("raw") == 200);
    CHECK(feed("raw_push.http").statusOf("raw") == 401);  // the tokens are not in any input
    // Every file runs in this test, new ones included.
    for (const auto& [name, bytes] : corpus) feed(name);
}

TEST_CASE("random and mutated inputs never crash, throw or break the API's contract") {
    std::vector<std::string> corpus;
    for (const auto& [name, bytes] : loadCorpus()) corpus.push_back(bytes);
    REQUIRE(!corpus.empty());
    // Compressed forms of the seeds, so mutations also hit valid zstd frames.
    std::vector<std::string> frames;
    for (const auto& text : corpus) frames.push_back(chasqui::sync::compress(text));
    const chasqui::test::TempDir dir;
    const auto entry = openEntry(dir);
    const long iterations = chasqui::test::envInt("CHASQUI_FUZZ_ITERATIONS", 10000);
    const auto seed = static_cast<std::uint64_t>(chasqui::test::envInt("CHASQUI_FUZZ_SEED", 20250615));
    MESSAGE("seed " << seed << ", " << iterations << " inputs");
    std::mt19937_64 rng(seed);
    long decoded = 0;
    long accepted = 0;
    for (long i = 0; i < iterations; ++i) {
        std::string input;
        switch (i % 4) {
            case 0: {  // raw random bytes
                input.resize(std::uniform_int_distribution<std::size_t>(0, 512)(rng));
                for (auto& c : input) c = static_cast<char>(rng());
                break;
            }
            case 1:
            case 2:
                input = mutate(corpus[static_cast<std::size_t>(rng() % corpus.size())], rng, corpus);
                break;
            default:
                input = mutate(frames[static_cast<std::size_t>(rng() % frames.size())], rng, frames);
                break;
        }
        try {
            const FeedResult result = entry->feed(input);
            if (!result.problems.empty()) FAIL("input " << i << ": " << joined(result.problems));
            decoded += result.decodedChanges;
            if (result.statusOf("push sealed+compressed") == 200 || result.statusOf("push sealed") == 200) ++accepted;
        } catch (const std::exception& e) {
            FAIL("input " << i << " threw: " << e.what());
        }
    }
    MESSAGE(decoded << " changes still decoded, " << accepted << " mutated batches accepted by the server");
    CHECK(decoded > 0);
    CHECK(accepted > 0);
}
