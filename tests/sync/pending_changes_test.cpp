// "Pending changes" (sync/client/pending_changes.hpp), the one count the kiosk's sync
// panel, `chasqui status` and `chasqui sync` show: a change is pending from
// its write until the server acknowledges it, unsealed first, then sealed in
// an outbox file (which the locked worker counts from the file names).
#include <doctest/doctest.h>

#include <string>

#include "storage/db/meta_table.hpp"
#include "storage/records/person_repository.hpp"
#include "sync/client/kiosk_sync.hpp"
#include "sync/client/pending_changes.hpp"
#include "sync/client/spool.hpp"
#include "sync/protocol/sealed_box.hpp"
#include "tests/support/test_store.hpp"

namespace chasqui::sync {
namespace {

PendingChanges pendingOf(test::TestStore& kiosk) {
    auto pending = countPending(*kiosk);
    REQUIRE(pending.has_value());
    auto total = pendingChanges(*kiosk);
    REQUIRE(total.has_value());
    CHECK(*total == pending->total());
    return *pending;
}

void addPeople(test::TestStore& kiosk, int count) {
    storage::PersonRepository people(*kiosk);
    for (int i = 0; i < count; ++i) REQUIRE(people.add(test::samplePerson()).has_value());
}

std::int64_t lastSeq(test::TestStore& kiosk) {
    auto seq = kiosk->db().scalarInt("SELECT coalesce(max(seq), 0) FROM changes");
    REQUIRE(seq.has_value());
    return *seq;
}

void setMeta(test::TestStore& kiosk, const char* key, const std::string& value) {
    REQUIRE(kiosk->writeVoid([&](storage::RecordWriter&) { return storage::writeMeta(kiosk->db(), key, value); })
                .has_value());
}

}  // namespace

TEST_CASE("a written change is pending and unsealed until the outbox is sealed") {
    test::TestStore kiosk;
    const PendingChanges first = pendingOf(kiosk);
    CHECK(first.sealed == 0);
    CHECK(first.unsealed == lastSeq(kiosk));  // nothing acknowledged yet: every change

    addPeople(kiosk, 3);
    const PendingChanges after = pendingOf(kiosk);
    CHECK(after.sealed == 0);
    CHECK(after.unsealed > first.unsealed);
    CHECK(after.unsealed == lastSeq(kiosk));
}

TEST_CASE("sealing moves pending changes from unsealed to sealed; the locked worker's file count agrees") {
    test::TestStore kiosk;
    addPeople(kiosk, 4);
    const std::int64_t written = pendingOf(kiosk).total();
    REQUIRE(setServerPublicKey(*kiosk, BoxKeyPair::generate().publicKey).has_value());
    REQUIRE(spoolOutbox(*kiosk).has_value());

    const PendingChanges sealed = pendingOf(kiosk);
    CHECK(sealed.unsealed == 0);
    CHECK(sealed.sealed == written);
    CHECK(countSpool(kiosk.dataDir).pendingUp == sealed.sealed);
    CHECK(pendingWhileLocked(countSpool(kiosk.dataDir)).total() == sealed.sealed);

    addPeople(kiosk, 2);
    const PendingChanges more = pendingOf(kiosk);
    CHECK(more.sealed == written);
    CHECK(more.unsealed == lastSeq(kiosk) - written);
}

TEST_CASE("an acknowledged change is no longer pending") {
    test::TestStore kiosk;
    addPeople(kiosk, 2);
    REQUIRE(setServerPublicKey(*kiosk, BoxKeyPair::generate().publicKey).has_value());
    REQUIRE(spoolOutbox(*kiosk).has_value());
    const std::int64_t sealedUpTo = lastSeq(kiosk);
    addPeople(kiosk, 1);
    const std::int64_t unsealed = lastSeq(kiosk) - sealedUpTo;

    setMeta(kiosk, "outbox_acked_seq", std::to_string(sealedUpTo));
    const PendingChanges acked = pendingOf(kiosk);
    CHECK(acked.sealed == 0);
    CHECK(acked.unsealed == unsealed);

    // After a reseal from the acknowledged position the sealed position lies
    // behind it: nothing counts twice, nothing is lost.
    setMeta(kiosk, "outbox_spooled_seq", "0");
    const PendingChanges resealed = pendingOf(kiosk);
    CHECK(resealed.sealed == 0);
    CHECK(resealed.unsealed == unsealed);
}

}  // namespace chasqui::sync
