// Sealed, compressed batches (sync/sealed_box.hpp): what opens, and the
// sync error code of each refusal, which the server's HTTP edge and the
// kiosk's page merge act on (TooLarge is 413, the rest 400 or a damaged page).
#include <doctest/doctest.h>

#include <string>

#include "sync/protocol/sealed_box.hpp"

namespace chasqui::sync {

TEST_CASE("a sealed batch opens only with its receiver's key pair") {
    const BoxKeyPair receiver = BoxKeyPair::generate();
    const BoxKeyPair other = BoxKeyPair::generate();
    const std::string text = R"({"columns":{"id":["a","b"]}})";
    auto sealed = sealCompressed(text, receiver.publicKey);
    REQUIRE(sealed.has_value());
    auto opened = openCompressed(*sealed, receiver.publicKey, receiver.secretKey);
    REQUIRE(opened.has_value());
    CHECK(*opened == text);

    auto wrongKey = openCompressed(*sealed, other.publicKey, other.secretKey);
    REQUIRE_FALSE(wrongKey.has_value());
    CHECK(wrongKey.error().code == SyncErrorCode::BadRequest);
    auto cut = openCompressed(sealed->substr(0, 10), receiver.publicKey, receiver.secretKey);
    REQUIRE_FALSE(cut.has_value());
    CHECK(cut.error().code == SyncErrorCode::BadRequest);
}

TEST_CASE("sealing to a key of the wrong size is this side's fault: Internal") {
    auto sealed = sealCompressed("{}", "short");
    REQUIRE_FALSE(sealed.has_value());
    CHECK(sealed.error().code == SyncErrorCode::Internal);
}

TEST_CASE("decompressing: garbage and a cut frame are BadRequest, a bomb past the limit is TooLarge") {
    const std::string big(1 << 20, 'x');
    const std::string packed = compress(big);
    REQUIRE(packed.size() < big.size() / 100);

    auto whole = decompress(packed, big.size());
    REQUIRE(whole.has_value());
    CHECK(*whole == big);

    auto bomb = decompress(packed, 4096);
    REQUIRE_FALSE(bomb.has_value());
    CHECK(bomb.error().code == SyncErrorCode::TooLarge);

    auto garbage = decompress("not zstd at all", 4096);
    REQUIRE_FALSE(garbage.has_value());
    CHECK(garbage.error().code == SyncErrorCode::BadRequest);

    auto cut = decompress(packed.substr(0, packed.size() - 3), big.size());
    REQUIRE_FALSE(cut.has_value());
    CHECK(cut.error().code == SyncErrorCode::BadRequest);
}

}  // namespace chasqui::sync
