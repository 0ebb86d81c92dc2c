// Random and mutated inputs through every decoder the kiosk runs on a
// server's answers and on its own sync files (tests/fuzz/client_fuzz_entry.hpp,
// shared with the libFuzzer target client_answer_fuzzer.cpp). None of it may
// crash or throw, and nothing outside the protocol's limits may be accepted.
//
// The sweep of the gcc builds (and of the ASan+UBSan build); the
// coverage-guided search is the libFuzzer target (scripts/fuzz.sh). A crash
// input it leaves in build-fuzz/crashes/ can be added to
// tests/fuzz/client_corpus/ to be replayed here.
//
// CHASQUI_FUZZ_ITERATIONS overrides the 10 000 inputs; CHASQUI_FUZZ_SEED the seed.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "tests/fuzz/client_fuzz_entry.hpp"
#include "tests/support/test_store.hpp"

namespace {

namespace fs = std::filesystem;
using chasqui::test::ClientFeedResult;
using chasqui::test::feedClient;

std::map<std::string, std::string> loadClientCorpus() {
    std::map<std::string, std::string> out;
    for (const auto& entry : fs::directory_iterator(fs::path(CHASQUI_CLIENT_FUZZ_CORPUS_DIR)))
        out[entry.path().filename().string()] = chasqui::test::readBytes(entry.path());
    return out;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out;
}

// Values that sit on the limits, spliced into the seeds.
const std::vector<std::string> kTokens{"-7",
                                       "0",
                                       "999",
                                       "1000",
                                       "1099511627779",
                                       "18446744073709551615",
                                       "\"\"",
                                       "null",
                                       "[]",
                                       "{}",
                                       "\"\\r\\n\"",
                                       "\"\\u0000\"",
                                       "1.5",
                                       "\"revoked\"",
                                       "\"" + std::string(70, 'c') + "\"",
                                       "\n",
                                       "\n1\n",
                                       "-"};

std::string mutate(std::string s, std::mt19937_64& rng) {
    const auto below = [&](std::size_t n) {
        return n == 0 ? std::size_t{0} : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    };
    const int steps = 1 + static_cast<int>(below(4));
    for (int step = 0; step < steps; ++step) {
        switch (below(5)) {
            case 0:
                if (!s.empty()) s[below(s.size())] ^= static_cast<char>(1u << below(8));
                break;
            case 1:
                if (!s.empty()) s[below(s.size())] = static_cast<char>(below(256));
                break;
            case 2:
                if (!s.empty()) {
                    const std::size_t at = below(s.size());
                    s.erase(at, 1 + below(std::min<std::size_t>(16, s.size() - at)));
                }
                break;
            case 3: {  // replace a JSON value (after a colon) with a token on a limit
                const std::size_t colon = s.find(':', below(s.size() + 1));
                if (colon != std::string::npos) {
                    const std::size_t end = s.find_first_of(",}", colon);
                    s.replace(colon + 1, end == std::string::npos ? std::string::npos : end - colon - 1,
                              kTokens[below(kTokens.size())]);
                }
                break;
            }
            default:
                s.insert(below(s.size() + 1), kTokens[below(kTokens.size())]);
                break;
        }
    }
    return s;
}

}  // namespace

TEST_CASE("client: each seed is accepted by what it was written for") {
    const auto corpus = loadClientCorpus();
    const auto feed = [&](const std::string& name) {
        REQUIRE_MESSAGE(corpus.contains(name), "tests/fuzz/client_corpus/" << name << " is missing");
        const ClientFeedResult result = feedClient(corpus.at(name));
        CHECK_MESSAGE(result.problems.empty(), name << ": " << joined(result.problems));
        return result;
    };
    for (const char* name : {"health.json", "enroll_answer.json", "push_answer.json", "pull_headers.txt",
                             "catalog_answer.txt", "device.json", "outbox_name.txt", "acked_seq.txt"})
        CHECK_MESSAGE(feed(name).accepted > 0, name);
    CHECK(feed("page_columns.json").decodedChanges == 3);
    feed("error_revoked.json");
    for (const auto& [name, bytes] : corpus) feed(name);  // new seeds too
}

TEST_CASE("client: random and mutated answers and files never crash, throw or pass the limits") {
    std::vector<std::string> corpus;
    for (const auto& [name, bytes] : loadClientCorpus()) corpus.push_back(bytes);
    REQUIRE(!corpus.empty());
    const long iterations = chasqui::test::envInt("CHASQUI_FUZZ_ITERATIONS", 10000);
    const auto seed = static_cast<std::uint64_t>(chasqui::test::envInt("CHASQUI_FUZZ_SEED", 20250615));
    MESSAGE("seed " << seed << ", " << iterations << " inputs");
    std::mt19937_64 rng(seed);
    long accepted = 0;
    for (long i = 0; i < iterations; ++i) {
        std::string input;
        if (i % 5 == 0) {
            input.resize(std::uniform_int_distribution<std::size_t>(0, 256)(rng));
            for (auto& c : input) c = static_cast<char>(rng());
        } else {
            input = mutate(corpus[static_cast<std::size_t>(rng() % corpus.size())], rng);
        }
        try {
            const ClientFeedResult result = feedClient(input);
            if (!result.problems.empty()) FAIL("input " << i << ": " << joined(result.problems));
            accepted += result.accepted;
        } catch (const std::exception& e) {
            FAIL("input " << i << " threw: " << e.what());
        }
    }
    MESSAGE(accepted << " mutated answers and files still accepted");
    CHECK(accepted > 0);
}
