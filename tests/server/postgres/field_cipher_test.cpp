// FieldCipher: the key file, sealing bound to a place, the document-number
// hash. No PostgreSQL needed.
#include "sync/server/repository/field_cipher.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <latch>
#include <thread>
#include <vector>

#include "tests/support/test_store.hpp"

using namespace chasqui;
using namespace chasqui::sync;

TEST_CASE("field cipher: the key file is made once, 0600, and read again by every process") {
    test::TempDir dir;
    auto first = FieldCipher::openOrCreate(dir.path());
    REQUIRE(first.has_value());
    const auto path = FieldCipher::keyPath(dir.path());
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(st.st_size == 32);
    auto second = FieldCipher::openOrCreate(dir.path());
    REQUIRE(second.has_value());
    const std::string sealed = first->seal("Rosa", "place");
    CHECK(second->open(sealed, "place").value() == "Rosa");
    CHECK(first->lookupHash("AB123") == second->lookupHash("AB123"));
    // Nothing left behind but the key.
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("field cipher: servers starting at once on an empty directory share one key") {
    test::TempDir dir;
    constexpr int kStarts = 8;
    std::vector<std::string> sealed(kStarts);
    std::latch start(kStarts);
    std::vector<std::thread> threads;
    for (int i = 0; i < kStarts; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            auto cipher = FieldCipher::openOrCreate(dir.path());
            if (cipher) sealed[static_cast<std::size_t>(i)] = cipher->seal("x", "p");
        });
    }
    for (auto& t : threads) t.join();
    auto cipher = FieldCipher::openOrCreate(dir.path());
    REQUIRE(cipher.has_value());
    for (const auto& s : sealed) CHECK(cipher->open(s, "p").has_value());
}

TEST_CASE("field cipher: a damaged key file is refused, naming the file") {
    test::TempDir dir;
    std::ofstream(FieldCipher::keyPath(dir.path())) << "short";
    auto cipher = FieldCipher::openOrCreate(dir.path());
    REQUIRE_FALSE(cipher.has_value());
    CHECK(cipher.error().code == SyncErrorCode::Internal);
    CHECK(cipher.error().message.find("server.fields.key") != std::string::npos);
}

TEST_CASE("field cipher: a sealed value opens only with its key, at its place, undamaged") {
    auto a = FieldCipher::fromKey(storage::SecretBytes::random(32));
    auto b = FieldCipher::fromKey(storage::SecretBytes::random(32));
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    const std::string sealed = a->seal("Quispe",
                                       "field_state\x1fperson\x1fp-1\x1f"
                                       "family_name_1");
    CHECK(sealed.find("Quispe") == std::string::npos);
    CHECK(static_cast<unsigned char>(sealed[0]) == 1);  // the version byte
    CHECK(sealed != a->seal("Quispe",
                            "field_state\x1fperson\x1fp-1\x1f"
                            "family_name_1"));  // a fresh nonce
    CHECK(a->open(sealed,
                  "field_state\x1fperson\x1fp-1\x1f"
                  "family_name_1")
              .value() == "Quispe");
    CHECK(a->open(sealed,
                  "field_state\x1fperson\x1fp-2\x1f"
                  "family_name_1")
              .error()
              .code == SyncErrorCode::Internal);
    CHECK(b->open(sealed,
                  "field_state\x1fperson\x1fp-1\x1f"
                  "family_name_1")
              .error()
              .message.find("field key does not match") != std::string::npos);
    std::string flipped = sealed;
    flipped.back() = static_cast<char>(flipped.back() ^ 1);
    CHECK_FALSE(a->open(flipped,
                        "field_state\x1fperson\x1fp-1\x1f"
                        "family_name_1")
                    .has_value());
    CHECK_FALSE(a->open("", "x").has_value());
    CHECK_FALSE(a->open(std::string(3, '\x01'), "x").has_value());
    CHECK(a->seal("", "x").size() == 1 + 24 + 16);
    CHECK(a->open(a->seal("", "x"), "x").value().empty());
    CHECK_FALSE(FieldCipher::fromKey(storage::SecretBytes::random(16)).has_value());
}

TEST_CASE("field cipher: document numbers hash the same however they are typed, and per key") {
    auto a = FieldCipher::fromKey(storage::SecretBytes::random(32));
    auto b = FieldCipher::fromKey(storage::SecretBytes::random(32));
    CHECK(FieldCipher::normalizeDocNumber(" ab-123 45 ") == "AB12345");
    CHECK(a->lookupHash("ab-123 45") == a->lookupHash("AB12345"));
    CHECK(a->lookupHash("AB12345") != a->lookupHash("AB12346"));
    CHECK(a->lookupHash("AB12345") != b->lookupHash("AB12345"));  // keyed: a dump cannot be brute-forced alone
    CHECK(a->lookupHash("AB12345").size() == 64);
}
