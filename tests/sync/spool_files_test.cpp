// The outbox file names a kiosk reads back from its disk (untrusted): the
// batch's last seq, its change count and, when it shares no record with the
// batch sealed before it, that batch's last seq (sync/client/spool_files.hpp).
#include <doctest/doctest.h>

#include "sync/client/spool_files.hpp"

using chasqui::sync::parseOutboxName;

TEST_CASE("outbox names: legacy, counted, and independent of the batch before") {
    auto legacy = parseOutboxName("00000000000000000042");
    REQUIRE(legacy.has_value());
    CHECK(legacy->lastSeq == 42);
    CHECK(legacy->changes == -1);
    CHECK(legacy->independentOf == -1);

    auto counted = parseOutboxName("00000000000000000042-7");
    REQUIRE(counted.has_value());
    CHECK(counted->changes == 7);
    CHECK(counted->independentOf == -1);

    auto independent = parseOutboxName("00000000000000000042-7-00000000000000000035");
    REQUIRE(independent.has_value());
    CHECK(independent->lastSeq == 42);
    CHECK(independent->changes == 7);
    CHECK(independent->independentOf == 35);
}

TEST_CASE("outbox names that are none of those are refused") {
    CHECK_FALSE(parseOutboxName("00000000000000000042-7-").has_value());
    CHECK_FALSE(parseOutboxName("00000000000000000042-7-x").has_value());
    CHECK_FALSE(parseOutboxName("00000000000000000042-7-35-1").has_value());
    CHECK_FALSE(parseOutboxName("00000000000000000042-7--35").has_value());
    // Only a batch sealed before this one (a smaller last seq) can be one it is independent of.
    CHECK_FALSE(parseOutboxName("00000000000000000042-7-00000000000000000042").has_value());
    CHECK_FALSE(parseOutboxName("00000000000000000042-7-00000000000000000050").has_value());
    CHECK_FALSE(parseOutboxName("00000000000000000042-7-35\n").has_value());
}
