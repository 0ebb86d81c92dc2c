// Random and mutated input for what the server does with a request body and
// the kiosk with a pulled page: open the sealed box, decompress, parse the
// JSON, decode every change. None of it may crash or throw, whatever the
// bytes. A stand-in for a libFuzzer target: clang 14 (Debian 12's libFuzzer)
// cannot compile this code base, because libstdc++ 12 offers std::expected
// only when __cpp_concepts >= 202002L and clang 14 reports 201907L. Run it in
// the sanitizer build (build-asan, CHASQUI_SANITIZE=ON) to catch memory errors.
//
// CHASQUI_FUZZ_ITERATIONS overrides the 200 000 inputs; CHASQUI_FUZZ_SEED the seed.
#include <sodium.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "storage/secret.hpp"
#include "sync/change_codec.hpp"
#include "sync/sealed_box.hpp"

namespace {

namespace fs = std::filesystem;
using chasqui::sync::BoxKeyPair;

std::vector<std::string> loadCorpus() {
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(fs::path(CHASQUI_FUZZ_CORPUS_DIR))) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        out.push_back(text.str());
    }
    return out;
}

long envNumber(const char* name, long fallback) {
    const char* text = std::getenv(name);
    return text && *text ? std::strtol(text, nullptr, 10) : fallback;
}

// What the receiving side does with one body, as the server and kiosk do it.
// Returns how many changes decoded (only to keep the work observable).
int consumeJson(std::string_view text) {
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded()) return 0;
    int decoded = 0;
    if (auto c = chasqui::sync::decodeChange(json)) {
        (void)encodeChange(*c).dump();  // a decoded change must encode again
        ++decoded;
    }
    if (json.is_object() && json.contains("changes") && json["changes"].is_array()) {
        for (const auto& raw : json["changes"]) {
            if (auto c = chasqui::sync::decodeChange(raw)) {
                (void)encodeChange(*c).dump();
                ++decoded;
            }
        }
    }
    return decoded;
}

int consume(const std::string& data, const BoxKeyPair& keys) {
    int decoded = consumeJson(data);
    // Arbitrary bytes as a sealed batch: must be refused, never crash.
    if (auto opened = chasqui::sync::openCompressed(data, keys.publicKey, keys.secretKey)) decoded += consumeJson(*opened);
    // Arbitrary bytes as a zstd frame.
    if (auto plain = chasqui::sync::decompress(data, 1u << 20)) decoded += consumeJson(*plain);
    // Arbitrary bytes inside a box that does open: reaches the decompressor
    // and the decoder behind the authentication.
    std::string sealed(data.size() + crypto_box_SEALBYTES, '\0');
    crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()), reinterpret_cast<const unsigned char*>(data.data()),
                    data.size(), reinterpret_cast<const unsigned char*>(keys.publicKey.data()));
    if (auto opened = chasqui::sync::openCompressed(sealed, keys.publicKey, keys.secretKey)) decoded += consumeJson(*opened);
    return decoded;
}

const std::vector<std::string> kInteresting{
    "",        "null",   "{}",      "[]",    "\"\"",     "0",          "-1",          "1e308",     "-0.0",
    "true",    "\"\\u0000\"",        "\"\\ud800\"",      "\"\xff\xfe\"", "18446744073709551616",
    "{\"a\":", "[[[[[[[[", "\"" + std::string(9000, 'x') + "\"", "\"put\"", "\"delete\"", "\"person\""};

std::string mutate(std::string s, std::mt19937_64& rng, const std::vector<std::string>& corpus) {
    auto below = [&](std::size_t n) { return n == 0 ? std::size_t{0} : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
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
                static const std::vector<std::string> keys{"id", "entity", "record", "op", "fields", "base", "hlc",
                                                          "device", "author", "office", "deleted", "quantity"};
                s.insert(quote + 1, keys[below(keys.size())] + "\":0,\"");
            }
            break;
        }
    }
    return s;
}

}  // namespace

TEST_CASE("valid corpus entries decode (the seeds are meaningful)") {
    const auto corpus = loadCorpus();
    REQUIRE(corpus.size() >= 4);
    int decoded = 0;
    for (const auto& text : corpus) decoded += consumeJson(text);
    CHECK(decoded == static_cast<int>(corpus.size()));  // four changes and one batch of one
}

TEST_CASE("random and mutated bodies never crash or throw out of open, decompress, parse and decode") {
    chasqui::storage::ensureSodium();
    const auto corpus = loadCorpus();
    REQUIRE(!corpus.empty());
    const BoxKeyPair keys = BoxKeyPair::generate();
    // Compressed forms of the seeds, so mutations also hit valid zstd frames.
    std::vector<std::string> frames;
    for (const auto& text : corpus) frames.push_back(chasqui::sync::compress(text));
    const long iterations = envNumber("CHASQUI_FUZZ_ITERATIONS", 200000);
    const auto seed = static_cast<std::uint64_t>(envNumber("CHASQUI_FUZZ_SEED", 20250615));
    MESSAGE("seed " << seed << ", " << iterations << " inputs");
    std::mt19937_64 rng(seed);
    long decoded = 0;
    for (long i = 0; i < iterations; ++i) {
        std::string input;
        switch (i % 4) {
        case 0: {  // raw random bytes
            input.resize(std::uniform_int_distribution<std::size_t>(0, 512)(rng));
            for (auto& c : input) c = static_cast<char>(rng());
            break;
        }
        case 1:
        case 2: input = mutate(corpus[static_cast<std::size_t>(rng() % corpus.size())], rng, corpus); break;
        default: input = mutate(frames[static_cast<std::size_t>(rng() % frames.size())], rng, frames); break;
        }
        try {
            decoded += consume(input, keys);
        } catch (const std::exception& e) {
            FAIL("input " << i << " threw: " << e.what());
        }
    }
    MESSAGE(decoded << " mutated inputs still decoded as changes");
    CHECK(decoded > 0);
}
