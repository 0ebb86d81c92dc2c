// syncNow's overlap of sealing with sending and of merging with pulling: a
// syncSpool run with an OutboxFeed sends the batches sealed while it runs,
// each once and in order; a merge while pulls go on leaves a damaged page and
// the sync thread's cursor alone, and the merge after the run pulls it again.
#include <doctest/doctest.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/base/data_dir.hpp"
#include "storage/records/person_repository.hpp"
#include "sync/client/device_keys.hpp"
#include "sync/client/kiosk_sync.hpp"
#include "sync/client/spool.hpp"
#include "sync/protocol/batch_signature.hpp"
#include "sync/protocol/sealed_box.hpp"
#include "tests/support/test_store.hpp"

using namespace chasqui;
namespace fs = std::filesystem;

namespace {

// Opens every batch with the server's key and answers "applied" for all of
// its changes; remembers the change ids in the order they arrived.
class OpeningChannel final : public sync::ServerChannel {
public:
    explicit OpeningChannel(const sync::BoxKeyPair& keys) : m_keys(keys) {}
    sync::SyncResult<std::vector<sync::PushItem>> push(const std::string& body) override {
        auto opened = sync::openCompressed(body.substr(sync::kBatchSignatureBytes), m_keys.publicKey, m_keys.secretKey);
        if (!opened) return std::unexpected(opened.error());
        const auto batch = nlohmann::json::parse(*opened);
        const auto& ids = batch.at("columns").at("id");
        std::lock_guard lock(m_mutex);
        for (const auto& id : ids) received.push_back(id.get<std::string>());
        ++batches;
        return std::vector<sync::PushItem>{{{}, "applied", {}, {}, static_cast<int>(ids.size())}};
    }
    sync::SyncResult<sync::PulledPage> pull(const std::string&, std::size_t) override {
        return sync::PulledPage{std::string(64, 'p'), "e1.1", false};
    }
    std::vector<std::string> received;
    int batches = 0;

private:
    const sync::BoxKeyPair& m_keys;
    std::mutex m_mutex;
};

std::vector<std::string> outboxIds(storage::PersonalStore& store) {
    std::vector<std::string> out;
    auto stmt = store.db().prepare("SELECT change_id FROM changes ORDER BY seq");
    REQUIRE(stmt.has_value());
    while (true) {
        auto row = stmt->step();
        REQUIRE(row.has_value());
        if (!*row) break;
        out.push_back(stmt->text(0));
    }
    stmt->reset();
    return out;
}

}  // namespace

TEST_CASE("syncSpool with a feed sends every batch sealed while it runs, once and in order") {
    test::TestStore kiosk;
    const sync::BoxKeyPair serverKeys = sync::BoxKeyPair::generate();
    REQUIRE(sync::setServerPublicKey(*kiosk, serverKeys.publicKey).has_value());
    for (int i = 0; i < 6; ++i) REQUIRE(storage::PersonRepository(*kiosk).add(test::samplePerson()).has_value());
    const std::vector<std::string> ids = outboxIds(*kiosk);
    REQUIRE(ids.size() > 6);

    sync::SpoolLimits limits;
    limits.pushBatch = 2;  // many small batches, so that sending and sealing interleave
    OpeningChannel channel(serverKeys);
    sync::OutboxFeed feed;
    sync::SyncResult<sync::LockedSyncSummary> sent = sync::LockedSyncSummary{};
    std::thread sender([&] { sent = sync::syncSpool(kiosk.dataDir, channel, limits, {}, &feed); });
    int sealed = 0;
    auto spooled = sync::spoolOutbox(*kiosk, limits, [&] {
        ++sealed;
        feed.sealed();
    });
    feed.finished();
    sender.join();
    REQUIRE(spooled.has_value());
    REQUIRE_MESSAGE(sent.has_value(), sent.error().message);
    CHECK(*spooled == sealed);
    CHECK(sent->batchesSent == sealed);
    CHECK(channel.batches == sealed);
    CHECK(sent->pushed == static_cast<int>(ids.size()));
    CHECK(channel.received == ids);
    CHECK(sync::countSpool(kiosk.dataDir).outboxFiles == 0);
    auto acked = storage::readSmallFile(kiosk.dataDir.root / "sync" / "acked_seq", 64);
    REQUIRE(acked.has_value());
    CHECK(*acked == std::to_string(ids.size()));
}

TEST_CASE("a merge while pulls go on leaves a damaged page and the cursor alone; the merge after the run pulls again") {
    test::TestStore kiosk;
    REQUIRE(sync::devicePublicKeys(*kiosk).has_value());  // the device's keys exist, as after enrollment
    const fs::path root = kiosk.dataDir.root / "sync";
    fs::create_directories(root / "inbox");
    REQUIRE(storage::writeFileAtomically(root / "inbox" / "00000000000000000001.page", "e1.7\nnot a sealed page"));
    REQUIRE(storage::writeFileAtomically(root / "cursor", "e1.7"));

    sync::MergeOptions whilePulling;
    whilePulling.repullDamaged = false;
    auto during = sync::mergeSpool(*kiosk, whilePulling);
    REQUIRE(during.has_value());
    CHECK(during->stoppedAtDamaged);
    CHECK(during->pagesDropped == 0);
    CHECK(fs::exists(root / "inbox" / "00000000000000000001.page"));
    CHECK(*storage::readSmallFile(root / "cursor", 64) == "e1.7");

    auto after = sync::mergeSpool(*kiosk);
    REQUIRE(after.has_value());
    CHECK_FALSE(after->stoppedAtDamaged);
    CHECK(after->pagesDropped == 1);
    CHECK_FALSE(fs::exists(root / "inbox" / "00000000000000000001.page"));
    CHECK_FALSE(fs::exists(root / "cursor"));  // nothing merged yet: the next pull starts over
}

// Fails the first push it is given; counts every push.
class FailFirstChannel final : public sync::ServerChannel {
public:
    sync::SyncResult<std::vector<sync::PushItem>> push(const std::string&) override {
        if (++pushes == 1) return sync::syncFail(sync::SyncErrorCode::Offline, "the link dropped (test)");
        return std::vector<sync::PushItem>{};
    }
    sync::SyncResult<sync::PulledPage> pull(const std::string&, std::size_t) override {
        return sync::PulledPage{std::string(64, 'p'), "e1.1", false};
    }
    int pushes = 0;
};

TEST_CASE("after a failed push, no later batch is sent in that run: one touching the same record would overtake it") {
    test::TestStore kiosk;
    const sync::BoxKeyPair serverKeys = sync::BoxKeyPair::generate();
    REQUIRE(sync::setServerPublicKey(*kiosk, serverKeys.publicKey).has_value());
    auto person = storage::PersonRepository(*kiosk).add(test::samplePerson());
    REQUIRE(person.has_value());
    auto edited = storage::PersonRepository(*kiosk).get(person->id);
    REQUIRE(edited.has_value());
    edited->givenNames = "Rosa";
    REQUIRE(storage::PersonRepository(*kiosk).update(*edited).has_value());
    sync::SpoolLimits limits;
    limits.pushBatch = 1;  // the person's creation and its edit in batches of their own
    auto sealed = sync::spoolOutbox(*kiosk, limits);
    REQUIRE(sealed.has_value());
    REQUIRE(*sealed >= 2);

    FailFirstChannel channel;
    auto sent = sync::syncSpool(kiosk.dataDir, channel, limits);
    REQUIRE_FALSE(sent.has_value());
    CHECK(channel.pushes == 1);
    CHECK(sync::countSpool(kiosk.dataDir).outboxFiles == *sealed);
}
