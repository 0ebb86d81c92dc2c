// A crash between writing an outbox batch and saving its position leaves that
// batch file behind; the next sealing starts again from the position before
// it. With batches cut where no record straddles them (readOutboxBatch's
// lookahead), changes written after the crash can make the batch sealed again
// end elsewhere, so the leftover and its replacement overlap under different
// names. Both are sent: every change must reach the server's log exactly once
// (the second copy counted as a duplicate), nothing quarantined, no conflict
// made of the kiosk's own edits, and the outbox empty afterwards. Against a
// real ServerCore (and PostgreSQL under sync_pg).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/db/meta_table.hpp"
#include "storage/records/person_repository.hpp"
#include "sync/client/kiosk_sync.hpp"
#include "sync/client/spool.hpp"
#include "sync/client/spool_files.hpp"
#include "tests/sync/in_process_channel.hpp"

using namespace chasqui;
namespace fs = std::filesystem;

namespace {

std::vector<sync::OutboxName> outboxNames(const storage::DataDir& dir) {
    std::vector<sync::OutboxName> out;
    for (const auto& entry : fs::directory_iterator(dir.root / "sync" / "outbox")) {
        auto name = sync::parseOutboxName(entry.path().stem().string());
        REQUIRE(name.has_value());
        out.push_back(*name);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.lastSeq < b.lastSeq; });
    return out;
}

void addPeople(test::TestStore& kiosk, int count) {
    for (int i = 0; i < count; ++i) REQUIRE(storage::PersonRepository(*kiosk).add(test::samplePerson()).has_value());
}

}  // namespace

TEST_CASE("a batch left behind by a crash and the batch sealed again in its place: every change logged once") {
    test::EnrolledKiosk enrolled;
    test::TestStore& kiosk = enrolled.kiosk;
    sync::ServerCore& server = *enrolled.server;

    sync::SpoolLimits limits;
    limits.pushBatch = 4;
    limits.batchLookahead = 2;
    addPeople(kiosk, 9);
    REQUIRE(sync::spoolOutbox(*kiosk, limits).has_value());
    const auto before = outboxNames(kiosk.dataDir);
    CAPTURE(enrolled.kioskChanges());
    REQUIRE(before.size() >= 2);
    const sync::OutboxName leftover = before.back();
    // The last batch ended at the end of the outbox, short of a full batch: a
    // batch sealed again from the same start with more changes behind it ends
    // elsewhere.
    REQUIRE(leftover.changes < static_cast<std::int64_t>(limits.pushBatch));

    // The crash: the file is durable, its position was not saved.
    const std::int64_t previous = before[before.size() - 2].lastSeq;
    REQUIRE(kiosk
                ->writeVoid([&](storage::RecordWriter&) {
                    return storage::writeMeta(kiosk->db(), "outbox_spooled_seq", std::to_string(previous));
                })
                .has_value());
    // Work goes on after the restart, then the outbox is sealed again.
    addPeople(kiosk, 3);
    REQUIRE(sync::spoolOutbox(*kiosk, limits).has_value());
    const auto after = outboxNames(kiosk.dataDir);
    const auto sameStart = std::count_if(after.begin(), after.end(), [&](const sync::OutboxName& n) {
        return n.lastSeq > previous && n.lastSeq - n.changes == previous;
    });
    // The leftover and its replacement: two files starting after `previous`,
    // under different names (otherwise the second write replaced the first).
    REQUIRE(sameStart == 2);
    REQUIRE(std::any_of(after.begin(), after.end(), [&](const auto& n) { return n.lastSeq == leftover.lastSeq; }));

    std::int64_t inFiles = 0;
    for (const auto& n : after) inFiles += n.changes;
    const std::int64_t changes = enrolled.kioskChanges();
    REQUIRE(inFiles > changes);  // the overlap is sent twice

    auto sent = sync::syncSpool(kiosk.dataDir, *enrolled.channel, limits);
    REQUIRE_MESSAGE(sent.has_value(), sent.error().message);
    CHECK(sent->quarantined == 0);
    CHECK(sent->problems.empty());
    CHECK(sent->duplicates > 0);
    CHECK(sent->pushed + sent->duplicates == inFiles);
    CHECK(sync::countSpool(kiosk.dataDir).outboxFiles == 0);
    CHECK(sync::countSpool(kiosk.dataDir).pendingUp == 0);

    auto status = server.status();
    REQUIRE(status.has_value());
    CHECK(status->counts.changes == changes);  // every change logged, once; no conflict record added
    CHECK(status->counts.conflicts == 0);
    CHECK(status->counts.quarantined == 0);
    CHECK(sent->pushed == changes);
}
