// Pulled pages that cannot be merged must not block every later sync: a
// damaged page is pulled again from the last merged position (not from the
// start), and a change the store cannot hold is refused alone.
#include <doctest/doctest.h>

#include <filesystem>

#include "storage/db/meta_table.hpp"
#include "storage/records/person_repository.hpp"
#include "sync/client/spool.hpp"
#include "tests/support/test_database.hpp"
#include "tests/sync/skewed_kiosk.hpp"

using namespace chasqui;
using namespace chasqui::storage;
using chasqui::test::makeSkewedKiosk;

namespace {

struct TwoKiosks {
    test::TempDir serverDir;
    ManualClock truth{test::kTestNowMs};
    std::unique_ptr<sync::ServerCore> server;
    sync::ServerCore* serverPtr = nullptr;
    std::unique_ptr<test::SkewedKiosk> writer;
    std::unique_ptr<test::SkewedKiosk> reader;

    TwoKiosks() {
        auto s = sync::ServerCore::open(test::serverLocationFor(serverDir.path() / "server"), truth);
        REQUIRE(s.has_value());
        server = std::move(*s);
        serverPtr = server.get();
        writer = makeSkewedKiosk(serverPtr, truth, "TUM", 1, 0);
        reader = makeSkewedKiosk(serverPtr, truth, "TUM", 2, 0);
    }

    std::vector<std::string> registerPeople(int n) {
        std::vector<std::string> ids;
        PersonRepository persons(*writer->store);
        for (int i = 0; i < n; ++i) {
            Person p = test::samplePerson();
            p.givenNames = fmt::format("Persona {}", i);
            p.docType = "none";
            p.docNumber.clear();
            auto added = persons.add(p);
            REQUIRE(added.has_value());
            ids.push_back(added->id);
            truth.advance(5);
        }
        REQUIRE(sync::syncNow(*writer->store, *writer->channel).has_value());
        return ids;
    }
};

std::int64_t count(PersonalStore& store, const std::string& sql) {
    auto n = store.db().scalarInt(sql);
    REQUIRE(n.has_value());
    return *n;
}

std::vector<std::filesystem::path> inboxPages(const DataDir& dir) {
    std::vector<std::filesystem::path> pages;
    for (const auto& e : std::filesystem::directory_iterator(dir.root / "sync" / "inbox"))
        if (e.path().extension() == ".page") pages.push_back(e.path());
    std::sort(pages.begin(), pages.end());
    return pages;
}

}  // namespace

TEST_CASE("a damaged inbox page is pulled again from the last merged position, and nothing is skipped") {
    TwoKiosks office;
    office.registerPeople(12);
    // The reader is locked: its sync thread stores small pages in the inbox.
    sync::SpoolLimits small;
    small.pullPage = 3;
    REQUIRE(sync::syncSpool(office.reader->data, *office.reader->channel, small).has_value());
    auto pages = inboxPages(office.reader->data);
    REQUIRE(pages.size() >= 4);
    // Disk corruption in the middle of the third page's seal.
    std::string bytes = test::readBytes(pages[2]);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5A);
    REQUIRE(writeFileAtomically(pages[2], bytes).has_value());

    auto merged = sync::mergeSpool(*office.reader->store);
    REQUIRE(merged.has_value());  // not an error that would stop every sign-in
    CHECK(merged->pagesDropped == 1);
    CHECK(inboxPages(office.reader->data).empty());
    // The sync thread goes on from the last page merged, not from the start.
    auto position = readMeta(office.reader->store->db(), "pull_cursor");
    REQUIRE(position.has_value());
    CHECK_FALSE(position->empty());
    CHECK(test::readBytes(office.reader->data.root / "sync" / "cursor") == *position);
    const std::int64_t before = count(*office.reader->store, "SELECT count(*) FROM persons");
    CHECK(before > 0);

    auto again = sync::syncNow(*office.reader->store, *office.reader->channel);
    REQUIRE(again.has_value());
    CHECK(again->pulled < 12 + 2);  // only what followed the merged position came again
    CHECK(count(*office.reader->store, "SELECT count(*) FROM persons") ==
          count(*office.writer->store, "SELECT count(*) FROM persons"));
}

TEST_CASE("a change the store cannot merge is refused alone; later syncs go on") {
    TwoKiosks office;
    const auto ids = office.registerPeople(3);
    REQUIRE(sync::syncNow(*office.reader->store, *office.reader->channel).has_value());
    // The reader's merge clocks for the first person are damaged on its disk.
    REQUIRE(office.reader->store->db()
                .exec("UPDATE record_clocks SET fields = 'not json' WHERE entity = 'person' AND record_id = '" +
                      ids[0] + "'")
                .has_value());
    for (const auto& id : ids) {
        auto r = office.writer->store->writeVoid([&](RecordWriter& w) -> Result<void> {
            auto changed = w.update("person", id, {{"phone", std::string("+51 900 111 222")}});
            if (!changed) return std::unexpected(changed.error());
            return {};
        });
        REQUIRE(r.has_value());
    }
    REQUIRE(sync::syncNow(*office.writer->store, *office.writer->channel).has_value());

    auto first = sync::syncNow(*office.reader->store, *office.reader->channel);
    REQUIRE(first.has_value());
    CHECK(first->rejected >= 1);
    CHECK(count(*office.reader->store, "SELECT count(*) FROM persons WHERE phone = '+51 900 111 222'") == 2);
    auto second = sync::syncNow(*office.reader->store, *office.reader->channel);
    REQUIRE(second.has_value());
    CHECK(inboxPages(office.reader->data).empty());
}
